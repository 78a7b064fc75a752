// Checks a recorded stream of events against the spec's invariants, each in its declared trace
// mode (spec/invariants.yaml `trace`):
//   always   judged after every event that can affect it; a failure is a violation at once
//   window   real controllers are asynchronous: a failure is a violation only if it still holds once
//            the window of recorded time has passed since it began, or when the recording ends;
//            one that heals sooner is counted as healed, not reported. A rule that compares an
//            object with its previous version (reads `prev`) fails on one event; in window mode it
//            is judged again a window later, from the state before that event to the state then:
//            a write of another kind that arrived late (each kind has its own watch) undoes it
//   settled  judged only when the stream is quiet: at its end, and before an event that follows the
//            previous one by more than the window
//   none     a recording cannot show it (connections, proxies, probe counters, model configuration)
// Each event becomes the operation it stands for (ops.ts) and changes the live state (apply.ts,
// live.ts); then only the invariants it can affect are evaluated, on the slice they need (rules.ts).
// Recorded time: the clock is the newest event time seen (watch: managedFields time, a lower bound
// on when the write happened; audit: stageTimestamp). A DELETED event's deletionTimestamp is a
// deadline, not a time, and does not move the clock. Resource versions are not compared across
// kinds (they rise within one kind only); events are taken in stream order.
// The first events of a stream, as long as they are all ADDED (a List, or the initial listing of a
// watch), are the initial state: it is judged once, when it is complete.
import { normalizeConfig } from '../../model/index.ts';
import { CelEvalError, fromCelValue, toCelValue } from '../../properties/cel/index.ts';
import { clusterVariable } from '../../properties/engine/checker.ts';
import type { Invariant } from '../../properties/spec/types.ts';
import { type Evidence, type Slice, type Touch, TraceState, evidenceOf, podNamespacesOf } from './apply.ts';
import { type SourcePos, type TraceEvent, meta } from './event.ts';
import type { EventRef } from './live.ts';
import { operationOf } from './ops.ts';
import { type Failure, type Rule, type Scope, ruleOf, triggers } from './rules.ts';

export type { Evidence } from './apply.ts';

export interface TraceCheckOptions {
  /** Recorded milliseconds a membership rule may take to hold again (default 1000). */
  readonly windowMs?: number;
  /** Check pod and Endpoints rules only in namespaces whose Pods / Endpoints the recording shows (default true). */
  readonly requireRecorded?: boolean;
  /** Violations described in full per invariant (default 20; all are counted). */
  readonly maxDetails?: number;
  /** Evaluate every rule on the whole observation: the reference the slices are tested against. */
  readonly fullObservation?: boolean;
  /**
   * Judge window rules once per instant of recorded time, when the clock moves on, instead of after
   * every event (default true): a failure that begins and heals within one instant cannot outlast
   * the window, so the violations are the same, and a change and the Endpoints update that follows it
   * in the same second are judged once. `healed` then counts failures seen at the end of an instant.
   */
  readonly deferWindow?: boolean;
  readonly onWarning?: (message: string, pos?: SourcePos) => void;
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

const RESULT_OK = toCelValue({ ok: true });
const SETTLE = toCelValue({ op: 'settle' });
const NONE: unknown[] = [];
type Verdict = true | { value?: unknown; error?: string };
export class TraceChecker {
  readonly state = new TraceState();
  readonly store = this.state.store;
  readonly rules: Rule[];
  readonly violations: TraceViolation[] = [];
  readonly warnings: string[] = [];
  events = 0;
  readonly eventsByKind: Record<string, number> = {};
  /** Recorded time (ms) of the first timed event, and the clock: the newest so far. */
  firstTime: number | undefined;
  clock = -Infinity;
  private readonly window: number;
  private readonly deferWindow: boolean;
  private readonly cluster = toCelValue({ ...clusterVariable(normalizeConfig({})), timing: 'sync' });
  private burst = true;
  /** When a failure caused by the current event starts its window (see Failure.sinceClock). */
  private start = NaN;
  /** Whether an event since the clock last moved carried no time, or an older one: then a gap is no proof of quiet. */
  private staleSinceTick = false;
  private seq = 0;
  private current: EventRef | undefined;
  /** The event being applied, and the operation it stands for as a CEL value (made when a rule reads it). */
  private currentEvent: TraceEvent | undefined;
  private opValue: unknown;
  /** Per event: whether the recording shows what a rule reads for a Service (see recorded()). */
  private readonly shown = new Map<string, boolean>();
  /** Window failures not yet judged final, by rule and unit. */
  private readonly pending = new Map<string, { rule: Rule; unit: string; failure: Failure }>();
  private readonly hasFull: boolean;
  private readonly serviceRules: Rule[];
  private readonly transitions: Rule[];
  private fullPrev: Record<string, unknown> | undefined;
  private readonly maxDetails: number;
  /** Slices built since the live objects last changed. */
  private readonly slices = new Map<string, Slice>();

