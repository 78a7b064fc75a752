/**
 * The invariant checker memoises verdicts on the identity of each input an invariant reads.
 * A verdict may be reused only when every input is the very same value: here two invariants
 * read the same two sections (one memo group), and each input is changed alone.
 */
import { describe, expect, it } from 'vitest';
import type { Operation, Result } from '../../model/index.ts';
import { normalizeConfig } from '../../model/index.ts';
import { InvariantChecker, observationForCel } from '../../properties/engine/checker.ts';
import { loadInvariants } from '../../properties/spec/load.ts';

const yaml = `
invariants:
- id: test/as-many-pods-as-services
  statement: When Services exist, there are as many pods as Services.
  sources: ["test"]
  after: any
  timings: [sync]
  trace: none
  when: size(state.services) > 0
  holds: size(state.pods) == size(state.services)
- id: test/some-pod
  statement: When Services exist, some pod exists.
  sources: ["test"]
  after: any
  timings: [sync]
  trace: none
  holds: size(state.pods) > 0 || size(state.services) == 0
- id: test/prime-time
  statement: When time passes, it is never 7.
  sources: ["test"]
  after: any
  timings: [sync]
  trace: none
  holds: state.time != 7
`;

const op = { op: 'advance', seconds: 1 } as unknown as Operation;
const result = { ok: true } as unknown as Result;
const pod = { namespace: 'default', name: 'a' };
const service = { namespace: 'default', name: 'web' };

function observation(pods: readonly object[], services: readonly object[], time = 0): unknown {
  return observationForCel({ time, pods, services, nodes: [], endpoints: [], ingresses: [], proxies: [], replicationControllers: [] } as never);
}

describe('the checker memo', () => {
  const checker = new InvariantChecker(loadInvariants('memo.yaml', yaml), 'sync', normalizeConfig({ timing: 'sync' }));
  const broken = (state: unknown) => checker.checkAll(0, state, op, result, state, []).map((v) => v.invariant.id);
  const pods = Object.freeze([pod]);
  const services = Object.freeze([service]);
  const none = Object.freeze([]);

  it('reuses a verdict only for the very same inputs', () => {
    expect(broken(observation(pods, services))).toEqual([]);
    expect(broken(observation(pods, services))).toEqual([]);
    // The first input changed, the second the same: both rules of the group are judged again.
    expect(broken(observation(none, services))).toEqual(['test/as-many-pods-as-services', 'test/some-pod']);
    // The second input changed alone.
    expect(broken(observation(pods, Object.freeze([service, { ...service, name: 'api' }])))).toEqual(['test/as-many-pods-as-services']);
    expect(broken(observation(pods, none))).toEqual([]);
    // Primitive inputs are told apart by value and type.
    expect(broken(observation(pods, services, 7))).toEqual(['test/prime-time']);
    expect(broken(observation(pods, services, 7.5))).toEqual([]);
    // The text 7 is not the int 7 (and each is told apart after the other was seen).
    expect(broken(observation(pods, services, '7' as never))).toEqual([]);
    expect(broken(observation(pods, services, 7))).toEqual(['test/prime-time']);
  });

  it('counts a memoised verdict as a check whose precondition held or not', () => {
    const c = new InvariantChecker(loadInvariants('memo.yaml', yaml), 'sync', normalizeConfig({ timing: 'sync' }));
    const withServices = observation(pods, services);
    const without = observation(pods, none);
    for (const s of [withServices, withServices, without, without]) c.checkAll(0, s, op, result, s, []);
    expect(c.stats.get('test/as-many-pods-as-services')).toEqual({ checked: 4, held: 2, violations: 0 });
  });

  it('keeps judging right when a group\'s memo starts over at its limit', () => {
    const c = new InvariantChecker(loadInvariants('memo.yaml', yaml), 'sync', normalizeConfig({ timing: 'sync' }), 2);
    const states = [observation(pods, services), observation(none, services), observation(pods, none)];
    for (const s of [...states, ...states]) c.checkAll(0, s, op, result, s, []);
    // Six checks of three distinct inputs: all six distinct verdicts are right either way.
    expect(c.stats.get('test/some-pod')).toEqual({ checked: 6, held: 6, violations: 2 });
  });
});
