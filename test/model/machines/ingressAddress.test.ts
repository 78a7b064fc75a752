import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ingressAddressMachine, ingressEventKey, type IngressEvent } from '../../../model/machines/ingressAddress.ts';
import { machineTable } from '../../../model/machines/table.ts';
import { expectAgreement } from './agree.ts';

const table = machineTable(ingressAddressMachine, ingressEventKey);
const served = (s: boolean): IngressEvent => ({ type: 'SYNC', served: s });
function run(events: IngressEvent[]) {
  let snap = table.initial();
  let actions: readonly string[] = [];
  for (const e of events) ({ snap, actions } = table.next(snap, e));
  return { state: snap.value, actions, done: snap.done };
}

describe('ingressAddress', () => {
  it('stays pending while no controller serves it (no class, no controller)', () => {
    expect(run([served(false), served(false)])).toEqual({ state: 'pending', actions: [], done: false });
  });

  it('gets an address when a controller serves it, once', () => {
    expect(run([served(true)])).toEqual({ state: 'addressed', actions: ['assignAddress'], done: false });
    expect(run([served(true), served(true)]).actions).toEqual([]);
  });

  it('loses its address when no longer served', () => {
    expect(run([served(true), served(false)])).toEqual({ state: 'pending', actions: ['clearAddress'], done: false });
  });

  it('is final after DELETE', () => {
    expect(run([served(true), { type: 'DELETE' }])).toEqual({ state: 'deleted', actions: ['clearAddress'], done: true });
    expect(run([{ type: 'DELETE' }, served(true)])).toEqual({ state: 'deleted', actions: [], done: true });
  });

  it('agrees with xstate transition() on random event sequences', () => {
    const event = fc.oneof({ weight: 6, arbitrary: fc.boolean().map(served) }, { weight: 1, arbitrary: fc.constant<IngressEvent>({ type: 'DELETE' }) });
    fc.assert(fc.property(fc.array(event, { maxLength: 30 }), (es) => expectAgreement(ingressAddressMachine, table, undefined, es)));
  });
});
