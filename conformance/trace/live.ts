// The live objects of a recording, by kind and namespace/name, with the indexes the checker needs
// to find what one event can affect: Services by namespace and uid, pods by namespace and label,
// and which Endpoints list a pod. Each entry keeps its observation view, that view as a CEL value
// (converted once per change), and the last few events that wrote it. Memory follows the live
// objects: a deleted object leaves nothing behind. The recording's first burst of ADDED events
// (a List, or the initial listing a watch prints) is just the first objects to arrive here.
import type { EndpointsView, NodeView, PodView, ServiceView } from '../../model/index.ts';
import { toCelValue } from '../../properties/cel/index.ts';
import type { EventType, SourcePos } from './event.ts';
import { type SliceSubset, foldSlices } from './observation.ts';
import { sameLabels } from '../../model/cluster/selection.ts';

/** One event as a report shows it: what, which object, its resourceVersion, when, where. */
export interface EventRef {
  readonly seq: number;
  readonly type: EventType;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion?: string;
  readonly time?: string;
  readonly source: SourcePos;
}

export interface LiveEntry<V> {
  readonly key: string;
  readonly view: V;
  readonly cel: unknown;
  /** The last events that wrote this object, oldest first (at most HISTORY). */
  readonly events: readonly EventRef[];
}

export const HISTORY = 4;

const addTo = (m: Map<string, Set<string>>, k: string, v: string) => {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
};
const removeFrom = (m: Map<string, Set<string>>, k: string, v: string) => {
  const s = m.get(k);
  if (s?.delete(v) && s.size === 0) m.delete(k);
};

export function entry<V>(key: string, view: V, ev: EventRef, old?: LiveEntry<unknown>, cel: (v: V) => unknown = toCelValue): LiveEntry<V> {
  const events = old ? (old.events.length < HISTORY ? [...old.events, ev] : [...old.events.slice(1), ev]) : [ev];
  return { key, view, cel: cel(view), events };
}

// toCelValue for the two views that change most often, written out (the same values, less work).
const big = (n: number): unknown => (Number.isInteger(n) ? BigInt(n) : n);

export function podCel(p: PodView): unknown {
  const containers = p.containers.map((c) => {
    const o: Record<string, unknown> = { name: c.name, ready: c.ready, restartCount: big(c.restartCount) };
    if (c.ports) o.ports = c.ports.map((x) => (x.name !== undefined ? { name: x.name, containerPort: big(x.containerPort), protocol: x.protocol } : { containerPort: big(x.containerPort), protocol: x.protocol }));
    return o;
  });
  const o: Record<string, unknown> = { namespace: p.namespace, name: p.name, uid: p.uid, labels: { ...p.labels }, node: p.node, ip: p.ip, phase: p.phase, ready: p.ready, terminating: p.terminating, containers };
  if (p.controller) o.controller = { kind: p.controller.kind, name: p.controller.name };
  return o;
}

type Address = EndpointsView['subsets'][number]['addresses'][number];
const addressCel = (a: Address): unknown => {
  const o: Record<string, unknown> = { ip: a.ip };
  if (a.pod) o.pod = { namespace: a.pod.namespace, name: a.pod.name };
  if (a.hostname !== undefined) o.hostname = a.hostname;
  return o;
};

export function endpointsCel(e: EndpointsView): unknown {
  return {
    namespace: e.namespace,
    name: e.name,
    subsets: e.subsets.map((ss) => ({
      addresses: ss.addresses.map(addressCel),
      notReadyAddresses: ss.notReadyAddresses.map(addressCel),
      ports: ss.ports.map((x) => (x.name !== undefined ? { port: big(x.port), protocol: x.protocol, name: x.name } : { port: big(x.port), protocol: x.protocol })),
    })),
    ...(e.userWritten ? { userWritten: true } : {}),
  };
}