  constructor(invariants: readonly Invariant[], private readonly opts: TraceCheckOptions = {}) {
    this.window = opts.windowMs ?? 1000;
    this.deferWindow = opts.deferWindow !== false && !opts.fullObservation;
    this.maxDetails = opts.maxDetails ?? 20;
    this.rules = invariants.filter((i) => i.trace !== 'none').map((i) => ruleOf(i, opts.fullObservation ? 'full' : undefined));
    this.hasFull = this.rules.some((r) => r.scope === 'full');
    this.serviceRules = this.rules.filter((r) => triggers(r.scope) !== 0);
    this.transitions = this.rules.filter((r) => r.transition);
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
    if (t !== undefined) this.firstTime ??= t;
    if (t !== undefined && t > this.clock) {
      // The state before this event is judged: its instant is over; the window, or a quiet gap, may have passed.
      if (!this.burst) this.flush();
      if (!this.burst && this.clock > -Infinity && t - this.clock > this.window && !this.staleSinceTick) this.settle(ref);
      this.clock = t;
      this.staleSinceTick = false;
      if (!this.burst) this.due(ref);
      this.start = t;
    } else {
      // no newer time: the event may be older than it looks (see Failure.sinceClock)
      if (t === undefined || t < this.clock) this.staleSinceTick = true;
      this.start = NaN;
    }
    if (this.burst && ev.type !== 'ADDED') this.endBurst();
    this.current = ref;
    this.currentEvent = ev;
    this.opValue = undefined;
    const full = this.hasFull && !this.burst;
    const prevFull = full ? (this.fullPrev ?? this.state.fullObservation()) : undefined;
    const touch = this.state.apply(ev, ref);
    this.slices.clear();
    this.shown.clear();
    if (this.burst) return;
    for (const r of this.transitions) if (r.failing.size) r.failing.clear();
    this.evaluate(touch);
    if (full) {
      this.fullPrev = this.state.fullObservation();
      for (const r of this.rules) if (r.scope === 'full') this.judgeFull(r, prevFull!, this.fullPrev);
    }
  }

  /** End of the recording: the stream has settled, and every failure still open is a violation. */
  finish(): void {
    if (this.burst) this.endBurst();
    this.flush();
    this.settle(undefined);
    for (const [key, p] of this.pending) this.close(key, p, undefined);
  }

  /** True while the stream is still in its initial state (only ADDED events so far). */
  get inInitialState(): boolean {
    return this.burst;
  }

  // ---- evaluating ---------------------------------------------------------------------------

