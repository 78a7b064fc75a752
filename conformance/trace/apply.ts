// The live state of a recording as the checker reads it: applying an event to the live objects
// (live.ts) and to the two uniqueness indexes (ClusterIP → Services, nodePort → Services), saying
// what it touched (which Services' rules may now judge differently, and why), and building the
// slices of the observation that rules are evaluated on (rules.ts says which slice each reads).
import { type EndpointsView, type PodView, type ServiceView, sameData } from '../../model/index.ts';
import type { TraceEvent } from './event.ts';
import { type EventRef, HISTORY, type LiveEntry, LiveStore, endpointsCel, entry, podCel, refsOf } from './live.ts';
import { endpointsViewOf, nodeViewOf, podViewOf, serviceViewOf, sliceService, sliceSubset } from './observation.ts';
import { LISTED, SELECTED, SERVICE, type Scope } from './rules.ts';

/** Marks the nodePort index's entry for a Service's healthCheckNodePort. */
const HEALTH_CHECK = '\u0000healthCheckNodePort';

export interface Evidence {
  /** Observation entries involved, as they are (and, for a transition, as they were before the event). */
  readonly objects: unknown[];
  readonly prev?: unknown[];
  /** The last events that wrote them, in stream order. */
  readonly events: EventRef[];
}

/** What a rule reads for a unit (as CEL values), and the live entries it is made of (the evidence). */
export type Slice = { cel: unknown; entries: readonly LiveEntry<unknown>[] };

export interface Group { anchor: string; keys: Set<string>; servicesChanged: boolean; prev: unknown; state: unknown; evidence: (withEndpoints: boolean) => Evidence }

export interface Touch {
  /** Service keys → which of their parts changed (SERVICE | LISTED | SELECTED). */
  services: Map<string, number>;
  pods: Set<string>;
  ips: Set<string>;
  nodePorts: Set<number>;
  serviceChanged: boolean;
  groups: Group[];
}

export const EMPTY = Object.freeze([]) as unknown as unknown[];
const defined = <T>(x: T | undefined): x is T => x !== undefined;
const cel = (es: readonly LiveEntry<unknown>[]) => es.map((e) => e.cel);

export function observationOf(services: unknown[], endpoints: unknown[], pods: unknown[]): Record<string, unknown> {
  return { time: 0n, nodes: EMPTY, pods, services, endpoints, ingresses: EMPTY, proxies: EMPTY };
}

export class TraceState {
  readonly store = new LiveStore();
  readonly ips = new Map<string, Set<string>>();
  readonly nodePorts = new Map<number, Map<string, string>>();

