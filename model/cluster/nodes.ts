/** Nodes joining and leaving: each node has an InternalIP, a pod IP block and its own proxy. */
import type { ApiError } from '../k8s/field-errors.ts';
import type { Node } from '../k8s/objects.ts';
import { nodePodRange } from './config.ts';
import type { Draft } from './draft.ts';
import { formatIPv4 } from './ip.ts';
import { removePod } from './kubelet.ts';
import { emptyProxy } from './proxy.ts';
import { PMap } from './pmap.ts';

/** A node applied by a user: kept if known (its address stays), else added with the next free address. */
export function addNode(d: Draft, node: Node): Node {
  const name = node.metadata.name!;
  const existing = d.nodes.get(name);
  if (existing) return { ...node, status: { ...node.status, addresses: [{ type: 'InternalIP', address: existing.ip }] } };
  const given = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const taken = new Set([...d.nodes.values()].map((n) => n.ip));
  let ip = given && !taken.has(given) ? given : '';
  for (let i = 10; !ip && i < d.config.nodeCIDR.size - 1; i++) {
    const candidate = formatIPv4(d.config.nodeCIDR.base + i);
    if (!taken.has(candidate)) ip = candidate;
  }
  // New nodes take pod blocks after the configured ones (the configuration sized the split).
  const index = d.nodes.size;
  const range = nodePodRange(d.config.podCIDR, index, Math.max(index + 1, d.config.nodes.length));
  d.nodes = d.nodes.set(name, { name, ip, podRange: { base: range.base, size: range.size }, pods: 0, lastIP: 0 });
  d.proxies = d.proxies.set(name, emptyProxy(name));
  // The new node's proxy programs every Service.
  d.pendingProxy = d.pendingProxy.set(name, PMap.from([...d.services.keys()].map((k) => [k, true as const])));
  return { ...node, status: { ...node.status, addresses: [{ type: 'InternalIP', address: ip }] } };
}

/** A deleted node takes its pods with it (the node lifecycle controller's eviction, at once). */
export function deleteNode(d: Draft, name: string): ApiError | undefined {
  for (const pod of [...d.pods.values()]) if (pod.node === name) removePod(d, pod.key);
  d.nodes = d.nodes.delete(name);
  d.proxies = d.proxies.delete(name);
  d.pendingProxy = d.pendingProxy.delete(name);
  return undefined;
}