export class LiveStore {
  readonly services = new Map<string, LiveEntry<ServiceView>>();
  readonly pods = new Map<string, LiveEntry<PodView>>();
  /** Endpoints objects as recorded, by namespace/name. */
  readonly endpoints = new Map<string, LiveEntry<EndpointsView>>();
  /** Endpoints views folded from EndpointSlices, for Services that have no Endpoints object. */
  readonly folded = new Map<string, LiveEntry<EndpointsView>>();
  readonly nodes = new Map<string, LiveEntry<NodeView>>();
  /** EndpointSlice namespace/name → the Service key it belongs to and what it contributes. */
  readonly slices = new Map<string, { service: string; part?: SliceSubset; events: readonly EventRef[] }>();
  private readonly slicesByService = new Map<string, Map<string, SliceSubset>>();
  /** Objects whose content the recording does not show (audit Metadata/Request level), by Kind/ns/name. */
  readonly opaque = new Map<string, readonly EventRef[]>();

  readonly servicesByNs = new Map<string, Set<string>>();
  readonly podsByNs = new Map<string, Set<string>>();
  /** namespace → `label=value` → pod keys. */
  private readonly podLabels = new Map<string, Map<string, Set<string>>>();
  /** pod key → the Services whose Endpoints name it (by its namespace/name, or by its name in the Endpoints' namespace). */
  readonly refs = new Map<string, Set<string>>();
  readonly uids = new Map<string, Set<string>>();
  /** Namespaces the recording has shown Pods / Endpoints (or EndpointSlices) of. */
  readonly podNamespaces = new Set<string>();
  readonly endpointsNamespaces = new Set<string>();
  peak = 0;

  get size(): number {
    return this.services.size + this.pods.size + this.endpoints.size + this.slices.size + this.nodes.size + this.opaque.size;
  }

  setService(key: string, e: LiveEntry<ServiceView> | undefined): LiveEntry<ServiceView> | undefined {
    const old = this.services.get(key);
    if (old) {
      removeFrom(this.servicesByNs, old.view.namespace, key);
      if (old.view.uid) removeFrom(this.uids, old.view.uid, key);
    }
    if (e) {
      this.services.set(key, e);
      addTo(this.servicesByNs, e.view.namespace, key);
      if (e.view.uid) addTo(this.uids, e.view.uid, key);
    } else this.services.delete(key);
    this.grew();
    return old;
  }

  setPod(key: string, e: LiveEntry<PodView> | undefined): LiveEntry<PodView> | undefined {
    const old = this.pods.get(key);
    if (old && e && old.view.namespace === e.view.namespace && sameLabels(old.view.labels, e.view.labels)) {
      this.pods.set(key, e); // the indexes stay as they are
      return old;
    }
    if (old) {
      removeFrom(this.podsByNs, old.view.namespace, key);
      const idx = this.podLabels.get(old.view.namespace);
      for (const [k, v] of Object.entries(old.view.labels)) if (idx) removeFrom(idx, `${k}=${v}`, key);
      if (idx?.size === 0) this.podLabels.delete(old.view.namespace);
    }
    if (e) {
      const ns = e.view.namespace;
      this.pods.set(key, e);
      this.podNamespaces.add(ns);
      addTo(this.podsByNs, ns, key);
      let idx = this.podLabels.get(ns);
      if (!idx) this.podLabels.set(ns, (idx = new Map()));
      for (const [k, v] of Object.entries(e.view.labels)) addTo(idx, `${k}=${v}`, key);
    } else this.pods.delete(key);
    this.grew();
    return old;
  }

  /** Pod keys in a namespace whose labels match a selector ({} matches every pod). */
  selected(namespace: string, selector: Record<string, string>): string[] {
    const pairs = Object.entries(selector);
    if (pairs.length === 0) return [...(this.podsByNs.get(namespace) ?? [])];
    const idx = this.podLabels.get(namespace);
    if (!idx) return [];
    let best: Set<string> | undefined;
    for (const [k, v] of pairs) {
      const s = idx.get(`${k}=${v}`);
      if (!s) return [];
      if (!best || s.size < best.size) best = s;
    }
    return [...best!].filter((p) => {
      const labels = this.pods.get(p)!.view.labels;
      return pairs.every(([k, v]) => labels[k] === v);
    });
  }

