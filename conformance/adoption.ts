/**
 * Where the semantics allow several outcomes — an allocated ClusterIP, nodePort or load-balancer
 * address, a pod's node and IP, a ReplicationController's pod names, which pods a scale-down
 * deletes, which of several ReplicationControllers adopts an orphan, which endpoint (or
 * load-balancer node) a connection reaches — an implementation may choose any allowed one. The runner re-runs the
 * model's step with a Chooser that prefers the implementation's values: allocations through
 * Chooser.prefer (the model takes a value only if it is in range and free, so a taken or
 * out-of-range value is not adopted and shows up as a difference), endpoint picks first as the
 * implementation's answer suggests, then every sequence of picks in turn. If one of those runs
 * gives the implementation's result, the result is allowed and the model continues from that run,
 * so model and implementation go on from the same state.
 */
import type { ChoiceKind, Chooser, ClusterState, Observation, Operation, Result, StepOutcome } from '../model/index.ts';
import { enabledInternalSteps, seededChooser, step } from '../model/index.ts';
import { type Difference, comparableResult, resultDifferences } from './compare.ts';

export interface ImplementationStep {
  readonly result: Result;
  /** The implementation's observation before and after the operation. */
  readonly before: Observation;
  readonly after: Observation;
}

export interface Adoption {
  /** The model's step, with the implementation's choices wherever the model allows them. */
  readonly outcome: StepOutcome;
  /** Whether the implementation's result is one the model allows; undefined when not compared. */
  readonly allowed?: boolean;
  /** When not allowed: how it differs from the model's (first) result. */
  readonly differences: readonly Difference[];
  /** When not allowed and the model had choices: the distinct results it allows. */
  readonly alternatives: readonly Result[];
  /** The endpoint picks of `outcome`, for replaying it (replayAdopted). */
  readonly picks: readonly number[];
  /** Internal steps (async timing) the model ran before `op` because the implementation's answer showed they had happened. */
  readonly ahead?: readonly Operation[];
}

type Obj = Record<string, any>;
const keyOf = (namespace: string | undefined, name: string | undefined) => `${namespace ?? 'default'}/${name}`;

/**
 * What later observations revealed: in async timing a pod's IP shows only once the kubelet has
 * written its status, steps after the pod was created (`ips`, by the implementation's pod uid).
 * A pod whose IP the implementation has not shown may hold any free address of its node's range
 * (`ranges`): the runner keeps it clear of the addresses it knows belong to other pods.
 */
export interface Learned {
  readonly ips: ReadonlyMap<string, string>;
  readonly ranges: ReadonlyMap<string, { readonly base: number; readonly size: number }>;
  /**
   * The names of the pods each ReplicationController (`namespace/name`) was shown to control from
   * the step being adopted on, in the order they appeared: in async timing its manager may make
   * them steps after the model's did, so the step that made them in the model is replayed with
   * these names.
   */
  readonly podNames?: ReadonlyMap<string, readonly string[]>;
  /**
   * Each pod's node and IP by `namespace/name`, as the latest observation that showed it had them:
   * a ReplicationController's pod the implementation made steps late was placed blind by the
   * model's step that made it, which is replayed with these.
   */
  readonly placements?: ReadonlyMap<string, { readonly node?: string; readonly ip?: string }>;
  /**
   * Pods (`namespace/name`) a later observation showed deleted (terminating or gone, not by the
   * caller's own `delete`), from the step being adopted on, in the order the deletions showed: in
   * async timing a manager may scale down steps after the model's did, so the step that chose the
   * model's victims is replayed with these.
   */
  readonly deleted?: readonly string[];
}

const NOTHING_LEARNED: Learned = { ips: new Map(), ranges: new Map() };

const ipv4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** The node's pod addresses from the top down, leaving out those known to be other pods'. */
function* clearOf(range: { base: number; size: number }, taken: ReadonlySet<string>): Generator<string> {
  for (let o = range.size - 2; o >= 2; o--) {
    const ip = ipv4(range.base + o);
    if (!taken.has(ip)) yield ip;
  }
}

