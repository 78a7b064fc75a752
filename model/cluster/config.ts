/** The cluster configuration with its defaults applied (docs/contract.md section 1). */
import type { ClusterConfig } from '../contract/types.generated.ts';
import { type Cidr, nthAddress, parseCidr } from './ip.ts';

export interface NodeConfig {
  readonly name: string;
  readonly ip: string;
  /** The /24 (or smaller share) of podCIDR this node's pods get their IPs from. */
  readonly podRange: Cidr;
}

export interface Config {
  readonly nodes: readonly NodeConfig[];
  readonly nodeCIDR: Cidr;
  readonly serviceCIDR: Cidr;
  readonly podCIDR: Cidr;
  readonly nodePortRange: { readonly min: number; readonly max: number };
  readonly clusterDomain: string;
  readonly dnsServiceIP: string;
  /** The first usable address: the `kubernetes` Service in `default`. */
  readonly kubernetesServiceIP: string;
  /** Addresses a cloud load balancer hands out (TEST-NET-3, documentation addresses). */
  readonly loadBalancerCIDR: Cidr;
  readonly cloudLoadBalancer: boolean;
  readonly ingressControllers: readonly string[];
  readonly appsListenOnStart: boolean;
  readonly timing: 'sync' | 'async';
  readonly seed: number;
}

export class ConfigError extends Error {}

function cidr(text: string, field: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new ConfigError(`cluster.${field}: invalid CIDR "${text}"`);
  return c;
}

export function nodePodRange(podCIDR: Cidr, index: number, nodes: number): Cidr {
  // Like the node IPAM controller, each node gets its own block of the pod CIDR: here an even
  // share (so large benchmark clusters fit), never smaller than a /28.
  const prefix = Math.min(28, podCIDR.prefix + Math.ceil(Math.log2(Math.max(1, nodes))));
  const size = 2 ** (32 - prefix);
  const base = (podCIDR.base + index * size) >>> 0;
  return { text: `${nthAddress({ ...podCIDR, base }, 0)}/${prefix}`, base, prefix, size };
}

export function normalizeConfig(input: ClusterConfig = {}): Config {
  const nodeCIDR = cidr(input.nodeCIDR ?? '192.168.0.0/24', 'nodeCIDR');
  const serviceCIDR = cidr(input.serviceCIDR ?? '10.96.0.0/12', 'serviceCIDR');
  const podCIDR = cidr(input.podCIDR ?? '10.244.0.0/16', 'podCIDR');
  const names = input.nodes ?? ['node-1', 'node-2'];
  if (new Set(names).size !== names.length) throw new ConfigError('cluster.nodes: duplicate node name');
  if (names.length + 10 > nodeCIDR.size) throw new ConfigError('cluster.nodeCIDR: too small for the nodes');
  const nodes = names.map((name, i) => ({ name, ip: nthAddress(nodeCIDR, 10 + i), podRange: nodePodRange(podCIDR, i, names.length) }));
  const [min, max] = (input.nodePortRange ?? '30000-32767').split('-').map(Number);
  if (!(min >= 1 && max <= 65535 && min <= max)) throw new ConfigError(`cluster.nodePortRange: invalid range "${input.nodePortRange}"`);
  if (serviceCIDR.size < 16) throw new ConfigError('cluster.serviceCIDR: too small');
  return Object.freeze({
    nodes: Object.freeze(nodes.map((n) => Object.freeze(n))),
    nodeCIDR,
    serviceCIDR,
    podCIDR,
    nodePortRange: { min, max },
    clusterDomain: (input.clusterDomain ?? 'cluster.local').replace(/\.$/, ''),
    dnsServiceIP: input.dnsServiceIP ?? nthAddress(serviceCIDR, 10),
    kubernetesServiceIP: nthAddress(serviceCIDR, 1),
    loadBalancerCIDR: cidr('203.0.113.0/24', 'loadBalancerCIDR'),
    cloudLoadBalancer: input.cloudLoadBalancer ?? false,
    ingressControllers: Object.freeze([...(input.ingressControllers ?? [])]),
    appsListenOnStart: input.appsListenOnStart ?? true,
    timing: input.timing ?? 'sync',
    seed: input.seed ?? 0,
  });
}