  /** Applies one event to the live objects; returns what it touched. */
  apply(ev: TraceEvent, ref: EventRef): Touch {
    const touch: Touch = { services: new Map(), pods: new Set(), ips: new Set(), nodePorts: new Set(), serviceChanged: false, groups: [] };
    const o = ev.object;
    const key = `${ref.namespace}/${ref.name}`;
    const gone = ev.type === 'DELETED';
    // Audit records at Metadata level (and Service requests, which lack the allocated fields) say
    // only that the object exists: it is kept aside, out of the observation.
    const partial = ev.detail === 'metadata-only' || (ev.detail === 'request' && ref.kind === 'Service');
    const opaqueKey = `${ref.kind}/${key}`;
    if (partial && !gone) this.store.opaque.set(opaqueKey, [...(this.store.opaque.get(opaqueKey) ?? []).slice(-3), ref]);
    else this.store.opaque.delete(opaqueKey);
    const drop = gone || partial;
    switch (ref.kind) {
      case 'Service': {
        const old = this.store.services.get(key);
        const view = drop ? undefined : serviceViewOf(o);
        if (old && view && sameData(old.view, view)) { // nothing a rule reads changed
          this.store.services.set(key, again(old, ref));
          break;
        }
        const next = view ? entry(key, view, ref, old) : undefined;
        const before = this.groupKeys(key, old?.view.uid, next?.view.uid);
        const prevSvcs = this.servicesAt(before);
        this.store.setService(key, next);
        this.serviceIndexes(key, old?.view, next?.view, touch);
        this.mark(touch, key, SERVICE | LISTED | SELECTED);
        for (const k of this.groupKeys(key, old?.view.uid, next?.view.uid)) before.add(k);
        this.group(touch, key, true, prevSvcs, before);
        break;
      }
      case 'Pod': {
        const view = drop ? undefined : podViewOf(o);
        const was = this.store.pods.get(key);
        if (was && view && sameData(was.view, view)) {
          this.store.pods.set(key, again(was, ref));
          break;
        }
        const newNs = view !== undefined && !this.store.podNamespaces.has(view.namespace);
        const old = this.store.setPod(key, view ? entry(key, view, ref, this.store.pods.get(key), podCel) : undefined);
        touch.pods.add(key);
        for (const svc of this.store.refs.get(key) ?? []) this.mark(touch, svc, LISTED | SELECTED);
        for (const svc of this.store.servicesByNs.get(ref.namespace) ?? []) {
          if (newNs) { this.mark(touch, svc, LISTED | SELECTED); continue; }
          const sel = this.store.services.get(svc)!.view.selector;
          if (sel && (selects(sel, old?.view.labels) || selects(sel, view?.labels))) this.mark(touch, svc, SELECTED);
        }
        break;
      }
      case 'Endpoints': {
        const svc = this.store.services.get(key)?.view;
        const view = drop ? undefined : endpointsViewOf(o, !!svc?.selector && svc.type !== 'ExternalName');
        const was = this.store.endpoints.get(key);
        if (was && view && sameData(was.view, view)) {
          this.store.endpoints.set(key, again(was, ref));
          break;
        }
        const newNs = view !== undefined && !this.store.endpointsNamespaces.has(view.namespace);
        const keys = this.groupKeys(key, this.store.services.get(key)?.view.uid);
        const prevSvcs = this.servicesAt(keys);
        const before = this.store.setEndpoints(key, view ? entry(key, view, ref, this.store.endpoints.get(key), endpointsCel) : undefined);
        this.endpointsChanged(touch, key, before, prevSvcs, keys, newNs);
        break;
      }
      case 'EndpointSlice': {
        const name = drop ? undefined : sliceService(o);
        const svcKey = name === undefined ? undefined : `${ref.namespace}/${name}`;
        const newNs = svcKey !== undefined && !this.store.endpointsNamespaces.has(ref.namespace);
        const affected = [...new Set([this.store.slices.get(key)?.service, svcKey].filter(defined))].map((k) => {
          const keys = this.groupKeys(k, this.store.services.get(k)?.view.uid);
          return { k, keys, prevSvcs: this.servicesAt(keys), before: this.store.effectiveEndpoints(k) };
        });
        this.store.setSlice(key, svcKey, drop ? undefined : sliceSubset(o), ref);
        for (const a of affected) this.endpointsChanged(touch, a.k, a.before, a.prevSvcs, a.keys, newNs);
        break;
      }
      case 'Node':
        if (drop) this.store.nodes.delete(ref.name);
        else this.store.nodes.set(ref.name, entry(ref.name, nodeViewOf(o), ref, this.store.nodes.get(ref.name)));
        break;
      default: // Namespaces, ReplicationControllers, Ingresses, IngressClasses: no trace invariant reads them
    }
    return touch;
  }

  private endpointsChanged(touch: Touch, key: string, before: LiveEntry<EndpointsView> | undefined,
    prevSvcs: LiveEntry<ServiceView>[], keys: Set<string>, newNs: boolean): void {
    if (newNs) for (const s of this.store.servicesByNs.get(key.slice(0, key.indexOf('/'))) ?? []) this.mark(touch, s, LISTED | SELECTED);
    if (before === this.store.effectiveEndpoints(key)) return;
    this.mark(touch, key, LISTED);
    if (prevSvcs.length) this.group(touch, key, false, prevSvcs, keys, before);
  }

  private mark(touch: Touch, svc: string, flags: number): void {
    touch.services.set(svc, (touch.services.get(svc) ?? 0) | flags);
  }

