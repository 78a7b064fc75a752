/**
 * A slice of one round of check: runs [first, first + runs) of fast-check's run sequence for the
 * round's seed and weights. fast-check generates run i from the seed and i alone (its path starts
 * the sequence at run i), so slices run on any thread give the very runs one fc.check gives, and
 * a failing run shrinks the same way wherever it is found. A slice counts on its own (invariant
 * stats, generator credit, machine coverage); check-search.ts adds slices up in run order.
 */
import fc from 'fast-check';
import { type Operation, normalizeConfig } from '../../model/index.ts';
import { generatorOf, sequenceArb, swarmOfRun } from '../arbitraries/operations.ts';
import type { Spec, Timing } from '../spec/types.ts';
import { scopeNamed } from '../spec/scope-named.ts';
import { type CreditData, GeneratorCredit, catalogueWeights, runEventKey, runStateKey, weighted } from './bias.ts';
import { InvariantChecker } from './checker.ts';
import { type Visited, markVisits, transitionParts, unionVisited, visitsSinceMark } from './coverage.ts';
import { execute } from './execute.ts';
import { type SwarmSums, SwarmTally } from './swarm-tally.ts';
import { type System, modelSystem } from './system.ts';

import { selectInvariants } from './select.ts';

/** Plain data: it crosses to worker threads. */
export interface SliceTask {
  readonly scope: string;
  readonly timing: Timing;
  readonly maxSteps: number;
  readonly only?: readonly string[];
  /** fast-check's seed for the round. */
  readonly seed: number;
  readonly weights: readonly (readonly [string, number])[];
  /** Swarm testing (`--swarm`): each run first draws its own generators; absent when off. */
  readonly swarm?: true;
  /** fast-check's path to the slice's first run: its index in the round, or a replay's whole path. */
  readonly path: string;
  readonly runs: number;
  /** Runs the search counted before this slice (for progress). */
  readonly before: number;
}

export interface SliceFailure {
  /** The failing run, shrunk by fast-check. */
  readonly shrunk: readonly Operation[];
  readonly seed: number;
  readonly path: string;
  readonly shrinks: number;
  /** The generators the failing run drew from (swarm testing), in catalogue order. */
  readonly swarm?: readonly string[];
}

export interface SliceResult {
  /** Runs counted: all of them, or up to and including the one that failed. */
  readonly runs: number;
  readonly steps: number;
  /** [checked, precondition held, violations] per selected invariant, in the spec's order. */
  readonly stats: readonly (readonly [number, number, number])[];
  readonly credit: CreditData;
  readonly visited: Visited;
  /** Under swarm testing: what the counted runs kept. */
  readonly swarm?: SwarmSums;
  readonly failed?: SliceFailure;
  /** fast-check failed without a counterexample. */
  readonly error?: string;
}

/** Thrown from the property to end fast-check's search (an interruption, not a failure). */
const ENOUGH = new fc.PreconditionFailure(true);

export function runSlice<S>(spec: Spec, task: SliceTask, system: System<S> = modelSystem as unknown as System<S>, onRun?: (done: number) => void): SliceResult {
  const scope = scopeNamed(spec, task.scope);
  const invariants = selectInvariants(spec, task.timing, task.only);
  const checker = new InvariantChecker(invariants, task.timing, normalizeConfig({ ...scope.cluster, timing: task.timing }));
  const credit = new GeneratorCredit();
  // Under swarm, keep chances are relative to the catalogue's weights (../arbitraries/swarm.ts).
  const arb = sequenceArb(weighted(spec.generators, new Map(task.weights)), scope, spec.domains, task.maxSteps, undefined, task.swarm ? catalogueWeights(spec.generators) : undefined);
  const swarm = task.swarm ? new SwarmTally() : undefined;
  let runs = 0;
  let steps = 0;
  let failed = false;
  // Machine coverage per call (counted runs and shrinking attempts alike), so each counted run's
  // own states and events can be credited to its generators.
  const calls: Visited[] = [];
  const property = fc.property(arb, (templates) => {
    // Once a failure is found the calls are shrinking attempts: their steps count toward no stats or
    // credit (their machine coverage still does, as the report's coverage includes them).
    const counted = !failed;
    // A replay's path may point into a shrink tree: past the run it names, fast-check would go on
    // through that run's shrink siblings (many, each a run). The search ends after the runs asked for.
    if (counted && runs >= task.runs) throw ENOUGH;
    const stepsByGenerator = new Map<string, number>();
    markVisits();
    const exec = execute(system, scope, task.timing, templates, checker, counted, counted ? (i) => {
      const g = generatorOf(templates[i]);
      credit.record(g, checker.heldLastStep);
      if (g !== undefined) stepsByGenerator.set(g, (stepsByGenerator.get(g) ?? 0) + 1);
    } : undefined);
    const visits = visitsSinceMark();
    calls.push(visits);
    if (counted) {
      runs++;
      steps += exec.transcript.ops.length;
      credit.recordRun(stepsByGenerator, runCoverageKeys(visits));
      swarm?.record(templates);
      onRun?.(runs);
    }
    if (exec.violation) failed = true;
    return exec.violation === undefined;
  });
  const details = fc.check(property, { seed: task.seed, numRuns: task.runs, path: task.path, endOnFailure: false });
  const visited = unionVisited(calls);
  const stats = invariants.map((i) => {
    const s = checker.stats.get(i.id)!;
    return [s.checked, s.held, s.violations] as const;
  });
  const counted = { runs, steps, stats, credit: credit.data(), visited, ...(swarm ? { swarm: swarm.sums() } : {}) };
  if (!details.failed) return counted;
  if (!details.counterexample) return { ...counted, error: String(details.errorInstance ?? 'fast-check failed') };
  const [shrunk] = details.counterexample;
  // The run's configuration rides on the array as a symbol, which does not cross threads: name it here.
  const kept = swarmOfRun(shrunk)?.kept.map((g) => g.name);
  return { ...counted, failed: { shrunk, seed: details.seed, path: details.counterexamplePath ?? '', shrinks: details.numShrinks, ...(kept ? { swarm: kept } : {}) } };
}

/** The credit keys of one run's machine coverage: each state it visited, each event it took. */
function runCoverageKeys(visits: Visited): string[] {
  const keys: string[] = [];
  for (const [machine, v] of Object.entries(visits)) {
    for (const state of v.states) keys.push(runStateKey(machine, state));
    for (const event of new Set(v.transitions.map((t) => transitionParts(t).event))) keys.push(runEventKey(machine, event));
  }
  return keys;
}
