/**
 * One sequence run on the implementation and the reference model together (the heart of
 * `conform`, conformance/runner.ts drives it): each operation's `$` references resolved against the
 * model's observation, sent with an `observe` after it, the model stepped with the implementation's
 * choices adopted (conformance/adoption.ts), divergences noted, and every invariant checked on the
 * implementation's own observations.
 */
import type { ClusterConfig, Observation, Operation, Result, Supports } from '../model/index.ts';
import { enabledInternalSteps, initialState, normalizeConfig, observe } from '../model/index.ts';
import { named } from '../properties/arbitraries/operations.ts';
import { type InvariantChecker, type Violation, observationForCel } from '../properties/engine/checker.ts';
import { RunHistory } from '../properties/engine/history.ts';
import { Resolver, resolvesToItself } from '../properties/engine/resolve.ts';
import type { Scope, Timing } from '../properties/spec/types.ts';
import { type ImplementationStep, type Learned, adopt, replayAdopted } from './adoption.ts';
import { type Difference, observationDifferences } from './compare.ts';
import { type AdapterFault, type FaultKind, RAW_TEXT, isIndefinite } from './protocol.ts';

/** What the runner drives: conformance/process-adapter.ts, or the in-process loopback-adapter.ts. */
export interface Adapter {
  /** Starts a fresh cluster; what the implementation declared it supports (undefined: everything). */
  init(cluster: ClusterConfig): Promise<Supports | undefined>;
  /** Sends the operations together; their results, in order. */
  exchange(ops: readonly Operation[]): Promise<Result[]>;
  /** Ends the implementation for a protocol fault the runner found; returns the fault to throw. */
  protocolFault(kind: FaultKind, message: string): AdapterFault;
}

export type SettlePolicy = 'never' | 'end' | 'each';

/** Operations sent and not yet judged, at most (their answers wait in the pipe meanwhile). */
const AHEAD = 16;

/** An operation sent with the `observe` after it, and their answers to come. */
interface Sent {
  readonly op: Operation;
  readonly replies: Promise<Result[]>;
}

/** The two checks that are not invariants of the spec but of conformance itself. */
export const CONFORMANCE_RULES = {
  result: {
    id: 'conform/result-allowed',
    statement: 'When the implementation answers an operation, its answer must be one the model allows from the same state (any allowed allocation or endpoint; a refusal compared by its reason).',
  },
  observation: {
    id: 'conform/observation-agrees',
    statement: 'In sync timing after every operation, and in async timing after each settle, the implementation\'s observation must be the model\'s (its own choices adopted, uids aside).',
  },
} as const;

export interface ConformStep {
  readonly op: Operation;
  readonly implementation: Result;
  readonly model: Result;
  /** Added by the runner (the --settle policy), not generated. */
  readonly inserted?: boolean;
  /** The implementation could not say whether the operation happened (`definite: false`). */
  readonly indefinite?: boolean;
}

export type Divergence =
  | { readonly kind: 'result'; readonly step: number; readonly op: Operation; readonly differences: readonly Difference[]; readonly alternatives: readonly Result[] }
  | { readonly kind: 'observation'; readonly step: number; readonly op?: Operation; readonly differences: readonly Difference[] };

export type Failure =
  | { readonly kind: 'invariant'; readonly violation: Violation; readonly prev: Observation; readonly state: Observation }
  | Divergence;

export interface Execution {
  readonly steps: readonly ConformStep[];
  readonly failure?: Failure;
  /** The first divergence of the run (the failure itself, or one before the invariant broke). */
  readonly divergence?: Divergence;
  readonly indefinite: number;
}

export type Target = { kind: 'invariant'; id: string } | { kind: 'result'; op: string } | { kind: 'observation' };

export function targetOf(f: Failure): Target {
  if (f.kind === 'invariant') return { kind: 'invariant', id: f.violation.invariant.id };
  if (f.kind === 'result') return { kind: 'result', op: f.op.op };
  return { kind: 'observation' };
}