  /** The key and every Service key sharing one of these uids. */
  groupKeys(key: string, ...uids: (string | undefined)[]): Set<string> {
    const keys = new Set([key]);
    for (const uid of uids) if (uid) for (const k of this.store.uids.get(uid) ?? []) keys.add(k);
    return keys;
  }

  /** The Services of index keys (a healthCheckNodePort holder names its Service), each once. */
  servicesAt(keys: Iterable<string>): LiveEntry<ServiceView>[] {
    return [...new Set([...keys].map((k) => (k.endsWith(HEALTH_CHECK) ? k.slice(0, -HEALTH_CHECK.length) : k)))].map((k) => this.store.services.get(k)).filter(defined);
  }

  /**
   * A transition's slice: the Services around the changed object, before (as captured) and now,
   * with their Endpoints (before the event for `epsKey`'s, when an Endpoints write is the change).
   */
  group(touch: Touch, anchor: string, servicesChanged: boolean, prevSvcs: LiveEntry<ServiceView>[], keys: Set<string>, epsBefore?: LiveEntry<EndpointsView>): void {
    const stateSvcs = this.servicesAt(keys);
    const stateEps = [...keys].map((k) => this.store.effectiveEndpoints(k)).filter(defined);
    const prevEps = servicesChanged ? stateEps : [...keys].map((k) => (k === anchor ? epsBefore : this.store.effectiveEndpoints(k))).filter(defined);
    const statePods = [...this.podsNamedBy(stateEps).values()];
    touch.groups.push({
      anchor, keys, servicesChanged,
      prev: observationOf(cel(prevSvcs), cel(prevEps), EMPTY),
      state: observationOf(cel(stateSvcs), cel(stateEps), cel(statePods)),
      evidence: (withEndpoints) => {
        const before = withEndpoints ? [...prevSvcs, ...prevEps] : prevSvcs;
        const after = withEndpoints ? [...stateSvcs, ...stateEps, ...statePods] : stateSvcs;
        return { prev: before.map((e) => e.view), objects: after.map((e) => e.view), events: eventsOf([...before, ...after]) };
      },
    });
  }

  /** The Services (and their Endpoints, and the pods those name) at these keys as they are now. */
  groupState(keys: Set<string>): Record<string, unknown> {
    const eps = [...keys].map((k) => this.store.effectiveEndpoints(k)).filter(defined);
    return observationOf(cel(this.servicesAt(keys)), cel(eps), cel([...this.podsNamedBy(eps).values()]));
  }

  /** The pods these Endpoints name (a transition over Endpoints may judge what they list: endpoints/no-terminal-pods). */
  private podsNamedBy(eps: readonly LiveEntry<EndpointsView>[]): Map<string, LiveEntry<PodView>> {
    const pods = new Map<string, LiveEntry<PodView>>();
    for (const e of eps) {
      for (const p of refsOf(e.view)) {
        const entry = this.store.pods.get(p);
        if (entry) pods.set(p, entry);
      }
    }
    return pods;
  }

  private serviceIndexes(key: string, old: ServiceView | undefined, next: ServiceView | undefined, touch: Touch): void {
    touch.serviceChanged = true;
    const ipOf = (v: ServiceView | undefined) => (v && v.clusterIP !== '' && v.clusterIP !== 'None' ? v.clusterIP : undefined);
    const oldIP = ipOf(old), newIP = ipOf(next);
    if (oldIP) {
      const s = this.ips.get(oldIP);
      s?.delete(key);
      if (s?.size === 0) this.ips.delete(oldIP);
      touch.ips.add(oldIP);
    }
    if (newIP) {
      let s = this.ips.get(newIP);
      if (!s) this.ips.set(newIP, (s = new Set()));
      s.add(key);
      touch.ips.add(newIP);
    }
    // The healthCheckNodePort comes from the same allocator: indexed beside the ports, as a holder
    // of its own (HEALTH_CHECK suffix), so that it may not repeat even its own Service's nodePort.
    const held = (v: ServiceView | undefined): [number, string][] => [
      ...(v?.ports ?? []).filter((p) => p.nodePort).map((p) => [p.nodePort!, key] as [number, string]),
      ...(v?.healthCheckNodePort ? [[v.healthCheckNodePort, key + HEALTH_CHECK] as [number, string]] : []),
    ];
    for (const [np, holder] of held(old)) {
      const m = this.nodePorts.get(np);
      m?.delete(holder);
      if (m?.size === 0) this.nodePorts.delete(np);
      touch.nodePorts.add(np);
    }
    for (const [np, holder] of held(next)) {
      let m = this.nodePorts.get(np);
      if (!m) this.nodePorts.set(np, (m = new Map()));
      // an object without uid (never from an API server) is only itself
      m.set(holder, (next!.uid || key) + (holder === key ? '' : HEALTH_CHECK));
      touch.nodePorts.add(np);
    }
  }

