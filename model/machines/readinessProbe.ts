/**
 * One container's readiness, as the kubelet prober worker keeps it (docs/semantics.md B5;
 * KK pkg/kubelet/prober/worker.go doProbe, worker_test.go TestFailureThreshold /
 * TestSuccessThreshold). The stored result flips only after `threshold` consecutive identical
 * results; otherwise the previous result stands. Readiness never restarts a container: this
 * machine has no restart action (only the pod machine restarts containers).
 */
import { assign, setup } from 'xstate';

export type ProbeResult = 'success' | 'failure';
export interface ProbeContext {
  readonly successThreshold: number;
  readonly failureThreshold: number;
  readonly lastResult: 'none' | ProbeResult;
  /** Consecutive identical results, capped at max(thresholds) so contexts stay finite. */
  readonly run: number;
}
/** Defaults as in KK pkg/apis/core/v1/defaults.go. */
export interface ProbeInput { readonly successThreshold?: number; readonly failureThreshold?: number }
export type ProbeEvent = { type: 'PROBE'; result: ProbeResult } | { type: 'RESTART' };

/** The worker's counter update (lastResult/resultRun), capped; the cap keeps `run < threshold` tests exact. */
function nextRun(c: ProbeContext, result: ProbeResult): number {
  const run = c.lastResult === result ? c.run + 1 : 1;
  return Math.min(run, Math.max(c.successThreshold, c.failureThreshold));
}
const reaches = (c: ProbeContext, result: ProbeResult) =>
  nextRun(c, result) >= (result === 'success' ? c.successThreshold : c.failureThreshold);

export const readinessProbeMachine = setup({
  types: {} as { context: ProbeContext; input: ProbeInput | undefined; events: ProbeEvent },
  guards: {
    successReachesThreshold: ({ context, event }) =>
      event.type === 'PROBE' && event.result === 'success' && reaches(context, 'success'),
    failureReachesThreshold: ({ context, event }) =>
      event.type === 'PROBE' && event.result === 'failure' && reaches(context, 'failure'),
  },
  actions: {
    recordResult: assign(({ context, event }) =>
      event.type === 'PROBE' ? { lastResult: event.result, run: nextRun(context, event.result) } : {},
    ),
    // Data for the cluster: the container's `ready` flips (kubelet status update).
    markReady: () => {},
    markNotReady: () => {},
  },
}).createMachine({
  id: 'readinessProbe',
  context: ({ input }) => ({
    successThreshold: input?.successThreshold ?? 1,
    failureThreshold: input?.failureThreshold ?? 3,
    lastResult: 'none',
    run: 0,
  }),
  // Initial result per container is Failure: not ready before the first success.
  initial: 'notReady',
  states: {
    notReady: {
      on: {
        PROBE: [
          { guard: 'successReachesThreshold', target: 'ready', actions: ['recordResult', 'markReady'] },
          { actions: 'recordResult' },
        ],
        // New container id: result reset to the initial value (already notReady here).
        RESTART: {},
      },
    },
    ready: {
      on: {
        PROBE: [
          { guard: 'failureReachesThreshold', target: 'notReady', actions: ['recordResult', 'markNotReady'] },
          { actions: 'recordResult' },
        ],
        // Upstream quirk (KK pkg/kubelet/prober/worker.go doProbe, "new container" branch): on a new
        // container id the worker resets the stored result to the initial value but NOT
        // lastResult/resultRun, so after a restart fewer than successThreshold successes can
        // suffice. We reset readiness and keep `lastResult`/`run` (docs/semantics.md B5, B7.7).
        RESTART: { target: 'notReady', actions: 'markNotReady' },
      },
    },
  },
});

export function probeEventKey(e: ProbeEvent): string {
  return e.type === 'PROBE' ? (e.result === 'success' ? 'S' : 'F') : 'R';
}