export function matches(f: Failure | undefined, t: Target): boolean {
  if (!f || f.kind !== t.kind) return false;
  if (t.kind === 'invariant') return (f as { violation: Violation }).violation.invariant.id === t.id;
  if (t.kind === 'result') return (f as { op: Operation }).op.op === t.op;
  return true;
}

export function failureId(f: Failure): string {
  return f.kind === 'invariant' ? f.violation.invariant.id : CONFORMANCE_RULES[f.kind].id;
}

/** Operations that change nothing an interleaving could leave behind (connect and http may record ClientIP affinity). */
const READS_ONLY = new Set(['observe', 'settle', 'ping', 'resolve', 'env']);

export interface Mode {
  readonly checker: InvariantChecker;
  readonly count: boolean;
  /** Compare results and observations with the model (off while shrinking towards an invariant). */
  readonly compare: boolean;
  readonly target?: Target;
}

export interface Context {
  readonly scope: Scope;
  readonly timing: Timing;
  readonly settle: SettlePolicy;
  /** Invariants that read `result` or `alternatives`: not checked after an indefinite result. */
  readonly resultReaders: ReadonlySet<string>;
  /** The operations of the sequence being run, as sent: what a fault report lists. */
  sent: Operation[];
  /** How many of `sent` were answered: those after the next one were sent ahead of its answer. */
  answered: number;
  /** The implementation was just initialised (to learn what it supports): the next run skips its init. */
  fresh?: boolean;
  /** False for an implementation without a data plane (no `connect` or `http` in its supports): no proxies to compare. */
  compareProxies?: boolean;
}

/** The observations compared as the implementation can be held to them (a control plane has no proxies). */
function differencesFor(ctx: Context, model: Observation, implementation: Observation, limit?: number): Difference[] {
  if (ctx.compareProxies !== false) return observationDifferences(model, implementation, limit);
  return observationDifferences({ ...model, proxies: [] }, { ...implementation, proxies: [] }, limit);
}

function withSettle(templates: readonly Operation[], policy: SettlePolicy): { template: Operation; inserted: boolean }[] {
  const out: { template: Operation; inserted: boolean }[] = [];
  for (const t of templates) {
    out.push({ template: t, inserted: false });
    if (policy === 'each') out.push({ template: { op: 'settle' }, inserted: true });
  }
  if (policy === 'end' && templates.length > 0) out.push({ template: { op: 'settle' }, inserted: true });
  return out;
}

function observed(impl: Adapter, r: Result, after: string, prev?: { raw?: string; obs: Observation }): { raw?: string; obs: Observation } {
  if (!r.ok) throw impl.protocolFault('bad-message', `observe ${after} was answered ok: false (${JSON.stringify((r as { error?: unknown }).error)})`);
  const raw = (r as { [RAW_TEXT]?: string })[RAW_TEXT];
  // The same text as last time: the same observation object, so CEL values and verdicts are reused.
  if (raw !== undefined && raw === prev?.raw) return prev;
  return { raw, obs: (r as { state: Observation }).state };
}

const SECTIONS = ['nodes', 'pods', 'services', 'endpoints', 'ingresses', 'proxies', 'replicationControllers'] as const;

/** Two model observations built from states that share every section (observe reuses unchanged ones). */
function sameSections(a: Observation, b: Observation): boolean {
  return a.time === b.time && SECTIONS.every((k) => a[k] === b[k]);
}

