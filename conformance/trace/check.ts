// Checks a recorded stream of events against the spec's invariants, each in its declared trace
// mode (spec/invariants.yaml `trace`):
//   always   judged after every event that can affect it; a failure is a violation at once
//   window   real controllers are asynchronous: a failure is a violation only if it still holds once
//            the window of recorded time has passed since it began, or when the recording ends;
//            one that heals sooner is counted as healed, not reported
//   settled  judged only when the stream is quiet: at its end, and before an event that follows the
//            previous one by more than the window
//   none     a recording cannot show it (connections, proxies, probe counters, model configuration)
// Each event becomes the operation it stands for (ops.ts) and changes the live objects (live.ts);
// then only the invariants its kind can affect are evaluated, on the slice they need (rules.ts).
// Recorded time: the clock is the newest event time seen (watch: managedFields time, a lower bound
// on when the write happened; audit: stageTimestamp). A DELETED event's deletionTimestamp is a
// deadline, not a time, and does not move the clock. Resource versions are not compared across
// kinds (they rise within one kind only); events are taken in stream order.
// The first events of a stream, as long as they are all ADDED (a List, or the initial listing of a
// watch), are the initial state: it is judged once, when it is complete.
import { normalizeConfig } from '../../model/index.ts';
import type { EndpointsView, PodView, ServiceView } from '../../model/index.ts';
import { CelEvalError, fromCelValue, toCelValue } from '../../properties/cel/index.ts';
import { clusterVariable } from '../../properties/engine/checker.ts';
import type { Invariant } from '../../properties/spec/types.ts';
import { type SourcePos, type TraceEvent, meta } from './event.ts';
import { type EventRef, type LiveEntry, LiveStore, entry, referencedPods } from './live.ts';
import { endpointsViewOf, nodeViewOf, podViewOf, serviceViewOf, sliceService, sliceSubset } from './observation.ts';
import { operationOf } from './ops.ts';
import { type Failure, LISTED, type Rule, SELECTED, SERVICE, type Scope, ruleOf, triggers } from './rules.ts';

export interface TraceCheckOptions {
  /** Recorded milliseconds a membership rule may take to hold again (default 1000). */
  readonly windowMs?: number;
  /** Check pod and Endpoints rules only in namespaces whose Pods / Endpoints the recording shows (default true). */
  readonly requireRecorded?: boolean;
  /** Violations described in full per invariant (default 20; all are counted). */
  readonly maxDetails?: number;
  /** Evaluate every rule on the whole observation: the reference the slices are tested against. */
  readonly fullObservation?: boolean;
  readonly onWarning?: (message: string, pos?: SourcePos) => void;
}

export interface Evidence {
  /** Observation entries involved, as they are (and, for a transition, as they were before the event). */
  readonly objects: unknown[];
  readonly prev?: unknown[];
  /** The last events that wrote them, in stream order. */
  readonly events: EventRef[];
}

export interface TraceViolation extends Evidence {
  readonly invariant: string;
  readonly mode: string;
  /** What failed: `Service ns/name`, `pod ns/name`, `clusterIP 10.96.0.10`, `nodePort 30080`. */
  readonly subject: string;
  /**
   * The event that revealed it: for `always`, the event after which it held; for `window`, the first
   * event recorded after the window had passed; for `settled`, the event after the quiet gap. (For
   * those two the state judged is the one just before it.) Absent: when the recording ended.
   */
  readonly at?: EventRef;
  /** The event after which the failure began (absent: in the initial state). */
  readonly since?: EventRef;
  /** Window violations: how long it had lasted in recorded time. */
  readonly lastedMs?: number;
  readonly value?: unknown;
  readonly error?: string;
}

type Slice = { cel: unknown; evidence: () => Evidence };
type Verdict = true | { value?: unknown; error?: string };

interface Group { anchor: string; servicesChanged: boolean; prev: unknown; state: unknown; evidence: () => Evidence }

interface Touch {
  /** Service keys → which of their parts changed (SERVICE | LISTED | SELECTED). */
  services: Map<string, number>;
  pods: Set<string>;
  ips: Set<string>;
  nodePorts: Set<number>;
  serviceChanged: boolean;
  groups: Group[];
}

const RESULT_OK = toCelValue({ ok: true });
const NONE: unknown[] = [];
const EMPTY = Object.freeze([]) as unknown as unknown[];
const defined = <T>(x: T | undefined): x is T => x !== undefined;

function observationOf(services: unknown[], endpoints: unknown[], pods: unknown[]): Record<string, unknown> {
  return { time: 0n, nodes: EMPTY, pods, services, endpoints, ingresses: EMPTY, proxies: EMPTY };
}

