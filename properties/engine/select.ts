/** The invariants a check of one timing judges: those declared for it, narrowed by --only (ids or id prefixes). */
import type { Invariant, Spec, Timing } from '../spec/types.ts';

export function selectInvariants(spec: Spec, timing: Timing, only?: readonly string[]): Invariant[] {
  return spec.invariants.filter((i) => i.timings.has(timing) && (!only?.length || only.some((o) => i.id === o || i.id.startsWith(`${o}/`))));
}
