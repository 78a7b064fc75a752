/**
 * The floor a check run must reach before its "all invariants held" means anything: every
 * invariant's precondition holds at least 100 times and on at least 1% of the steps where it is
 * checked, in each scope and timing it applies to — unless the scope declares, with a reason, that
 * the invariant is out of its reach.
 */
import type { Scope, Timing } from '../spec/types.ts';
import type { InvariantStats } from './checker.ts';

export const FLOOR = { held: 100, share: 0.01 } as const;

/** How many times the precondition must hold, given how often the invariant was checked. */
export function floorTarget(s: Pick<InvariantStats, 'checked'>): number {
  return Math.max(FLOOR.held, Math.ceil(FLOOR.share * s.checked));
}

/** How many more times the precondition must hold to reach the floor (0 when it is met). */
export function floorDeficit(s: Pick<InvariantStats, 'checked' | 'held'>): number {
  return Math.max(0, floorTarget(s) - s.held);
}

/** The scope's reason why an invariant is out of its reach in this timing, if it gives one. */
export function outOfReachReason(scope: Scope, timing: Timing, id: string): string | undefined {
  return scope.outOfReach?.find((x) => x.invariant === id && (!x.timings || x.timings.includes(timing)))?.reason;
}

/** `unchecked`: the scope never drew an operation the rule is checked after (a partial scope's, say). */
export type FloorVerdict =
  | { readonly status: 'met' }
  | { readonly status: 'below'; readonly missing: number }
  | { readonly status: 'out-of-reach'; readonly reason: string }
  | { readonly status: 'unchecked' };

export function floorVerdict(scope: Scope, timing: Timing, id: string, s: Pick<InvariantStats, 'checked' | 'held'>): FloorVerdict {
  const reason = outOfReachReason(scope, timing, id);
  if (reason !== undefined) return { status: 'out-of-reach', reason };
  if (s.checked === 0) return { status: 'unchecked' };
  const missing = floorDeficit(s);
  return missing === 0 ? { status: 'met' } : { status: 'below', missing };
}
