/**
 * Shared check: stepping with machineTable gives exactly what xstate's own transition() gives
 * (value, context, action types, done), step by step from the same initial input.
 */
import { expect } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { MachineTable } from '../../../model/machines/table.ts';

export function expectAgreement<E>(
  machine: AnyStateMachine,
  table: MachineTable<unknown, unknown, E, any>,
  input: unknown,
  events: readonly E[],
): void {
  const init = initialTransition as (m: AnyStateMachine, i?: unknown) => [AnyMachineSnapshot, { type: string }[]];
  let [state, initActions] = init(machine, input);
  const first = table.initialStep(input);
  let snap = first.snap;
  expect({ value: snap.value, context: snap.context, actions: first.actions }).toEqual({
    value: state.value,
    context: state.context,
    actions: initActions.map((a) => a.type),
  });
  for (const event of events) {
    const [next, actions] = transition(machine, state, event as never);
    const step = table.next(snap, event);
    expect({ value: step.snap.value, context: step.snap.context, actions: step.actions, done: step.snap.done }).toEqual({
      value: next.value,
      context: next.context,
      actions: actions.map((a) => a.type),
      done: next.status === 'done',
    });
    state = next;
    snap = step.snap;
  }
}
