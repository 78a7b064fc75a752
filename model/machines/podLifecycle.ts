/**
 * Pod lifecycle: the phase a pod reports plus the Terminating/Gone tail of deletion.
 * The machine decides restarts per container exit (restartPolicy); the cluster, which knows
 * all containers, decides the terminal phase and sends ALL_TERMINATED.
 * Sources: WEB pod-lifecycle.md (phases, restartPolicy, termination), docs/semantics.md B5 (probes
 * never restart), B1.2 (terminal phases leave Endpoints).
 */
import { setup } from 'xstate';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';
export interface PodContext { readonly restartPolicy: RestartPolicy }
export interface PodInput { readonly restartPolicy?: RestartPolicy }
export type PodEvent =
  | { type: 'STARTED' }
  | { type: 'CONTAINER_EXITED'; code: number }
  | { type: 'ALL_TERMINATED'; failed: boolean }
  | { type: 'DELETE' }
  | { type: 'GRACE_EXPIRED' };

const toTerminating = { target: 'Terminating', actions: 'startGracePeriod' } as const;

export const podLifecycleMachine = setup({
  types: {} as { context: PodContext; input: PodInput | undefined; events: PodEvent },
  guards: {
    // Always restarts every exit; OnFailure only non-zero exits; Never none.
    shouldRestart: ({ context, event }) =>
      event.type === 'CONTAINER_EXITED' &&
      (context.restartPolicy === 'Always' || (context.restartPolicy === 'OnFailure' && event.code !== 0)),
    anyFailed: ({ event }) => event.type === 'ALL_TERMINATED' && event.failed,
  },
  // Named no-op actions: the cluster reads their types as data; nothing runs here.
  actions: {
    restartContainer: () => {},
    containerTerminated: () => {},
    startGracePeriod: () => {},
  },
}).createMachine({
  id: 'podLifecycle',
  context: ({ input }) => ({ restartPolicy: input?.restartPolicy ?? 'Always' }),
  initial: 'Pending',
  states: {
    Pending: { on: { STARTED: 'Running', DELETE: toTerminating } },
    Running: {
      on: {
        // Targetless: the pod stays Running (no re-entry), only the action is data.
        CONTAINER_EXITED: [{ guard: 'shouldRestart', actions: 'restartContainer' }, { actions: 'containerTerminated' }],
        ALL_TERMINATED: [{ guard: 'anyFailed', target: 'Failed' }, { target: 'Succeeded' }],
        DELETE: toTerminating,
      },
    },
    Succeeded: { on: { DELETE: toTerminating } },
    Failed: { on: { DELETE: toTerminating } },
    Terminating: {
      on: {
        // The kubelet is killing the pod: an exiting container is recorded, never restarted.
        CONTAINER_EXITED: { actions: 'containerTerminated' },
        GRACE_EXPIRED: 'Gone',
      },
    },
    Gone: { type: 'final' },
  },
});

/** Cheap event key for the table (the default stable JSON also works). */
export function podEventKey(e: PodEvent): string {
  switch (e.type) {
    case 'CONTAINER_EXITED':
      return 'X' + e.code;
    case 'ALL_TERMINATED':
      return e.failed ? 'AF' : 'AS';
    default:
      return e.type;
  }
}