  private evaluate(touch: Touch): void {
    if (touch.services.size) this.evaluateServices(touch.services);
    for (const rule of this.rules) {
      switch (rule.scope) {
        case 'pod':
          for (const p of touch.pods) this.unit(rule, `pod ${p}`);
          break;
        case 'transition':
          for (const g of touch.groups) {
            if (!g.servicesChanged && !rule.readsEndpoints) continue; // an Endpoints write cannot change what it compares
            const op = this.opOf();
            const recheck = () => this.holds(rule, g.prev, this.state.groupState(g.keys), op);
            this.judge(rule, `Service ${g.anchor}`, this.holds(rule, g.prev, g.state), () => g.evidence(rule.readsEndpoints), this.current, recheck);
          }
          break;
        case 'native-cluster-ip':
          if (touch.serviceChanged) rule.stats.evaluated++;
          for (const ip of touch.ips) {
            const keys = this.state.ips.get(ip);
            this.judge(rule, `clusterIP ${ip}`, !keys || keys.size < 2 || { value: false }, undefined);
          }
          break;
        case 'native-node-port':
          if (touch.serviceChanged) rule.stats.evaluated++;
          for (const np of touch.nodePorts) {
            const m = this.state.nodePorts.get(np);
            this.judge(rule, `nodePort ${np}`, !m || new Set(m.values()).size < 2 || { value: false }, undefined);
          }
          break;
        default: // service scopes: evaluateServices; full: after the event
      }
    }
  }

  /** The Service-scoped rules on each touched Service, each slice built once and shared by the rules that read it. */
  private evaluateServices(services: Map<string, number>): void {
    const guarded = this.opts.requireRecorded !== false;
    for (const [svc, flags] of services) {
      const unit = `Service ${svc}`;
      let own: Slice | undefined, refs: Slice | undefined, selected: Slice | undefined;
      for (const rule of this.serviceRules) {
        if (!(flags & triggers(rule.scope))) continue;
        if (guarded && !this.recorded(rule, svc)) {
          rule.stats.skipped++;
          continue;
        }
        if (this.deferred(rule)) {
          this.touchUnit(rule, unit);
          continue;
        }
        const slice = rule.scope === 'service' ? (own ??= this.state.serviceSlice(svc, 'service'))
          : rule.scope === 'service-refs' ? (refs ??= this.state.serviceSlice(svc, 'service-refs'))
          : (selected ??= this.state.serviceSlice(svc, 'service-selected'));
        this.judge(rule, unit, this.holds(rule, slice.cel, slice.cel), undefined);
      }
    }
  }

  /**
   * Whether the recording shows what a rule on this Service reads: the Endpoints of its namespace,
   * and Pods in every namespace its Endpoints name pods of. A recording of Services and Endpoints
   * alone (or of one namespace's Pods) cannot tell a listed pod that is gone from one not recorded.
   */
  private recorded(rule: Rule, svc: string): boolean {
    const memo = `${rule.readsEndpoints ? 'e' : ''}${rule.readsPods ? 'p' : ''}|${svc}`;
    let ok = this.shown.get(memo);
    if (ok === undefined) {
      ok = !(rule.readsEndpoints && !this.store.endpointsNamespaces.has(svc.slice(0, svc.indexOf('/'))));
      const eps = ok && rule.readsPods ? this.store.effectiveEndpoints(svc) : undefined;
      if (eps) for (const ns of podNamespacesOf(eps.view)) if (!this.store.podNamespaces.has(ns)) ok = false;
      this.shown.set(memo, ok);
    }
    return ok;
  }

  /** A state rule on one unit; settled rules only note it for the next settle point. */
  private unit(rule: Rule, unit: string): void {
    if (this.deferred(rule)) {
      this.touchUnit(rule, unit);
      return;
    }
    const cel = this.sliceOf(rule, unit).cel;
    this.judge(rule, unit, this.holds(rule, cel, cel), undefined);
  }

  private opOf(): unknown {
    if (this.opValue === undefined && this.currentEvent) this.opValue = toCelValue(operationOf(this.currentEvent));
    return this.opValue;
  }