/** Runs one sequence from a fresh cluster on the implementation and the model together. */
export async function execute(impl: Adapter, ctx: Context, templates: readonly Operation[], mode: Mode): Promise<Execution> {
  const cluster = { ...ctx.scope.cluster, timing: ctx.timing };
  ctx.sent = [];
  ctx.answered = 0;
  if (ctx.fresh) ctx.fresh = false;
  else await impl.init(cluster);
  const initial = initialState(cluster);
  let model = initial;
  let modelObs = observe(model);
  // Pod IPs (by the implementation's pod uid), pods' nodes and IPs (by name) and
  // ReplicationControllers' pod names the implementation revealed, and every step as adopted, so
  // the model can be replayed when a later observation shows a placement or a name it had to
  // choose blind (async timing).
  const learned = {
    ips: new Map<string, string>(),
    ranges: new Map(normalizeConfig(cluster).nodes.map((n) => [n.name, n.podRange])),
    placements: new Map<string, { node?: string; ip?: string }>(),
  };
  const podNamesSeen = new Map<string, Map<string, number>>();
  const deletedSeen = new Map<string, number>();
  const history: { op: Operation; impl: ImplementationStep; picks: readonly number[]; ahead?: readonly Operation[]; happened: boolean }[] = [];
  const [first] = await impl.exchange([{ op: 'observe' }]);
  let implSeen = observed(impl, first, 'after init');
  let implObs = implSeen.obs;
  // The last pair of observations found equal: an unchanged pair needs no second comparison.
  let agreed: { model: Observation; impl: Observation } | undefined;
  let prevCel = observationForCel(implObs);
  const steps: ConformStep[] = [];
  let divergence: Divergence | undefined;
  let indefinite = 0;
  const diverged = (d: Divergence): Execution | undefined => {
    divergence ??= d;
    return mode.target && matches(d, mode.target) ? { steps, failure: d, divergence: d, indefinite } : undefined;
  };
  if (mode.compare) {
    const differences = differencesFor(ctx, modelObs, implObs);
    const done = differences.length ? diverged({ kind: 'observation', step: -1, differences }) : undefined;
    if (done) return done;
    if (!differences.length) agreed = { model: modelObs, impl: implObs };
  }
  let comparable = true;
  const resolver = new Resolver();
  // The implementation's own answers and observations: rules over many answers judge these.
  const answers = mode.checker.needsHistory ? new RunHistory() : undefined;
  const sequence = withSettle(templates, ctx.settle);
  const send = (template: Operation): Sent => {
    const op = named(resolver.resolve(template, modelObs));
    ctx.sent.push(op);
    const replies = impl.exchange([op, { op: 'observe' }]);
    // Its replies may go unread (the run ends first): a fault then surfaces at the next call.
    replies.catch(() => {});
    return { op, replies };
  };
  // Sent, not yet judged, in order; `sentUpTo` is the first template not sent.
  const inFlight: Sent[] = [];
  let sentUpTo = 0;
  for (let i = 0; i < sequence.length; i++) {
    if (inFlight.length === 0) inFlight.push(send(sequence[sentUpTo++].template));
    // The operations after this one go out now while they need nothing from the steps before
    // them: the implementation works on them while this step is judged (answers come in order).
    while (sentUpTo < sequence.length && inFlight.length < AHEAD && resolvesToItself(sequence[sentUpTo].template)) inFlight.push(send(sequence[sentUpTo++].template));
    const { op, replies } = inFlight.shift()!;
    const [implResult, obsResult] = await replies;
    ctx.answered = i + 1;
    const seen = observed(impl, obsResult, `after request "${op.op}"`, implSeen);
    const implNext = seen.obs;
    const unsure = isIndefinite(implResult);
    const quiet = ctx.timing === 'sync' || enabledInternalSteps(model).length === 0;
    // Work the model still has pending when a state-changing operation arrives may already be done
    // in the implementation: from then on their histories may legitimately differ (a Service that
    // lost its selector before or after its first Endpoints sync keeps stale Endpoints or has none),
    // so only the invariants judge the rest of the sequence.
    const comparableBefore = comparable;
    if (!quiet && !READS_ONLY.has(op.op)) comparable = false;
    // In async timing only the API's own answers are comparable while work is pending: how far
    // the implementation's controllers have got is not something the model can know.
    const compareResult = mode.compare && comparableBefore && !divergence && !unsure && (quiet || op.op === 'apply' || op.op === 'delete');
    const implStep: ImplementationStep = { result: implResult, before: implObs, after: implNext };
    const a = adopt(model, op, implStep, compareResult, learnedAt(learned, podNamesSeen, deletedSeen, i));
    let next = a.outcome.state;
    let modelResult = a.outcome.result;
    let nextObs = observe(next);
    let happened = true;
    if (unsure) {
      // It may or may not have happened: the implementation's observation says which.
      indefinite++;
      if (differencesFor(ctx, modelObs, implNext, 50).length < differencesFor(ctx, nextObs, implNext, 50).length) {
        happened = false;
        next = model;
        nextObs = modelObs;
        modelResult = implResult;
      }
    }
    history.push({ op, impl: implStep, picks: a.picks, ahead: a.ahead, happened });
    const learnedIPs = learn(learned.ips, implNext);
    const learnedPlaces = (learnPlacements(learned.placements, implNext) || learnedIPs) && placementsDiffer(nextObs, implNext);
    const learnedNames = learnPodNames(podNamesSeen, implNext, i) && podNamesDiffer(nextObs, implNext);
    const learnedVictims = learnDeleted(deletedSeen, op, implObs, implNext, i) && podNamesDiffer(nextObs, implNext);
    if (learnedPlaces || learnedNames || learnedVictims) {
      next = initial;
      history.forEach((h, j) => {
        if (h.happened) next = replayAdopted(next, h.op, h.impl, h.picks, learnedAt(learned, podNamesSeen, deletedSeen, j), h.ahead).state;
      });
      nextObs = observe(next);
    }
    steps.push({ op, implementation: implResult, model: modelResult, ...(sequence[i].inserted ? { inserted: true } : {}), ...(unsure ? { indefinite: true } : {}) });
    const nextCel = implNext === implObs ? prevCel : observationForCel(implNext);
    const skip = unsure ? (id: string) => ctx.resultReaders.has(id) : undefined;
    const [violation] = mode.checker.checkAll(i, prevCel, op, implResult, nextCel, [], mode.count, true, skip, answers?.record(i, op, implResult, prevCel, nextCel));
    if (violation) return { steps, failure: { kind: 'invariant', violation, prev: implObs, state: implNext }, divergence, indefinite };
    if (mode.compare && !divergence) {
      let done: Execution | undefined;
      if (a.allowed === false) done = diverged({ kind: 'result', step: i, op, differences: a.differences, alternatives: a.alternatives });
      // In async timing the implementation's controllers, the replication manager and the garbage
      // collector included (the model runs those two within the operation), may lag until a settle.
      else if (comparable && (ctx.timing === 'sync' || (op.op === 'settle' && enabledInternalSteps(next).length === 0)) && !(agreed && agreed.impl === implNext && sameSections(agreed.model, nextObs))) {
        const differences = differencesFor(ctx, nextObs, implNext);
        if (differences.length) done = diverged({ kind: 'observation', step: i, op, differences });
        else agreed = { model: nextObs, impl: implNext };
      }
      if (done) return done;
    }
    resolver.record(op, modelResult.ok);
    model = next;
    modelObs = nextObs;
    implObs = implNext;
    implSeen = seen;
    prevCel = nextCel;
  }
  return { steps, failure: mode.target ? undefined : divergence, divergence, indefinite };
}

