/**
 * Traffic through the data plane (docs/semantics.md B6, B3): `connect` to a ClusterIP, a node's nodePort,
 * a load-balancer address or a pod IP, as the client's node's proxy has programmed it; `ping`.
 * A refused connection changes nothing (the step keeps the input state); a successful one may
 * record ClientIP affinity and advances the generator.
 */
import type { ConnectOp, PingOp } from '../contract/types.generated.ts';
import type { ApiError } from '../k8s/field-errors.ts';
import { notFound } from '../k8s/field-errors.ts';
import type { ServicePort } from '../k8s/objects.ts';
import type { Draft } from './draft.ts';
import { pick } from './draft.ts';
import { healthCheck } from './health-check.ts';
import { nodePortFor, servicePortFor, usableEndpoints } from './proxy.ts';
import type { ProgrammedService, SliceEntry } from './state.ts';
import { objectKey } from './state.ts';
import { externalIPService, isExternalIP, pathPolicy, sourceAllowed } from './traffic-policy.ts';

/** Where external clients come from when they do not say (TEST-NET-2, a documentation address). */
export const DEFAULT_EXTERNAL_CLIENT = '198.51.100.1';

export type ConnectResult =
  | { ok: true; pod?: { namespace: string; name: string }; ip: string; port: number; sourceIP: string; status?: number; localEndpoints?: number }
  | { ok: false; error: 'refused' | 'timeout' | 'unreachable' | ApiError };

interface Client { ip: string; node?: string; external: boolean }

export function clientOf(d: Draft, from: ConnectOp['from']): Client | ApiError {
  if ('external' in from) return { ip: from.ip ?? DEFAULT_EXTERNAL_CLIENT, external: true };
  const pod = d.pods.get(objectKey(from.namespace, from.pod));
  if (!pod) return notFound('pods', from.pod);
  return { ip: pod.status.ip || pod.ip, node: pod.node || undefined, external: false };
}

/** The app behind an endpoint: a pod must be running and listening; other addresses always answer. */
function answers(d: Draft, entry: SliceEntry, port: number): boolean {
  if (!entry.podKey) return true;
  const pod = d.pods.get(entry.podKey);
  if (!pod) return false;
  if (pod.statusManaged) return pod.status.phase === 'Running';
  const specs = pod.object.spec.containers;
  const i = Math.max(0, specs.findIndex((c) => (c.ports ?? []).some((p) => p.containerPort === port)));
  const c = pod.containers[i];
  return !!c && c.running && c.listening;
}

interface Route { svc: ProgrammedService; port: ServicePort; external: boolean; viaNode?: string }

function affinityTimeout(p: ProgrammedService): number | undefined {
  if (p.service.spec.sessionAffinity !== 'ClientIP') return undefined;
  return p.service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800;
}

/** Picks an endpoint on the proxy of `node` and connects to it. */
function forward(d: Draft, node: string | undefined, route: Route, client: Client): ConnectResult {
  const policy = pathPolicy(route.svc.service.spec, route.external, !client.external && client.node !== undefined && client.node === node);
  const all = usableEndpoints(route.svc, route.port);
  const usable = policy.nodeLocal ? usableEndpoints(route.svc, route.port, node) : all;
  if (usable.length === 0) {
    // No endpoint anywhere: kube-proxy REJECTs. Endpoints exist but none local: DROP (pkg/proxy/iptables/proxier.go).
    return all.length === 0 ? { ok: false, error: 'refused' } : { ok: false, error: 'timeout' };
  }
  const keys = usable.map((u) => `${u.entry.ip}:${u.port}`);
  const timeout = affinityTimeout(route.svc);
  const proxy = node ? d.proxies.get(node) : undefined;
  const affKey = `${route.svc.key}|${route.port.port}/${route.port.protocol ?? 'TCP'}|${client.ip}`;
  let index = -1;
  if (timeout !== undefined && proxy) {
    // `-m recent --rcheck --seconds timeout`: the client's last connection counts while it is less
    // than timeout seconds old (net/netfilter/xt_recent.c: a stamp after now - seconds).
    const seen = proxy.affinity.get(affKey);
    if (seen && d.time - seen.at < timeout) index = keys.indexOf(seen.endpoint);
  }
  if (index < 0) index = pick(d, 'endpoint', keys);
  const chosen = usable[index];
  if (!answers(d, chosen.entry, chosen.port)) return { ok: false, error: 'refused' };
  if (timeout !== undefined && proxy) {
    d.proxies = d.proxies.set(proxy.node, { ...proxy, affinity: proxy.affinity.set(affKey, { endpoint: keys[index], at: d.time }) });
  }
  // Cluster policy SNATs external traffic to the node's address: the backend loses the client IP (the seed).
  // Hairpin: every endpoint chain marks packets whose source is the endpoint itself for masquerade
  // (pkg/proxy/iptables/proxier.go "traffic that loops back to the originator"), so a pod reaching
  // itself through a Service sees its node's address too.
  const hairpin = chosen.entry.ip === client.ip;
  const sourceIP = (policy.masquerade || hairpin) && node ? d.nodes.get(node)!.ip : client.ip;
  const result: ConnectResult = { ok: true, ip: chosen.entry.ip, port: chosen.port, sourceIP };
  if (chosen.entry.pod) result.pod = { ...chosen.entry.pod };
  return result;
}