  /**
   * The CEL variables, one object reused for every evaluation; `op` is a getter, so the operation
   * is made only when a rule reads it (most never get past `cluster.timing == 'sync' || …`).
   */
  private readonly vars: Record<string, unknown> = (() => {
    const v: Record<string, unknown> = { prev: undefined, state: undefined, result: RESULT_OK, cluster: this.cluster, alternatives: NONE };
    Object.defineProperty(v, 'op', { enumerable: true, get: () => (this.opGiven !== undefined ? this.opGiven : this.opOf()) });
    return v;
  })();
  private opGiven: unknown;

  /** `op`: the operation to evaluate with (default: the current event's). */
  private holds(rule: Rule, prev: unknown, state: unknown, op?: unknown): Verdict {
    rule.stats.evaluated++;
    const vars = this.vars;
    vars.prev = prev;
    vars.state = state;
    this.opGiven = op;
    try {
      if (rule.inv.when && rule.inv.when.fn(vars) !== true) return true;
      const v = rule.inv.holds.fn(vars);
      return v === true ? true : { value: fromCelValue(v) };
    } catch (e) {
      return { error: e instanceof CelEvalError ? e.message : String(e) };
    } finally {
      this.opGiven = undefined;
    }
  }

  /** The bookkeeping of one verdict on one unit, by mode (see the file comment). */
  private judge(rule: Rule, unit: string, verdict: Verdict, evidence: (() => Evidence) | undefined, at: EventRef | undefined = this.current,
    recheck?: () => Verdict, since: EventRef | undefined = this.current, start = this.start): void {
    const failure = rule.failing.get(unit);
    const key = `${rule.id}\0${unit}`;
    if (verdict === true) {
      if (failure) { // (transition rules forget their failures at every event: this is a state rule)
        if (!failure.reported) rule.stats.healed++;
        rule.failing.delete(unit);
        this.pending.delete(key);
      }
      return;
    }
    rule.stats.failed++;
    if (failure && !rule.transition) return; // the same failure goes on
    const f: Failure = { since, sinceClock: start, detail: verdict, reported: false, recheck, evidence };
    rule.failing.set(unit, f);
    if (rule.mode !== 'window') this.report(rule, unit, f, at, evidence);
    else if (!this.pending.has(key)) this.pending.set(key, { rule, unit, failure: f });
  }

  /** Window failures whose window has passed by the time `at` was recorded. */
  private due(at: EventRef): void {
    for (const [key, p] of this.pending) {
      if (Number.isNaN(p.failure.sinceClock)) p.failure.sinceClock = this.clock; // its window starts now
      else if (this.clock - p.failure.sinceClock > this.window) this.close(key, p, at);
    }
  }

  /**
   * A window failure judged final: a state rule's is a violation (it would have healed otherwise);
   * a transition's is judged again from the state before it to the state now, so that a change of
   * another kind that arrived late (separate watches) or a change undone in time does not count.
   */
  private close(key: string, p: { rule: Rule; unit: string; failure: Failure }, at: EventRef | undefined): void {
    this.pending.delete(key);
    if (p.failure.recheck && p.failure.recheck() === true) {
      p.rule.stats.healed++;
      return;
    }
    this.report(p.rule, p.unit, p.failure, at, p.rule.transition || p.rule.scope === 'full' ? p.failure.evidence : undefined);
  }

  /** Notes a unit for later judgement; a touch by an event that may be stale makes its start unknown (see Failure.sinceClock). */
  private touchUnit(rule: Rule, unit: string): void {
    const d = rule.dirty.get(unit);
    if (!d) rule.dirty.set(unit, { since: this.current, start: this.start });
    else if (Number.isNaN(this.start)) d.start = NaN;
  }

  /** Whether a rule is judged later, on the units touched meanwhile: settled rules, and window rules (per instant). */
  private deferred(rule: Rule): boolean {
    return rule.mode === 'settled' || (rule.mode === 'window' && this.deferWindow && !rule.transition);
  }

  /** The end of an instant of recorded time: window rules judged on the units touched during it. */
  private flush(): void {
    for (const rule of this.rules) if (rule.mode === 'window' && rule.dirty.size) this.judgeDirty(rule, this.current);
  }

