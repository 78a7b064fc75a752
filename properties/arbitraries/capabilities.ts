/**
 * Which generators a scope draws, and which of them an implementation can answer: a partial
 * implementation (a data plane, an API server without kubelets) declares in its init answer the
 * operations and object kinds it supports (spec/schema/supports.schema.json), and `conform` draws
 * only generators whose whole chunk lies within them — so the model never runs an operation the
 * implementation was not sent, and the two stay in step.
 */
import type { Supports } from '../../model/index.ts';
import type { GeneratorSpec, Scope } from '../spec/types.ts';

/** The runner's own requests: every implementation answers them, whatever it declares. */
export const ALWAYS_SUPPORTED: ReadonlySet<string> = new Set(['observe', 'settle']);

/** The operations and kinds a generator's chunk may hold (`sync` reaches an adapter as a settle). */
export function generatorNeeds(g: GeneratorSpec): { operations: readonly string[]; kinds: readonly string[] } {
  const operations = [...new Set((g.operations ?? [g.op]).map((op) => (op === 'sync' ? 'settle' : op)))];
  return { operations, kinds: g.kinds ?? (g.kind ? [g.kind] : []) };
}

/** Whether an implementation with these capabilities can answer everything the generator draws. */
export function supportsGenerator(g: GeneratorSpec, supports: Supports | undefined): boolean {
  const { operations, kinds } = generatorNeeds(g);
  const ops = supports?.operations;
  if (ops && !operations.every((op) => ALWAYS_SUPPORTED.has(op) || ops.includes(op as never))) return false;
  const ks = supports?.kinds;
  if (!ks || kinds.length === 0) return true;
  return g.kindPerOperation ? kinds.some((k) => ks.includes(k as never)) : kinds.every((k) => ks.includes(k as never));
}

/** The generators a scope draws, in catalogue order: those it lists, else every one that is not opt-in. */
export function scopeGenerators(generators: readonly GeneratorSpec[], scope: Scope): GeneratorSpec[] {
  const listed = scope.generators && new Set(scope.generators);
  return generators.filter((g) => g.weight > 0 && (listed ? listed.has(g.name) : !g.optIn));
}

/** The generators drawn for an implementation with these capabilities (all of the scope's without). */
export function drawnGenerators(generators: readonly GeneratorSpec[], scope: Scope, supports?: Supports): GeneratorSpec[] {
  return scopeGenerators(generators, scope).filter((g) => supportsGenerator(g, supports));
}