export class TraceChecker {
  readonly store = new LiveStore();
  readonly rules: Rule[];
  readonly violations: TraceViolation[] = [];
  readonly warnings: string[] = [];
  events = 0;
  readonly eventsByKind: Record<string, number> = {};
  /** Recorded time (ms) of the first timed event, and the clock: the newest so far. */
  firstTime: number | undefined;
  clock = -Infinity;
  private readonly window: number;
  private readonly cluster = toCelValue({ ...clusterVariable(normalizeConfig({})), timing: 'sync' });
  private burst = true;
  private seq = 0;
  private current: EventRef | undefined;
  private opOf: () => unknown = () => undefined;
  private readonly pending = new Map<string, { rule: Rule; unit: string }>();
  private readonly ips = new Map<string, Set<string>>();
  private readonly nodePorts = new Map<number, Map<string, string>>();
  private readonly hasFull: boolean;
  private fullPrev: Record<string, unknown> | undefined;
  private readonly maxDetails: number;

  constructor(invariants: readonly Invariant[], private readonly opts: TraceCheckOptions = {}) {
    this.window = opts.windowMs ?? 1000;
    this.maxDetails = opts.maxDetails ?? 20;
    this.rules = invariants.filter((i) => i.trace !== 'none').map((i) => ruleOf(i, opts.fullObservation ? 'full' : undefined));
    this.hasFull = this.rules.some((r) => r.scope === 'full');
  }

  // ---- the stream ---------------------------------------------------------------------------

  event(ev: TraceEvent): void {
    const seq = ++this.seq;
    if (ev.type === 'BOOKMARK') return;
    this.events++;
    const kind = String(ev.object.kind);
    this.eventsByKind[kind] = (this.eventsByKind[kind] ?? 0) + 1;
    if (ev.type === 'ERROR') {
      const msg = (ev.object as { message?: unknown }).message;
      this.warn(`watch ERROR event: ${typeof msg === 'string' ? msg : JSON.stringify(ev.object)} (changes made meanwhile may be missing)`, ev.source);
      return;
    }
    const m = meta(ev.object);
    const ref: EventRef = {
      seq, type: ev.type, kind,
      namespace: typeof m.namespace === 'string' ? m.namespace : '',
      name: typeof m.name === 'string' ? m.name : '',
      ...(typeof m.resourceVersion === 'string' ? { resourceVersion: m.resourceVersion } : {}),
      ...(ev.time !== undefined ? { time: ev.time } : {}),
      source: ev.source,
    };
    const t = timeOf(ev);
    if (t !== undefined) {
      this.firstTime ??= t;
      if (t > this.clock) {
        // The state before this event is judged: the window, or the quiet gap, has passed.
        if (!this.burst && this.clock > -Infinity && t - this.clock > this.window) this.settle(ref);
        this.clock = t;
        if (!this.burst) this.due(ref);
      }
    }
    if (this.burst && ev.type !== 'ADDED') this.endBurst();
    this.current = ref;
    let op: unknown;
    this.opOf = () => (op ??= toCelValue(operationOf(ev)));
    const full = this.hasFull && !this.burst;
    const prevFull = full ? (this.fullPrev ?? this.fullObservation()) : undefined;
    const touch = this.apply(ev, ref);
    if (this.burst) return;
    for (const r of this.rules) if (r.transition) r.failing.clear();
    this.evaluate(touch);
    if (full) {
      this.fullPrev = this.fullObservation();
      for (const r of this.rules) if (r.scope === 'full') this.judgeFull(r, prevFull!, this.fullPrev);
    }
  }

  /** End of the recording: the stream has settled, and every failure still open is a violation. */
  finish(): void {
    if (this.burst) this.endBurst();
    this.settle(undefined);
    for (const { rule, unit } of this.pending.values()) this.report(rule, unit, rule.failing.get(unit)!, undefined);
    this.pending.clear();
  }

  /** True while the stream is still in its initial state (only ADDED events so far). */
  get inInitialState(): boolean {
    return this.burst;
  }

  // ---- applying an event --------------------------------------------------------------------

