import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  endpointMembershipMachine,
  membershipEventKey,
  type Membership,
  type MembershipEvent,
  type MembershipFacts,
} from '../../../model/machines/endpointMembership.ts';
import { machineTable } from '../../../model/machines/table.ts';
import { expectAgreement } from './agree.ts';

const table = machineTable(endpointMembershipMachine, membershipEventKey);
const KEYS = ['selected', 'hasIP', 'terminal', 'terminating', 'podReady', 'publishNotReady'] as const;
const allFacts: MembershipFacts[] = Array.from({ length: 64 }, (_, n) =>
  Object.fromEntries(KEYS.map((k, i) => [k, Boolean(n & (1 << i))])) as unknown as MembershipFacts,
);
const evaluate = (f: MembershipFacts): MembershipEvent => ({ type: 'EVALUATE', ...f });

/** docs/semantics.md B1.2/B1.3/B1.8 restated independently of the machine's guard order. */
function expected(f: MembershipFacts): Membership {
  const eligible = f.selected && f.hasIP && !f.terminal && (!f.terminating || f.publishNotReady);
  if (eligible) return f.publishNotReady || f.podReady ? 'ready' : 'notReady';
  // Out of v1 Endpoints; EndpointSlice still lists it serving+terminating when Ready.
  const inSlice = f.selected && f.hasIP && !f.terminal;
  return inSlice && f.terminating && f.podReady ? 'terminatingServing' : 'notSelected';
}

/** One snap per state, reached from the initial state. */
const from: Record<Membership, ReturnType<typeof table.initial>> = {
  notSelected: table.initial(),
  notReady: table.next(table.initial(), evaluate({ selected: true, hasIP: true, terminal: false, terminating: false, podReady: false, publishNotReady: false })).snap,
  ready: table.next(table.initial(), evaluate({ selected: true, hasIP: true, terminal: false, terminating: false, podReady: true, publishNotReady: false })).snap,
  terminatingServing: table.next(table.initial(), evaluate({ selected: true, hasIP: true, terminal: false, terminating: true, podReady: true, publishNotReady: false })).snap,
};
const base: MembershipFacts = { selected: true, hasIP: true, terminal: false, terminating: false, podReady: true, publishNotReady: false };

describe('endpointMembership', () => {
  it('starts notSelected', () => expect(table.initial().value).toBe('notSelected'));

  it('reached each state for the truth-table test', () => {
    for (const [state, snap] of Object.entries(from)) expect(snap.value).toBe(state);
  });

  it('follows the truth table from every state (membership depends on the facts only)', () => {
    for (const snap of Object.values(from)) {
      for (const f of allFacts) expect([f, table.next(snap, evaluate(f)).snap.value]).toEqual([f, expected(f)]);
    }
  });

  // Named after KK endpoints_controller_test.go TestSyncServiceAddresses cases and the e2e test.
  it.each([
    ['pod pending phase container ready', base, 'ready'],
    ['pod not ready', { ...base, podReady: false }, 'notReady'],
    ['pod running phase being deleted (Ready, no publishNotReady)', { ...base, terminating: true }, 'terminatingServing'],
    ['pod being deleted and not ready', { ...base, terminating: true, podReady: false }, 'notSelected'],
    ['pod running phase and tolerate unready being deleted', { ...base, terminating: true, podReady: false, publishNotReady: true }, 'ready'],
    ['evicted (Failed) pod even with publishNotReadyAddresses', { ...base, terminal: true, publishNotReady: true }, 'notSelected'],
    ['pod without an IP', { ...base, hasIP: false, publishNotReady: true }, 'notSelected'],
    ['pod not selected', { ...base, selected: false }, 'notSelected'],
  ] as [string, MembershipFacts, Membership][])('%s -> %s', (_name, facts, state) => {
    expect(table.next(table.initial(), evaluate(facts)).snap.value).toBe(state);
  });

  it('gives the 64 fact combinations 64 distinct table keys', () => {
    expect(new Set(allFacts.map((f) => membershipEventKey(evaluate(f)))).size).toBe(64);
  });

  it('emits no actions (membership is read from the state)', () => {
    for (const snap of Object.values(from)) for (const f of allFacts) expect(table.next(snap, evaluate(f)).actions).toEqual([]);
  });

  it('agrees with xstate transition() on random event sequences', () => {
    const event = fc.constantFrom(...allFacts).map(evaluate);
    fc.assert(fc.property(fc.array(event, { maxLength: 30 }), (es) => expectAgreement(endpointMembershipMachine, table, undefined, es)));
  });
});