function nodeByIP(d: Draft, ip: string): string | undefined {
  for (const n of d.nodes.values()) if (n.ip === ip) return n.name;
  return undefined;
}

export function connect(d: Draft, op: ConnectOp): ConnectResult {
  const client = clientOf(d, op.from);
  if ('reason' in client) return { ok: false, error: client };
  const to = op.to;
  const protocol = to.protocol ?? 'TCP';
  let ip: string;
  let port: number;
  if ('service' in to) {
    const rec = d.services.get(objectKey(to.namespace ?? ('namespace' in op.from ? op.from.namespace : undefined), to.service));
    if (!rec) return { ok: false, error: notFound('services', to.service) };
    const sp = typeof to.port === 'string' ? rec.object.spec.ports?.find((p) => p.name === to.port) : { port: to.port };
    if (!sp) return { ok: false, error: 'timeout' };
    const cip = rec.object.spec.clusterIP;
    if (!cip || cip === 'None') return { ok: false, error: 'unreachable' };
    ip = cip;
    port = sp.port;
  } else if ('node' in to) {
    const node = d.nodes.get(to.node);
    if (!node) return { ok: false, error: notFound('nodes', to.node) };
    ip = node.ip;
    port = to.port;
  } else {
    ip = to.ip;
    port = to.port;
  }
  // A ClusterIP: only meaningful inside the cluster, and only with a port the Service has.
  const svcByIP = d.clusterIPs.get(ip);
  if (svcByIP !== undefined) {
    if (client.external || !client.node) return { ok: false, error: 'unreachable' };
    const p = d.proxies.get(client.node)?.services.get(svcByIP);
    const sp = p && servicePortFor(p, port, protocol);
    // No rule for this (IP, port): the packet is not DNATed and goes nowhere (iptables mode).
    if (!p || !sp) return { ok: false, error: 'timeout' };
    return forward(d, client.node, { svc: p, port: sp, external: false }, client);
  }
  // An externalIP is matched before the nodePorts (KUBE-NODEPORTS comes last), even on a node's own address.
  if (isExternalIP(d, ip)) {
    const viaExternalIP = toExternalIP(d, ip, port, protocol, client);
    if (viaExternalIP) return viaExternalIP;
  }
  const node = nodeByIP(d, ip);
  if (node !== undefined) {
    const svcKey = d.nodePorts.get(String(port));
    const p = svcKey !== undefined ? d.proxies.get(node)?.services.get(svcKey) : undefined;
    const hc = p && protocol === 'TCP' ? healthCheck(p, node, port) : undefined;
    if (hc) return { ok: true, ip, port, sourceIP: client.ip, ...hc };
    const sp = p && nodePortFor(p, port, protocol);
    if (!p || !sp) return { ok: false, error: 'refused' }; // Nothing listens on that node port.
    // A nodePort is an external destination whoever connects, a pod included.
    return forward(d, node, { svc: p, port: sp, external: true, viaNode: node }, client);
  }
  const lbOwner = d.lbAddresses.get(ip);
  if (lbOwner !== undefined) {
    // A pod's packet to a load-balancer address never leaves its node: that node's proxy captures it.
    if (!client.external && client.node) return toLoadBalancerFromPod(d, client.node, lbOwner, port, protocol, client);
    return viaLoadBalancer(d, lbOwner, port, protocol, client);
  }
  const podKey = d.podIPs.get(ip);
  if (podKey !== undefined) {
    const pod = d.pods.get(podKey)!;
    const entry: SliceEntry = { ip, podKey, ready: true, serving: true, terminating: false, ports: {} };
    if (!answers(d, entry, port)) return { ok: false, error: 'refused' };
    const { namespace, name } = pod.object.metadata;
    return { ok: true, pod: { namespace: namespace!, name: name! }, ip, port, sourceIP: client.ip };
  }
  return { ok: false, error: 'unreachable' };
}