  private apply(ev: TraceEvent, ref: EventRef): Touch {
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
        const newNs = view !== undefined && !this.store.podNamespaces.has(view.namespace);
        const old = this.store.setPod(key, view ? entry(key, view, ref, this.store.pods.get(key)) : undefined);
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
        const view = drop ? undefined : endpointsViewOf(o);
        const newNs = view !== undefined && !this.store.endpointsNamespaces.has(view.namespace);
        const keys = this.groupKeys(key, this.store.services.get(key)?.view.uid);
        const prevSvcs = this.servicesAt(keys);
        const before = this.store.setEndpoints(key, view ? entry(key, view, ref, this.store.endpoints.get(key)) : undefined);
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
  private groupKeys(key: string, ...uids: (string | undefined)[]): Set<string> {
    const keys = new Set([key]);
    for (const uid of uids) if (uid) for (const k of this.store.uids.get(uid) ?? []) keys.add(k);
    return keys;
  }

  private servicesAt(keys: Iterable<string>): LiveEntry<ServiceView>[] {
    return [...keys].map((k) => this.store.services.get(k)).filter(defined);
  }

  /**
   * A transition's slice: the Services around the changed object, before (as captured) and now,
   * with their Endpoints (before the event for `epsKey`'s, when an Endpoints write is the change).
   */
  private group(touch: Touch, anchor: string, servicesChanged: boolean, prevSvcs: LiveEntry<ServiceView>[], keys: Set<string>, epsBefore?: LiveEntry<EndpointsView>): void {
    const stateSvcs = this.servicesAt(keys);
    const stateEps = [...keys].map((k) => this.store.effectiveEndpoints(k)).filter(defined);
    const prevEps = servicesChanged ? stateEps : [...keys].map((k) => (k === anchor ? epsBefore : this.store.effectiveEndpoints(k))).filter(defined);
    const cel = (es: LiveEntry<unknown>[]) => es.map((e) => e.cel);
    touch.groups.push({
      anchor, servicesChanged,
      prev: observationOf(cel(prevSvcs), cel(prevEps), EMPTY),
      state: observationOf(cel(stateSvcs), cel(stateEps), EMPTY),
      evidence: () => ({
        prev: [...prevSvcs, ...prevEps].map((e) => e.view),
        objects: [...stateSvcs, ...stateEps].map((e) => e.view),
        events: eventsOf([...prevSvcs, ...prevEps, ...stateSvcs, ...stateEps]),
      }),
    });
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
    for (const p of old?.ports ?? []) {
      if (!p.nodePort) continue;
      const m = this.nodePorts.get(p.nodePort);
      m?.delete(key);
      if (m?.size === 0) this.nodePorts.delete(p.nodePort);
      touch.nodePorts.add(p.nodePort);
    }
    for (const p of next?.ports ?? []) {
      if (!p.nodePort) continue;
      let m = this.nodePorts.get(p.nodePort);
      if (!m) this.nodePorts.set(p.nodePort, (m = new Map()));
      m.set(key, next!.uid);
      touch.nodePorts.add(p.nodePort);
    }
  }

  // ---- evaluating ---------------------------------------------------------------------------

  private evaluate(touch: Touch): void {
    for (const rule of this.rules) {
      switch (rule.scope) {
        case 'service': case 'service-refs': case 'service-selected': {
          const need = triggers(rule.scope);
          for (const [svc, flags] of touch.services) if (flags & need) this.serviceUnit(rule, svc);
          break;
        }
        case 'pod':
          for (const p of touch.pods) this.unit(rule, `pod ${p}`, () => this.podSlice(p));
          break;
        case 'transition':
          for (const g of touch.groups) {
            if (!g.servicesChanged && !rule.readsEndpoints) continue; // an Endpoints write cannot change what it compares
            this.judge(rule, `Service ${g.anchor}`, this.holds(rule, g.prev, g.state), g.evidence);
          }
          break;
        case 'native-cluster-ip':
          if (touch.serviceChanged) rule.stats.evaluated++;
          for (const ip of touch.ips) {
            const keys = this.ips.get(ip);
            this.judge(rule, `clusterIP ${ip}`, !keys || keys.size < 2 || { value: false }, () => this.servicesEvidence(keys ?? []));
          }
          break;
        case 'native-node-port':
          if (touch.serviceChanged) rule.stats.evaluated++;
          for (const np of touch.nodePorts) {
            const m = this.nodePorts.get(np);
            this.judge(rule, `nodePort ${np}`, !m || new Set(m.values()).size < 2 || { value: false }, () => this.servicesEvidence(m?.keys() ?? []));
          }
          break;
        case 'full':
          break;
      }
    }
  }

  private serviceUnit(rule: Rule, svc: string): void {
    const ns = svc.slice(0, svc.indexOf('/'));
    if (this.opts.requireRecorded !== false && ((rule.readsPods && !this.store.podNamespaces.has(ns)) || (rule.readsEndpoints && !this.store.endpointsNamespaces.has(ns)))) {
      rule.stats.skipped++;
      return;
    }
    this.unit(rule, `Service ${svc}`, () => this.serviceSlice(svc, rule.scope));
  }

  /** A state rule on one unit; settled rules only note it for the next settle point. */
  private unit(rule: Rule, unit: string, slice: () => Slice): void {
    if (rule.mode === 'settled') {
      rule.dirty.add(unit);
      return;
    }
    const s = slice();
    this.judge(rule, unit, this.holds(rule, s.cel, s.cel), s.evidence);
  }

  private holds(rule: Rule, prev: unknown, state: unknown): Verdict {
    rule.stats.evaluated++;
    const vars = { prev, state, op: this.opOf(), result: RESULT_OK, cluster: this.cluster, alternatives: NONE };
    try {
      if (rule.inv.when && rule.inv.when.fn(vars) !== true) return true;
      const v = rule.inv.holds.fn(vars);
      return v === true ? true : { value: fromCelValue(v) };
    } catch (e) {
      return { error: e instanceof CelEvalError ? e.message : String(e) };
    }
  }

  /** The bookkeeping of one verdict on one unit, by mode (see the file comment). */
  private judge(rule: Rule, unit: string, verdict: Verdict, evidence: () => Evidence, at: EventRef | undefined = this.current): void {
    const failure = rule.failing.get(unit);
    const key = `${rule.id}\0${unit}`;
    if (verdict === true) {
      if (failure) {
        if (!failure.reported) rule.stats.healed++;
        rule.failing.delete(unit);
        this.pending.delete(key);
      }
      return;
    }
    rule.stats.failed++;
    if (failure && !rule.transition) return; // the same failure goes on
    const f: Failure = { since: this.current, sinceClock: this.clock, detail: verdict, reported: false };
    rule.failing.set(unit, f);
    if (rule.mode === 'window') this.pending.set(key, { rule, unit });
    else this.report(rule, unit, f, at, evidence);
  }

  /** Window failures whose window has passed by the time `at` was recorded: violations, on the state as it still is. */
  private due(at: EventRef): void {
    for (const [key, { rule, unit }] of this.pending) {
      const f = rule.failing.get(unit)!;
      if (this.clock - f.sinceClock > this.window) {
        this.report(rule, unit, f, at);
        this.pending.delete(key);
      }
    }
  }

  /** A settle point (before `at`, or at the end): settled rules judged on every unit touched since the last one. */
  private settle(at: EventRef | undefined): void {
    for (const rule of this.rules) {
      if (rule.mode !== 'settled' || rule.dirty.size === 0) continue;
      const units = [...rule.dirty];
      rule.dirty.clear();
      for (const unit of units) {
        const s = this.sliceOf(rule, unit);
        this.judge(rule, unit, this.holds(rule, s.cel, s.cel), s.evidence, at);
      }
    }
  }

  private report(rule: Rule, unit: string, f: Failure, at: EventRef | undefined, evidence?: () => Evidence): void {
    f.reported = true;
    rule.stats.violations++;
    if (rule.stats.violations > this.maxDetails) return;
    const ev = (evidence ?? this.sliceOf(rule, unit).evidence)();
    const lasted = rule.mode === 'window' && Number.isFinite(f.sinceClock) && Number.isFinite(this.clock) ? { lastedMs: this.clock - f.sinceClock } : {};
    this.violations.push({
      invariant: rule.id, mode: rule.mode, subject: unit,
      ...(at ? { at } : {}), ...(f.since && f.since !== at ? { since: f.since } : {}), ...lasted,
      ...ev, ...f.detail,
    });
  }

  // ---- slices -------------------------------------------------------------------------------

  private sliceOf(rule: Rule, unit: string): Slice {
    if (unit.startsWith('Service ')) return this.serviceSlice(unit.slice(8), rule.scope === 'transition' ? 'service' : rule.scope);
    if (unit.startsWith('pod ')) return this.podSlice(unit.slice(4));
    if (unit.startsWith('clusterIP ')) return { cel: undefined, evidence: () => this.servicesEvidence(this.ips.get(unit.slice(10)) ?? []) };
    if (unit.startsWith('nodePort ')) return { cel: undefined, evidence: () => this.servicesEvidence(this.nodePorts.get(Number(unit.slice(9)))?.keys() ?? []) };
    return { cel: this.fullObservation(), evidence: () => ({ objects: [], events: [] }) };
  }

  private serviceSlice(key: string, scope: Scope): Slice {
    const svc = this.store.services.get(key);
    const eps = scope === 'service' ? undefined : this.store.effectiveEndpoints(key);
    const pods = new Map<string, LiveEntry<PodView>>();
    if (eps) {
      for (const p of refsOf(eps.view)) {
        const e = this.store.pods.get(p);
        if (e) pods.set(p, e);
      }
    }
    if (scope === 'service-selected' && svc?.view.selector) {
      for (const p of this.store.selected(svc.view.namespace, svc.view.selector)) pods.set(p, this.store.pods.get(p)!);
    }
    const podList = [...pods.values()];
    return {
      cel: observationOf(svc ? [svc.cel] : EMPTY, eps ? [eps.cel] : EMPTY, podList.map((p) => p.cel)),
      evidence: () => {
        const all = [svc, eps, ...podList].filter(defined) as LiveEntry<unknown>[];
        return { objects: all.map((e) => e.view), events: eventsOf(all) };
      },
    };
  }

  private podSlice(key: string): Slice {
    const p = this.store.pods.get(key);
    return { cel: observationOf(EMPTY, EMPTY, p ? [p.cel] : EMPTY), evidence: () => ({ objects: p ? [p.view] : [], events: p ? [...p.events] : [] }) };
  }

  private servicesEvidence(keys: Iterable<string>): Evidence {
    const es = this.servicesAt(keys);
    return { objects: es.map((e) => e.view), events: eventsOf(es) };
  }

  /** The whole observation as CEL values, lists sorted by namespace/name (CONTRACT section 3). */
  fullObservation(): Record<string, unknown> {
    const sorted = <V>(m: Map<string, LiveEntry<V>>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e.cel);
    const eps = new Map(this.store.folded);
    for (const [k, e] of this.store.endpoints) eps.set(k, e);
    return { ...observationOf(sorted(this.store.services), sorted(eps), sorted(this.store.pods)), nodes: sorted(this.store.nodes) };
  }

  private judgeFull(rule: Rule, prev: unknown, state: unknown): void {
    if (rule.mode === 'settled') {
      rule.dirty.add('cluster');
      return;
    }
    this.judge(rule, 'cluster', this.holds(rule, rule.transition ? prev : state, state), () => ({ objects: [], events: [] }));
  }

  /** The initial state is judged once, when it is complete. */
  private endBurst(): void {
    this.burst = false;
    const touch: Touch = { services: new Map(), pods: new Set(this.store.pods.keys()), ips: new Set(this.ips.keys()), nodePorts: new Set(this.nodePorts.keys()), serviceChanged: this.store.services.size > 0, groups: [] };
    for (const k of this.store.services.keys()) touch.services.set(k, SERVICE | LISTED | SELECTED);
    let op: unknown;
    this.opOf = () => (op ??= toCelValue({ op: 'settle' }));
    this.evaluate(touch);
    if (this.hasFull) {
      this.fullPrev = this.fullObservation();
      for (const r of this.rules) if (r.scope === 'full') this.judgeFull(r, this.fullPrev, this.fullPrev);
    }
  }

  /** Units of a rule failing now (transition rules: at the last event); the differential test reads it. */
  failingUnits(id: string): string[] {
    return [...(this.rules.find((r) => r.id === id)?.failing.keys() ?? [])];
  }

  private warn(message: string, pos?: SourcePos): void {
    this.warnings.push(pos ? `${pos.file}:${pos.line}:${pos.column}: ${message}` : message);
    this.opts.onWarning?.(message, pos);
  }
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  if (!labels) return false;
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

const refCache = new WeakMap<EndpointsView, Set<string>>();
function refsOf(view: EndpointsView): Set<string> {
  let s = refCache.get(view);
  if (!s) refCache.set(view, (s = referencedPods(view)));
  return s;
}

function eventsOf(entries: readonly LiveEntry<unknown>[]): EventRef[] {
  const seen = new Map<number, EventRef>();
  for (const e of entries) for (const r of e.events) seen.set(r.seq, r);
  return [...seen.values()].sort((a, b) => a.seq - b.seq);
}

let lastText = '';
let lastMs = 0;
/** Milliseconds of recorded time an event carries, when the clock may trust it (see the file comment). */
export function timeOf(ev: TraceEvent): number | undefined {
  const t = ev.time;
  if (t === undefined) return undefined;
  if (ev.type === 'DELETED' && t === meta(ev.object).deletionTimestamp && !Array.isArray(meta(ev.object).managedFields)) return undefined;
  if (t === lastText) return lastMs;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) return undefined;
  lastText = t;
  lastMs = ms;
  return ms;
}