/** The values the implementation chose, read from its answer and its observation after the step. */
export function implementationChoices(op: Operation, impl: ImplementationStep, learned: Learned = NOTHING_LEARNED): (kind: ChoiceKind, subject: string, among?: readonly string[]) => Iterable<string | number> | undefined {
  const applied = op.op === 'apply' && impl.result.ok ? ((impl.result as Obj).object as Obj | undefined) : undefined;
  const appliedKey = applied ? keyOf(applied.metadata?.namespace ?? (op as Obj).object?.metadata?.namespace, applied.metadata?.name) : undefined;
  const services = new Map((impl.after.services ?? []).map((s) => [keyOf(s.namespace, s.name), s]));
  const pods = new Map((impl.after.pods ?? []).map((p) => [keyOf(p.namespace, p.name), p]));
  const podsBefore = new Set((impl.before.pods ?? []).map((p) => keyOf(p.namespace, p.name)));
  const fromApplied = (kind: string, subject: string) => (applied?.kind === kind && appliedKey === subject ? applied : undefined);
  return (kind, subject, among) => {
    switch (kind) {
      case 'clusterIP': {
        const ip = fromApplied('Service', subject)?.spec?.clusterIP ?? services.get(subject)?.clusterIP;
        return ip ? [ip] : undefined;
      }
      case 'nodePort': {
        const svc = fromApplied('Service', subject);
        const view = services.get(subject);
        const ports: unknown[] = svc
          ? [...(svc.spec?.ports ?? []).map((p: Obj) => p.nodePort), svc.spec?.healthCheckNodePort]
          : [...(view?.ports ?? []).map((p) => p.nodePort), view?.healthCheckNodePort];
        return ports.filter((p): p is number => typeof p === 'number' && p > 0);
      }
      case 'lbAddress': {
        const svc = fromApplied('Service', subject);
        const ingress: Obj[] = svc?.status?.loadBalancer?.ingress ?? services.get(subject)?.loadBalancerIngress ?? [];
        return ingress.map((i) => i.ip).filter((ip): ip is string => typeof ip === 'string');
      }
      case 'podIP': {
        const pod = pods.get(subject);
        const placed = learned.placements?.get(subject);
        const ip = pod?.ip || fromApplied('Pod', subject)?.status?.podIP || (pod?.uid ? learned.ips.get(pod.uid) : undefined) || (pod ? undefined : placed?.ip);
        if (ip) return [ip];
        const node = pod?.node || placed?.node;
        const range = node ? learned.ranges.get(node) : undefined;
        return range && learned.ips.size > 0 ? clearOf(range, new Set(learned.ips.values())) : undefined;
      }
      case 'node': {
        const node = pods.get(subject)?.node || learned.placements?.get(subject)?.node;
        return node ? [node] : undefined;
      }
      case 'scaleDown': {
        // subject: the ReplicationController; the pods of its namespace the implementation deleted.
        const ns = `${subject.slice(0, subject.indexOf('/'))}/`;
        const gone = (name: string) => pods.get(`${ns}${name}`)?.terminating ?? true;
        const now = (impl.before.pods ?? []).filter((p) => !p.terminating && `${p.namespace}/` === ns && gone(p.name)).map((p) => p.name);
        // In async timing the implementation may have deleted its victims, and seen them removed,
        // before this step (while answering the one before): the model's candidates it no longer
        // shows alive were its choice too. Or after it: a later observation showed which it deleted.
        const ahead = (among ?? []).filter((name) => gone(name) && !now.includes(name));
        const later = (learned.deleted ?? []).filter((k) => k.startsWith(ns)).map((k) => k.slice(ns.length));
        return [...now, ...ahead, ...later.filter((name) => among?.includes(name) && !now.includes(name) && !ahead.includes(name))];
      }
      case 'adopter': {
        // subject: an orphan pod several ReplicationControllers contest; the one the implementation made its controller.
        const c = pods.get(subject)?.controller;
        return c?.kind === 'ReplicationController' ? [c.name] : undefined;
      }
      case 'podName': {
        // subject: the ReplicationController; the pods the implementation made in this step, then
        // those a later observation showed it controls (the model takes only names it does not hold).
        const slash = subject.indexOf('/');
        const made = [...pods.keys()].filter((k) => k.startsWith(`${subject}-`) && !podsBefore.has(k)).sort().map((k) => k.slice(slash + 1));
        return [...made, ...(learned.podNames?.get(subject) ?? [])];
      }
      default:
        return undefined;
    }
  };
}

/** A chooser that replays the implementation: its values for allocations, and the given picks. */
class Adopting implements Chooser {
  readonly counts: number[] = [];
  /** The index taken at each pick: replaying them reproduces this run. */
  readonly taken: number[] = [];

  constructor(
    private readonly wants: (kind: ChoiceKind, subject: string, among?: readonly string[]) => Iterable<string | number> | undefined,
    private readonly prefix: readonly number[],
    private readonly preferredPick?: (keys: readonly string[]) => number,
  ) {}

