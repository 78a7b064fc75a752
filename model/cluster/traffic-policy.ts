/**
 * Traffic policies: which endpoints a node's proxy offers a new connection, and whether the backend
 * sees the client's address or the node's. kube-proxy sorts destinations into two paths:
 * - internal, the ClusterIP: internalTrafficPolicy decides; Local offers only the node's own
 *   endpoints and DROPs when it has none while others exist (pkg/proxy/iptables/proxier.go,
 *   "has no local endpoints"); the client's address is kept.
 * - external, a nodePort, a load-balancer address or an externalIP, whoever the client is, pods
 *   included: externalTrafficPolicy decides, never internalTrafficPolicy. Cluster masquerades to
 *   the node's address ("masquerade traffic for … external destinations") and offers every
 *   endpoint; Local keeps the client's address and offers only the node's endpoints — except for
 *   a pod on that very node, whose traffic short-circuits to every endpoint ("pod traffic for …
 *   external destinations": it acts as if it went out to a load balancer and came back).
 * "Local" means the client pod runs on the node that handles the connection (the node-CIDR reading
 * of --detect-local-mode; the default ClusterCIDR reading would treat a pod of another node as local
 * too, whose replies then take another route back).
 * Which endpoints "Local" offers (ready ones on the node, else its serving-terminating ones) is
 * model/cluster/proxy.ts usableEndpoints with a node, as pkg/proxy/topology.go CategorizeEndpoints.
 */
import type { ServicePort, ServiceSpec } from '../k8s/objects.ts';
import { inCidr, parseCidr } from './ip.ts';
import type { Draft } from './draft.ts';
import { usableEndpoints } from './proxy.ts';
import type { ProgrammedService, SliceEntry } from './state.ts';

export interface PathPolicy {
  /** Only the handling node's own endpoints are offered. */
  readonly nodeLocal: boolean;
  /** The source is rewritten to the handling node's address. */
  readonly masquerade: boolean;
}

/** The policy a connection meets on the node that handles it. */
export function pathPolicy(spec: ServiceSpec, external: boolean, clientPodOnNode: boolean): PathPolicy {
  if (!external) return { nodeLocal: spec.internalTrafficPolicy === 'Local', masquerade: false };
  if (spec.externalTrafficPolicy !== 'Local') return { nodeLocal: false, masquerade: true };
  return { nodeLocal: !clientPodOnNode, masquerade: false };
}

/**
 * loadBalancerSourceRanges: only clients inside one of the ranges reach the load-balancer address;
 * the others are dropped (proxier.go firewall chain, "other traffic … will be dropped by
 * KUBE-PROXY-FIREWALL"). No ranges: everyone. nodePorts are not subject to them.
 */
export function sourceAllowed(spec: ServiceSpec, clientIP: string): boolean {
  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length === 0) return true;
  return ranges.some((r) => {
    const cidr = parseCidr(String(r).trim());
    return cidr !== undefined && inCidr(clientIP, cidr);
  });
}

/** The Service whose externalIPs hold `ip` with a port (port, protocol), as `node`'s proxy has it programmed. */
export function externalIPService(d: Draft, node: string, ip: string, port: number, protocol: string): ProgrammedService | undefined {
  const proxy = d.proxies.get(node);
  if (!proxy) return undefined;
  for (const [, p] of proxy.services.sortedEntries()) {
    const spec = p.service.spec;
    if ((spec.externalIPs ?? []).includes(ip) && (spec.ports ?? []).some((sp) => sp.port === port && (sp.protocol ?? 'TCP') === protocol)) return p;
  }
  return undefined;
}

/** Whether any node's proxy has a Service with this externalIP (an address the cluster answers for). */
export function isExternalIP(d: Draft, ip: string): boolean {
  for (const proxy of d.proxies.values()) {
    for (const p of proxy.services.values()) if ((p.service.spec.externalIPs ?? []).includes(ip)) return true;
  }
  return false;
}

/**
 * Every endpoint a ClusterIP connection through `node`'s proxy may reach (CategorizeEndpoints'
 * allReachableEndpoints for the internal path): the usable endpoints of the cluster, and with
 * internalTrafficPolicy Local also the node's serving-terminating ones, its fallback when it has no
 * ready endpoint of its own while other nodes have. What the observation's `proxies` show.
 */
export function reachableEndpoints(p: ProgrammedService, port: ServicePort, node: string): { entry: SliceEntry; port: number }[] {
  const cluster = usableEndpoints(p, port);
  if (p.service.spec.internalTrafficPolicy !== 'Local') return cluster;
  const seen = new Set(cluster.map((u) => `${u.entry.ip}:${u.port}`));
  return [...cluster, ...usableEndpoints(p, port, node).filter((u) => !seen.has(`${u.entry.ip}:${u.port}`))];
}
