import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serviceEventKey, serviceMachine, type ServiceEvent, type ServiceInput, type ServiceType } from '../../../model/machines/service.ts';
import { machineTable, matches, stateString } from '../../../model/machines/table.ts';
import { expectAgreement } from './agree.ts';

const table = machineTable(serviceMachine, serviceEventKey);
const setType = (serviceType: ServiceType): ServiceEvent => ({ type: 'SET_TYPE', serviceType });
const SYNC: ServiceEvent = { type: 'CLOUD_SYNC' };
function run(input: ServiceInput, events: ServiceEvent[]) {
  let snap = table.initial(input);
  let actions: readonly string[] = [];
  for (const e of events) ({ snap, actions } = table.next(snap, e));
  return { state: stateString(snap), actions, done: snap.done };
}

describe('service', () => {
  it.each([
    [undefined, 'clusterIP'],
    ['ClusterIP', 'clusterIP'],
    ['NodePort', 'nodePort'],
    ['LoadBalancer', 'loadBalancer.pending'],
    ['ExternalName', 'externalName'],
  ] as const)('starts in the state of its type (%s -> %s), never in the transient "new"', (serviceType, state) => {
    const step = table.initialStep(serviceType ? { serviceType } : undefined);
    expect(stateString(step.snap)).toBe(state);
    expect(step.actions).toEqual([]);
  });

  it('stays pending without a cloud load-balancer controller', () => {
    expect(run({ serviceType: 'LoadBalancer' }, [SYNC, SYNC])).toEqual({ state: 'loadBalancer.pending', actions: [], done: false });
  });

  it('is provisioned by a cloud sync when the cluster has a cloud', () => {
    expect(run({ serviceType: 'LoadBalancer', cloud: true }, [SYNC])).toEqual({
      state: 'loadBalancer.provisioned',
      actions: ['assignLoadBalancerAddress'],
      done: false,
    });
    expect(run({ serviceType: 'LoadBalancer', cloud: true }, [SYNC, SYNC]).actions).toEqual([]);
  });

  it('clears the load-balancer status when the type changes away from LoadBalancer', () => {
    expect(run({ serviceType: 'LoadBalancer', cloud: true }, [SYNC, setType('NodePort')])).toEqual({
      state: 'nodePort',
      actions: ['clearLoadBalancerStatus'],
      done: false,
    });
    expect(run({ serviceType: 'LoadBalancer' }, [setType('ClusterIP')]).actions).toEqual(['clearLoadBalancerStatus']);
  });

  it('treats setting the current type again as a no-op (keeps the provisioned address)', () => {
    expect(run({ serviceType: 'LoadBalancer', cloud: true }, [SYNC, setType('LoadBalancer')])).toEqual({
      state: 'loadBalancer.provisioned',
      actions: [],
      done: false,
    });
  });

  it('becomes a pending LoadBalancer when changed to LoadBalancer, and ignores CLOUD_SYNC elsewhere', () => {
    expect(run({ cloud: true }, [SYNC, setType('LoadBalancer')]).state).toBe('loadBalancer.pending');
  });

  it('releases allocations on delete (after clearing LB status) and is final', () => {
    expect(run({ serviceType: 'NodePort' }, [{ type: 'DELETE' }])).toEqual({ state: 'deleted', actions: ['releaseAllocations'], done: true });
    expect(run({ serviceType: 'LoadBalancer' }, [{ type: 'DELETE' }]).actions).toEqual(['clearLoadBalancerStatus', 'releaseAllocations']);
    expect(run({}, [{ type: 'DELETE' }, { type: 'DELETE' }, setType('NodePort')])).toEqual({ state: 'deleted', actions: [], done: true });
  });

  it('matches parent states', () => {
    const snap = table.initial({ serviceType: 'LoadBalancer' });
    expect(matches(snap, 'loadBalancer')).toBe(true);
    expect(matches(snap, 'loadBalancer.pending')).toBe(true);
    expect(matches(snap, 'loadBalancer.provisioned')).toBe(false);
    expect(matches(snap, 'nodePort')).toBe(false);
  });

  it('agrees with xstate transition() on random event sequences', () => {
    const type = fc.constantFrom<ServiceType>('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName');
    // DELETE is rarer so that most sequences explore the live states before ending.
    const event: fc.Arbitrary<ServiceEvent> = fc.oneof(
      { weight: 4, arbitrary: type.map(setType) },
      { weight: 3, arbitrary: fc.constant(SYNC) },
      { weight: 1, arbitrary: fc.constant<ServiceEvent>({ type: 'DELETE' }) },
    );
    const input = fc.option(fc.record({ cloud: fc.boolean(), serviceType: type }, { requiredKeys: [] }), { nil: undefined });
    fc.assert(fc.property(input, fc.array(event, { maxLength: 30 }), (i, es) => expectAgreement(serviceMachine, table, i, es)));
  });
});