/** Records the pod IPs an observation shows; true when it showed one not known before. */
function learn(learned: Map<string, string>, obs: Observation): boolean {
  let grew = false;
  for (const p of obs.pods ?? []) {
    if (!p.uid || !p.ip || learned.get(p.uid) === p.ip) continue;
    learned.set(p.uid, p.ip);
    grew = true;
  }
  return grew;
}

/** The pods each ReplicationController controls, by name, as `namespace/rc` → sorted names. */
function controlledPods(obs: Observation): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of obs.pods ?? []) {
    if (p.controller?.kind !== 'ReplicationController' || p.terminating) continue;
    const rc = `${p.namespace}/${p.controller.name}`;
    out.set(rc, [...(out.get(rc) ?? []), p.name]);
  }
  for (const names of out.values()) names.sort();
  return out;
}

/**
 * Records, for each ReplicationController, the step at which each name of a pod it controls was
 * first shown; true when a name is new. Names are kept after their pod is released or gone, so a
 * replay gives each step the names that appeared from it on.
 */
function learnPodNames(seen: Map<string, Map<string, number>>, obs: Observation, stepIndex: number): boolean {
  let grew = false;
  for (const [rc, names] of controlledPods(obs)) {
    const firstSeen = seen.get(rc) ?? new Map<string, number>();
    seen.set(rc, firstSeen);
    for (const name of names) {
      if (firstSeen.has(name)) continue;
      firstSeen.set(name, stepIndex);
      grew = true;
    }
  }
  return grew;
}