  serviceSlice(key: string, scope: Scope): Slice {
    const svc = this.store.services.get(key);
    const eps = scope === 'service' ? undefined : this.store.effectiveEndpoints(key);
    const pods = this.podsNamedBy(eps ? [eps] : []);
    if (scope === 'service-selected' && svc?.view.selector) {
      for (const p of this.store.selected(svc.view.namespace, svc.view.selector)) pods.set(p, this.store.pods.get(p)!);
    }
    const podList = [...pods.values()];
    const entries: LiveEntry<unknown>[] = [];
    if (svc) entries.push(svc);
    if (eps) entries.push(eps);
    for (const p of podList) entries.push(p);
    return { cel: observationOf(svc ? [svc.cel] : EMPTY, eps ? [eps.cel] : EMPTY, podList.map((p) => p.cel)), entries };
  }

  podSlice(key: string): Slice {
    const p = this.store.pods.get(key);
    return { cel: observationOf(EMPTY, EMPTY, p ? [p.cel] : EMPTY), entries: p ? [p] : [] };
  }

  /** Everything in the state, as touched: how the initial state is judged once it is complete. */
  everything(): Touch {
    const touch: Touch = { services: new Map(), pods: new Set(this.store.pods.keys()), ips: new Set(this.ips.keys()), nodePorts: new Set(this.nodePorts.keys()), serviceChanged: this.store.services.size > 0, groups: [] };
    for (const [k, e] of this.store.services) {
      touch.services.set(k, SERVICE | LISTED | SELECTED);
      // Services sharing a uid are compared with each other even with nothing before them
      const keys = this.groupKeys(k, e.view.uid);
      if (keys.size > 1 && [...keys][0] === k) this.group(touch, k, true, this.servicesAt(keys), keys);
    }
    return touch;
  }

  /** The whole observation as CEL values, lists sorted by namespace/name (docs/contract.md section 3). */
  fullObservation(): Record<string, unknown> {
    const sorted = <V>(m: Map<string, LiveEntry<V>>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e.cel);
    const eps = new Map(this.store.folded);
    for (const [k, e] of this.store.endpoints) eps.set(k, e);
    return { ...observationOf(sorted(this.store.services), sorted(eps), sorted(this.store.pods)), nodes: sorted(this.store.nodes) };
  }
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  if (!labels) return false;
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/** The same entry, written again by one more event. */
function again<V>(e: LiveEntry<V>, ref: EventRef): LiveEntry<V> {
  return { ...e, events: e.events.length < HISTORY ? [...e.events, ref] : [...e.events.slice(1), ref] };
}

const nsCache = new WeakMap<EndpointsView, Set<string>>();
/** The namespaces of the pods an Endpoints view names. */
export function podNamespacesOf(view: EndpointsView): Set<string> {
  let s = nsCache.get(view);
  if (!s) {
    s = new Set();
    for (const ss of view.subsets) for (const a of [...ss.addresses, ...ss.notReadyAddresses]) if (a.pod) s.add(a.pod.namespace);
    nsCache.set(view, s);
  }
  return s;
}


export function evidenceOf(entries: readonly LiveEntry<unknown>[]): Evidence {
  return { objects: entries.map((e) => e.view), events: eventsOf(entries) };
}

export function eventsOf(entries: readonly LiveEntry<unknown>[]): EventRef[] {
  const seen = new Map<number, EventRef>();
  for (const e of entries) for (const r of e.events) seen.set(r.seq, r);
  return [...seen.values()].sort((a, b) => a.seq - b.seq);
}