/**
 * A cloud load balancer spreads over healthy nodes: with Local policy, those whose health check
 * answers 200 (model/cluster/health-check.ts); when none does, over every node, as cloud load
 * balancers fail open. Clients outside loadBalancerSourceRanges are dropped.
 */
function viaLoadBalancer(d: Draft, svcKey: string, port: number, protocol: string, client: Client): ConnectResult {
  const nodes = [...d.nodes.keys()].sort();
  const programmed = nodes.filter((n) => {
    const p = d.proxies.get(n)?.services.get(svcKey);
    return !!p && !!servicePortFor(p, port, protocol);
  });
  if (programmed.length === 0) {
    const anyProgrammed = nodes.some((n) => d.proxies.get(n)?.services.has(svcKey));
    return { ok: false, error: anyProgrammed ? 'refused' : 'timeout' };
  }
  if (!sourceAllowed(d.proxies.get(programmed[0])!.services.get(svcKey)!.service.spec, client.ip)) return { ok: false, error: 'timeout' };
  const healthy = programmed.filter((n) => {
    const p = d.proxies.get(n)!.services.get(svcKey)!;
    return p.service.spec.externalTrafficPolicy !== 'Local' || usableEndpoints(p, servicePortFor(p, port, protocol)!, n).some((u) => u.entry.ready);
  });
  const candidates = healthy.length > 0 ? healthy : programmed;
  const node = candidates[pick(d, 'endpoint', candidates)];
  const p = d.proxies.get(node)!.services.get(svcKey)!;
  return forward(d, node, { svc: p, port: servicePortFor(p, port, protocol)!, external: true, viaNode: node }, { ...client, external: true });
}

/**
 * A pod's connection to a load-balancer address, handled by its own node's proxy as an external
 * destination; a node that has not programmed the Service yet lets it out to the load balancer.
 */
function toLoadBalancerFromPod(d: Draft, node: string, svcKey: string, port: number, protocol: string, client: Client): ConnectResult {
  const p = d.proxies.get(node)?.services.get(svcKey);
  if (!p) return viaLoadBalancer(d, svcKey, port, protocol, client);
  const sp = servicePortFor(p, port, protocol);
  if (!sp) return { ok: false, error: 'timeout' };
  if (!sourceAllowed(p.service.spec, client.ip)) return { ok: false, error: 'timeout' };
  return forward(d, node, { svc: p, port: sp, external: true, viaNode: node }, client);
}

/**
 * A connection to an externalIP on a Service port: the route to that address is the network's
 * business, so an external client's packet lands on any node; a pod's is captured by its own node.
 * Either way it is an external destination (proxier.go "external IP").
 */
function toExternalIP(d: Draft, ip: string, port: number, protocol: string, client: Client): ConnectResult | undefined {
  if (!client.external && client.node) {
    const p = externalIPService(d, client.node, ip, port, protocol);
    return p && forward(d, client.node, { svc: p, port: servicePortFor(p, port, protocol)!, external: true, viaNode: client.node }, client);
  }
  const nodes = [...d.nodes.keys()].sort().filter((n) => externalIPService(d, n, ip, port, protocol));
  if (nodes.length === 0) return undefined;
  const node = nodes[pick(d, 'endpoint', nodes)];
  const p = externalIPService(d, node, ip, port, protocol)!;
  return forward(d, node, { svc: p, port: servicePortFor(p, port, protocol)!, external: true, viaNode: node }, { ...client, external: true });
}

/** ICMP echo: pods and nodes answer; a ClusterIP is virtual and never does (the seed). */
export function ping(d: Draft, op: PingOp): { ok: true; reply: boolean } | { ok: false; error: ApiError } {
  const client = clientOf(d, op.from);
  if ('reason' in client) return { ok: false, error: client };
  if (d.clusterIPs.has(op.ip)) return { ok: true, reply: false };
  const podKey = d.podIPs.get(op.ip);
  if (podKey !== undefined) return { ok: true, reply: d.pods.get(podKey)?.status.phase === 'Running' };
  return { ok: true, reply: nodeByIP(d, op.ip) !== undefined };
}

/** A connection from a component on `node` (an ingress controller) to a Service port, by number or name. */
export function connectFromNode(d: Draft, node: string, clientIP: string, svcKey: string, port: number | string): ConnectResult {
  const p = d.proxies.get(node)?.services.get(svcKey);
  const sp = p?.service.spec.ports?.find((x) => (typeof port === 'number' ? x.port === port : x.name === port));
  if (!p || !sp || !p.service.spec.clusterIP || p.service.spec.clusterIP === 'None') return { ok: false, error: 'timeout' };
  return forward(d, node, { svc: p, port: sp, external: false }, { ip: clientIP, node, external: false });
}