/**
 * Records the step at which each pod was first shown deleted (terminating, or gone) by someone
 * other than the caller's `delete` of it; true when one was. Only a scale-down's candidates are
 * ever taken from it (a manager's victims: its controlled pods, or orphans it adopted to delete).
 */
function learnDeleted(seen: Map<string, number>, op: Operation, before: Observation, after: Observation, stepIndex: number): boolean {
  if (after === before) return false;
  const byCaller = op.op === 'delete' && op.kind === 'Pod' ? `${op.namespace ?? 'default'}/${op.name}` : undefined;
  const alive = new Set((after.pods ?? []).filter((p) => !p.terminating).map((p) => `${p.namespace}/${p.name}`));
  let grew = false;
  for (const p of before.pods ?? []) {
    const key = `${p.namespace}/${p.name}`;
    if (p.terminating || alive.has(key) || key === byCaller || seen.has(key)) continue;
    seen.set(key, stepIndex);
    grew = true;
  }
  return grew;
}

/**
 * What the runner knows, as the step at `stepIndex` may use it: the pod names each
 * ReplicationController showed at that step or later, in the order they appeared, and the pods
 * shown deleted at that step or later, likewise. A step cannot have made a pod shown before it, so
 * the pods an RC made early and the replacements it made later each get their own names (the early
 * ones may since be released or deleted); nor can it have deleted one shown deleted before it.
 */
function learnedAt(learned: Omit<Learned, 'podNames' | 'deleted'>, seen: ReadonlyMap<string, ReadonlyMap<string, number>>, deletedSeen: ReadonlyMap<string, number>, stepIndex: number): Learned {
  const fromHere = (entries: Iterable<[string, number]>) => [...entries].filter(([, at]) => at >= stepIndex).sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1)).map(([name]) => name);
  const podNames = new Map<string, string[]>();
  for (const [rc, firstSeen] of seen) {
    const names = fromHere(firstSeen);
    if (names.length) podNames.set(rc, names);
  }
  return { ...learned, podNames, deleted: fromHere(deletedSeen) };
}

/** Whether some ReplicationController's live pods have other names in the model than in the implementation. */
function podNamesDiffer(model: Observation, impl: Observation): boolean {
  const m = controlledPods(model);
  return [...controlledPods(impl)].some(([rc, names]) => m.has(rc) && m.get(rc)!.join() !== names.join());
}

/** Records each pod's node and IP by name; true when an observation showed one not known before. */
function learnPlacements(learned: Map<string, { node?: string; ip?: string }>, obs: Observation): boolean {
  let grew = false;
  for (const p of obs.pods ?? []) {
    const key = `${p.namespace}/${p.name}`;
    const known = learned.get(key);
    const node = p.node || known?.node;
    const ip = p.ip || known?.ip;
    if (known?.node === node && known?.ip === ip) continue;
    learned.set(key, { node, ip });
    grew = true;
  }
  return grew;
}

/** Whether a pod both show has another node or IP in the model than in the implementation. */
function placementsDiffer(model: Observation, impl: Observation): boolean {
  const shown = new Map(impl.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  return model.pods.some((p) => {
    const q = shown.get(`${p.namespace}/${p.name}`);
    return q !== undefined && ((!!q.ip && q.ip !== p.ip) || (!!q.node && q.node !== p.node));
  });
}
