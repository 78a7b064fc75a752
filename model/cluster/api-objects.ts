/**
 * The API objects a state holds, as `kubectl get -o json` would list them: Nodes, Services,
 * Pods (with the status the API shows), Endpoints, ReplicationControllers, Ingresses and
 * IngressClasses. What an exporter turns into watch events (conformance/trace/export.ts).
 * Each entry carries the record it is rendered from, so a consumer can tell an unchanged object
 * by identity without rendering it, and renders lazily.
 */
import type { KubeObject } from '../k8s/objects.ts';
import { nodeObject } from './apiserver.ts';
import { podObject } from './pods.ts';
import type { ClusterState } from './state.ts';

export { timestamp } from './time.ts';

export interface ApiObject {
  readonly kind: string;
  /** `Kind/namespace/name` (cluster-scoped: `Kind//name`), unique in a state. */
  readonly key: string;
  /** What the object is rendered from: the same value means the same object. */
  readonly source: object;
  /** Who wrote it last: a controller (the endpoints controller's Endpoints) or not. */
  readonly writer: 'user' | 'controller';
  render(): KubeObject;
}

/** In the order an API server's watchers would see a change ripple: Services before the Endpoints they cause. */
export function apiObjects(s: ClusterState): ApiObject[] {
  const out: ApiObject[] = [];
  const ns = (o: KubeObject) => o.metadata.namespace ?? '';
  for (const n of s.nodes.values()) out.push({ kind: 'Node', key: `Node//${n.name}`, source: n, writer: 'user', render: () => nodeObject(n.name, n.ip) });
  for (const r of s.services.values()) out.push({ kind: 'Service', key: `Service/${ns(r.object)}/${r.object.metadata.name}`, source: r.object, writer: 'user', render: () => r.object });
  for (const rc of s.rcs.values()) out.push({ kind: 'ReplicationController', key: `ReplicationController/${ns(rc)}/${rc.metadata.name}`, source: rc, writer: 'user', render: () => rc });
  for (const p of s.pods.values()) {
    out.push({ kind: 'Pod', key: `Pod/${ns(p.object)}/${p.object.metadata.name}`, source: p, writer: 'user', render: () => podObject(p, s.nodes.get(p.node)?.ip) });
  }
  for (const e of s.endpoints.values()) {
    const shown = e.userWrite ?? e.object;
    out.push({ kind: 'Endpoints', key: `Endpoints/${ns(shown)}/${shown.metadata.name}`, source: shown, writer: e.managed && !e.userWrite ? 'controller' : 'user', render: () => shown });
  }
  for (const c of s.ingressClasses.values()) out.push({ kind: 'IngressClass', key: `IngressClass//${c.metadata.name}`, source: c, writer: 'user', render: () => c });
  for (const i of s.ingresses.values()) out.push({ kind: 'Ingress', key: `Ingress/${ns(i.object)}/${i.object.metadata.name}`, source: i.object, writer: 'user', render: () => i.object });
  return out;
}