  /** A settle point (before `at`, or at the end): settled rules judged on every unit touched since the last one. */
  private settle(at: EventRef | undefined): void {
    for (const rule of this.rules) if (rule.mode === 'settled' && rule.dirty.size) this.judgeDirty(rule, at);
  }

  private judgeDirty(rule: Rule, at: EventRef | undefined): void {
    const units = [...rule.dirty];
    rule.dirty.clear();
    for (const [unit, d] of units) {
      const s = this.sliceOf(rule, unit);
      this.judge(rule, unit, this.holds(rule, s.cel, s.cel), undefined, at, undefined, d.since, d.start);
    }
  }

  private report(rule: Rule, unit: string, f: Failure, at: EventRef | undefined, evidence?: () => Evidence): void {
    f.reported = true;
    rule.stats.violations++;
    if (rule.stats.violations > this.maxDetails) return;
    const ev = evidence ? evidence() : evidenceOf(this.sliceOf(rule, unit).entries);
    const lasted = rule.mode === 'window' && Number.isFinite(f.sinceClock) && Number.isFinite(this.clock) ? { lastedMs: this.clock - f.sinceClock } : {};
    this.violations.push({
      invariant: rule.id, mode: rule.mode, subject: unit,
      ...(at ? { at } : {}), ...(f.since && f.since !== at ? { since: f.since } : {}), ...lasted,
      ...ev, ...f.detail,
    });
  }

  // ---- slices -------------------------------------------------------------------------------

  /** The slice a rule reads for a unit; memoised until the live objects change (the next event). */
  private sliceOf(rule: Rule, unit: string): Slice {
    const scope = rule.scope === 'transition' ? 'service' : rule.scope;
    const memo = `${scope}|${unit}`;
    let hit = this.slices.get(memo);
    if (!hit) {
      hit = this.sliceNow(scope, unit);
      this.slices.set(memo, hit);
    }
    return hit;
  }

  private sliceNow(scope: Scope, unit: string): Slice {
    const st = this.state;
    if (unit.startsWith('Service ')) return st.serviceSlice(unit.slice(8), scope);
    if (unit.startsWith('pod ')) return st.podSlice(unit.slice(4));
    if (unit.startsWith('clusterIP ')) return { cel: undefined, entries: st.servicesAt(st.ips.get(unit.slice(10)) ?? []) };
    if (unit.startsWith('nodePort ')) return { cel: undefined, entries: st.servicesAt(st.nodePorts.get(Number(unit.slice(9)))?.keys() ?? []) };
    return { cel: st.fullObservation(), entries: [] };
  }

  private judgeFull(rule: Rule, prev: unknown, state: unknown): void {
    if (rule.mode === 'settled') {
      this.touchUnit(rule, 'cluster');
      return;
    }
    const op = this.opOf();
    const recheck = rule.transition ? () => this.holds(rule, prev, this.state.fullObservation(), op) : undefined;
    // The whole cluster has no slice to name: the event the failure began with is the evidence.
    const at = this.current;
    const evidence = () => ({ objects: [], events: at ? [at] : [] });
    this.judge(rule, 'cluster', this.holds(rule, rule.transition ? prev : state, state), evidence, this.current, recheck);
  }

  /** The initial state is judged once, when it is complete. */
  private endBurst(): void {
    this.burst = false;
    const touch: Touch = this.state.everything();
    const start = this.start;
    this.start = NaN; // when the initial state's failures began is unknown: their window starts at the next tick
    this.currentEvent = undefined;
    this.opValue = SETTLE;
    this.slices.clear();
    this.shown.clear();
    this.evaluate(touch);
    this.flush(); // the initial state is an instant of its own
    if (this.hasFull) {
      this.fullPrev = this.state.fullObservation();
      for (const r of this.rules) if (r.scope === 'full') this.judgeFull(r, this.fullPrev, this.fullPrev);
    }
    this.start = start;
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