  /** What the Service of this key lists: its Endpoints object, else its folded slices. */
  effectiveEndpoints(key: string): LiveEntry<EndpointsView> | undefined {
    return this.endpoints.get(key) ?? this.folded.get(key);
  }

  setEndpoints(key: string, e: LiveEntry<EndpointsView> | undefined): LiveEntry<EndpointsView> | undefined {
    const before = this.effectiveEndpoints(key);
    if (e) {
      this.endpoints.set(key, e);
      this.endpointsNamespaces.add(e.view.namespace);
    } else this.endpoints.delete(key);
    this.reindex(key, before);
    this.grew();
    return before;
  }

  /** An EndpointSlice written or deleted; returns the Service key it belongs (or belonged) to. */
  setSlice(sliceKey: string, service: string | undefined, part: SliceSubset | undefined, ev: EventRef): { before?: string; after?: string } {
    const old = this.slices.get(sliceKey);
    const touched = new Set<string>();
    if (old) {
      const m = this.slicesByService.get(old.service);
      m?.delete(sliceKey);
      if (m?.size === 0) this.slicesByService.delete(old.service);
      touched.add(old.service);
    }
    if (service !== undefined) {
      const events = old ? [...old.events.slice(-(HISTORY - 1)), ev] : [ev];
      this.slices.set(sliceKey, { service, part, events });
      if (part) {
        let m = this.slicesByService.get(service);
        if (!m) this.slicesByService.set(service, (m = new Map()));
        m.set(sliceKey, part);
      }
      this.endpointsNamespaces.add(service.slice(0, service.indexOf('/')));
      touched.add(service);
    } else this.slices.delete(sliceKey);
    for (const svc of touched) {
      const before = this.effectiveEndpoints(svc);
      const parts = this.slicesByService.get(svc);
      if (parts) {
        const i = svc.indexOf('/');
        const view = foldSlices(svc.slice(0, i), svc.slice(i + 1), [...parts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p));
        this.folded.set(svc, entry(svc, view, ev, this.folded.get(svc), endpointsCel));
      } else this.folded.delete(svc);
      this.reindex(svc, before);
    }
    this.grew();
    return { before: old?.service, after: service };
  }

  /** Keeps `refs` in step with what the Service of `key` lists. */
  private reindex(key: string, before: LiveEntry<EndpointsView> | undefined): void {
    const after = this.effectiveEndpoints(key);
    if (before === after) return;
    if (before) for (const p of refsOf(before.view)) removeFrom(this.refs, p, key);
    if (after) for (const p of refsOf(after.view)) addTo(this.refs, p, key);
  }

  private grew(): void {
    const n = this.size;
    if (n > this.peak) this.peak = n;
  }
}

const refCache = new WeakMap<EndpointsView, Set<string>>();
/** referencedPods, computed once per view. */
export function refsOf(view: EndpointsView): Set<string> {
  let s = refCache.get(view);
  if (!s) refCache.set(view, (s = referencedPods(view)));
  return s;
}

/** Pod keys an Endpoints view names: by the address's namespace/name and by its name in the Endpoints' namespace. */
export function referencedPods(e: EndpointsView): Set<string> {
  const out = new Set<string>();
  for (const ss of e.subsets) {
    for (const list of [ss.addresses, ss.notReadyAddresses]) {
      for (const a of list) {
        if (!a.pod) continue;
        out.add(`${a.pod.namespace}/${a.pod.name}`);
        out.add(`${e.namespace}/${a.pod.name}`);
      }
    }
  }
  return out;
}