  pick(_kind: ChoiceKind, keys: readonly string[]): number {
    const depth = this.counts.length;
    this.counts.push(keys.length);
    const hinted = depth < this.prefix.length ? -1 : (this.preferredPick?.(keys) ?? -1);
    const i = depth < this.prefix.length ? Math.min(this.prefix[depth], keys.length - 1) : hinted >= 0 ? hinted : 0;
    this.taken.push(i);
    return i;
  }

  allocate(kind: ChoiceKind, size: number, isFree: (o: number) => boolean, ctx: Parameters<Chooser['allocate']>[3]): number {
    // Reached when the implementation's value is not usable (taken, out of range) or unknown.
    return seededChooser.allocate(kind, size, isFree, ctx);
  }

  prefer(kind: ChoiceKind, subject: string, among?: readonly string[]): Iterable<string | number> | undefined {
    return this.wants(kind, subject, among);
  }
}

/** The endpoint key (`ip:port`) or load-balancer node the implementation's connection went through. */
function pickHint(impl: ImplementationStep): (keys: readonly string[]) => number {
  const r = impl.result as Obj;
  const endpoint = r.ok && r.ip !== undefined ? `${r.ip}:${r.port}` : undefined;
  const node = r.ok && r.sourceIP ? impl.after.nodes?.find((n) => n.ip === r.sourceIP)?.name : undefined;
  return (keys) => {
    let i = endpoint ? keys.indexOf(endpoint) : -1;
    if (i < 0 && node) i = keys.indexOf(node);
    return i;
  };
}

/**
 * The model's step for `op` with the implementation's choices adopted. With `compare`, also
 * decides whether the implementation's result is allowed, trying at most `limit` pick sequences.
 */
export function adopt(state: ClusterState, op: Operation, impl: ImplementationStep, compare: boolean, learned?: Learned, limit = 64): Adoption {
  const direct = adoptFrom(state, op, impl, compare, learned, limit);
  if (direct.allowed !== false) return direct;
  // In async timing the implementation's controllers may be ahead of the model's (docs/adapter.md
  // section 5: how far they have got is the implementation's to decide): an answer that one pending
  // internal step, or all of them, makes allowed is allowed, and the model adopts that it happened —
  // a `delete Endpoints` answered ok right after the Service was created, because its controller
  // had already written them.
  const pending = enabledInternalSteps(state);
  if (pending.length === 0) return direct;
  for (const ahead of [...pending.map((p) => [p]), pending.length > 1 ? [{ op: 'settle' } as Operation] : []]) {
    if (ahead.length === 0) continue;
    let synced = state;
    for (const s of ahead) synced = step(synced, s).state;
    const a = adoptFrom(synced, op, impl, compare, learned, limit);
    if (a.allowed) return { ...a, ahead };
  }
  return direct;
}

function adoptFrom(state: ClusterState, op: Operation, impl: ImplementationStep, compare: boolean, learned: Learned | undefined, limit: number): Adoption {
  const wants = implementationChoices(op, impl, learned);
  const first = new Adopting(wants, [], pickHint(impl));
  const outcome = step(state, op, first);
  const picks = first.taken;
  if (!compare) return { outcome, differences: [], alternatives: [], picks };
  const differences = resultDifferences(op, outcome.result, impl.result);
  if (differences.length === 0) return { outcome, allowed: true, differences, alternatives: [], picks };
  if (first.counts.length === 0) return { outcome, allowed: false, differences, alternatives: [], picks };
  // Every sequence of picks, depth first, as properties/engine/system.ts `alternatives` does.
  const seen = new Map<string, Result>();
  const todo: number[][] = [[]];
  let tried = 0;
  while (todo.length > 0 && tried < limit) {
    const prefix = todo.pop()!;
    const chooser = new Adopting(wants, prefix);
    const out = step(state, op, chooser);
    tried++;
    if (resultDifferences(op, out.result, impl.result).length === 0) return { outcome: out, allowed: true, differences: [], alternatives: [], picks: chooser.taken };
    seen.set(JSON.stringify(comparableResult(op, out.result)), out.result);
    for (let d = prefix.length; d < chooser.counts.length; d++) {
      const base = [...prefix, ...new Array<number>(d - prefix.length).fill(0)];
      for (let i = 1; i < chooser.counts[d]; i++) todo.push([...base, i]);
    }
  }
  return { outcome, allowed: false, differences, alternatives: [...seen.values()], picks };
}

/** One step as adopted before (the internal steps it adopted first, the same picks), replayed with what has been learned since. */
export function replayAdopted(state: ClusterState, op: Operation, impl: ImplementationStep, picks: readonly number[], learned: Learned, ahead: readonly Operation[] = []): StepOutcome {
  for (const s of ahead) state = step(state, s).state;
  return step(state, op, new Adopting(implementationChoices(op, impl, learned), picks));
}
