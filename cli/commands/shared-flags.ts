/**
 * The flags several commands share, defined once: the random-run block (scope, timing, runs,
 * max-steps, seed) of check and conform, rule selection, report outputs (--reports, --json,
 * --junit, --help), and how their values are read and checked.
 */
import type { Scope, Spec, Timing } from '../../properties/spec/types.ts';
import { type FlagSpec, UsageError } from '../args.ts';
import { claimFile } from '../io.ts';

/** The random sequences of check and conform (replay names the same flags for one shrunk run). */
export function randomRunFlags(defaultScopes: string, sameSeed: string): FlagSpec {
  return {
    scope: { type: 'list', help: `scopes from spec/scopes.yaml (default: ${defaultScopes})` },
    timing: { type: 'list', help: 'sync, async or both (default: sync,async)' },
    runs: { type: 'number', help: 'random sequences per scope and timing (default 200)' },
    'max-steps': { type: 'number', help: 'operations per sequence (default: the scope\'s maxSteps)' },
    seed: { type: 'number', help: `seed of the generator (default 0): same seed, ${sameSeed}` },
  };
}

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
