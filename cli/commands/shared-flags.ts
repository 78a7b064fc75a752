/**
 * The flags several commands share, defined once: the random-run block (scope, timing, runs,
 * max-steps, seed) of check and conform, rule selection, report outputs (--reports, --json,
 * --junit, --help), and how their values are read and checked.
 */
import type { Scope, Spec, Timing } from '../../properties/spec/types.ts';
import { type FlagSpec, UsageError } from '../args.ts';
import { claimFile } from '../io.ts';
import { didYouMean } from '../../properties/load/diagnostics.ts';
import { catalogueWeights } from '../../properties/engine/bias.ts';

/** The random sequences of check and conform (replay names the same flags for one shrunk run). */
export function randomRunFlags(defaultScopes: string, sameSeed: string, defaultRuns: number): FlagSpec {
  return {
    scope: { type: 'list', help: `scopes from spec/scopes.yaml (default: ${defaultScopes})` },
    timing: { type: 'list', help: 'sync, async or both (default: sync,async)' },
    runs: { type: 'number', help: `random sequences per scope and timing (default ${defaultRuns})` },
    'max-steps': { type: 'number', help: 'operations per sequence (default: the scope\'s maxSteps)' },
    seed: { type: 'number', help: `seed of the generator (default 0): same seed, ${sameSeed}` },
  };
}

export const WEIGHTS_FLAG: FlagSpec = {
  weights: { type: 'string', help: 'fixed generator weights NAME=N,… over the catalogue\'s (no coverage-guided rounds); a counterexample\'s replay line names them' },
};

/** `--weights name=n,…`: the catalogue's weights with these replaced; undefined when the flag is absent. */
export function weightsOf(spec: Spec, text: string | undefined): Map<string, number> | undefined {
  if (text === undefined) return undefined;
  const weights = new Map(catalogueWeights(spec.generators));
  for (const part of text.split(',').filter((p) => p.trim())) {
    const m = /^\s*([a-z0-9-]+)=(\d+)\s*$/.exec(part);
    if (!m) throw new UsageError(`--weights: "${part}" is not NAME=N (a generator of spec/operations.yaml and a whole number)`);
    if (!weights.has(m[1])) throw new UsageError(`--weights: no generator "${m[1]}" in spec/operations.yaml${didYouMean(m[1], weights.keys())}`);
    weights.set(m[1], Number(m[2]));
  }
  if ([...weights.values()].every((w) => w === 0)) throw new UsageError('--weights: every generator weighs 0, nothing can be drawn');
  return weights;
}

export const SWARM_FLAG: FlagSpec = {
  swarm: { type: 'boolean', help: 'swarm testing: each run draws its own subset of the generators and their weights (docs/architecture.md); a counterexample\'s replay line names it' },
};

export const ONLY_FLAG: FlagSpec = {
  only: { type: 'list', help: 'check only these invariants (ids or id prefixes)' },
};

/** --reports, --json, --junit and --help of the commands that write reports/<name>.json and .md. */
export function reportFlags(name: string): FlagSpec {
  return {
    reports: { type: 'string', help: 'report directory (default reports/)' },
    json: { type: 'boolean', help: `print ${name}.json on stdout` },
    junit: { type: 'string', help: 'also write JUnit XML to FILE: a test case per invariant per scope and timing' },
    help: { type: 'boolean', help: 'show this help' },
  };
}

export function scopesOf(spec: Spec, names: readonly string[] | undefined, fallback: readonly string[] = ['small', 'medium']): Scope[] {
  return (names?.length ? names : fallback).map((n) => {
    const s = spec.scopes.find((x) => x.name === n);
    if (!s) throw new UsageError(`unknown scope "${n}"; spec/scopes.yaml has ${spec.scopes.map((x) => x.name).join(', ')}`);
    return s;
  });
}

export function timingsOf(names: readonly string[] | undefined, fallback: Timing[]): Timing[] {
  const list = names?.length ? names : fallback;
  for (const t of list) if (t !== 'sync' && t !== 'async') throw new UsageError(`unknown timing "${t}" (sync or async)`);
  return list as Timing[];
}

export function checkOnly(spec: Spec, only: readonly string[] | undefined): void {
  for (const o of only ?? []) {
    if (!spec.invariants.some((i) => i.id === o || i.id.startsWith(`${o}/`))) throw new UsageError(`--only ${o} names no invariant`);
  }
}

/** The --junit file, checked writable before the run starts (a long check should not fail at its end). */
export function junitFile(flags: Record<string, unknown>): string | undefined {
  const file = flags.junit as string | undefined;
  if (file === undefined) return undefined;
  if (!file.trim()) throw new UsageError('--junit needs a file name');
  claimFile(file, '--junit');
  return file;
}

/** --workers and --shard: the same search spread over threads or machines (docs/parallel.md). */
export function parallelFlags(name: string, what: string): FlagSpec {
  return {
    workers: { type: 'string', help: `worker threads: a number, or auto (one per core); the report is the one a single thread writes (default 1)` },
    shard: { type: 'string', help: `run only the ${what} whose index ≡ I mod N (I/N, from 0; e.g. 0/4) and write ${name}.shard-I-of-N.json for svcspec merge` },
  };
}

export function workersOf(flags: Record<string, unknown>, cores: () => number): number {
  const v = flags.workers as string | undefined;
  if (v === undefined) return 1;
  if (v === 'auto') return cores();
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--workers needs a positive whole number or "auto", got "${v}"`);
  return Number(v);
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function shardOf(flags: Record<string, unknown>): Shard | undefined {
  const v = flags.shard as string | undefined;
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (!m) throw new UsageError(`--shard needs I/N, the 0-based index of this shard over the number of shards (e.g. 0/4), got "${v}"`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1) throw new UsageError(`--shard ${v}: the number of shards must be at least 1`);
  if (index >= count) throw new UsageError(`--shard ${v}: the index counts from 0, so it must be below ${count} (0/${count} … ${count - 1}/${count})`);
  return { index, count };
}

/** The jobs a shard runs: those whose index ≡ I (mod N); all of them without --shard. */
export function shardJobs<T>(jobs: readonly T[], shard: Shard | undefined): { job: T; index: number }[] {
  return jobs.map((job, index) => ({ job, index })).filter(({ index }) => !shard || index % shard.count === shard.index);
}
