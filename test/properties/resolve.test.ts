import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Operation, initialState, observe, step } from '../../model/index.ts';
import { sequenceArb } from '../../properties/arbitraries/operations.ts';
import { Resolver, resolvesToItself } from '../../properties/engine/resolve.ts';
import { loadSpec } from '../../properties/spec/load.ts';

type Obj = Record<string, any>;

const statusPod = (name: string, phase: string): Operation =>
  ({
    op: 'apply',
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: 'web' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'app' }] },
      status: { phase, podIP: '10.244.0.7', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', ready: false, restartCount: 0 }] },
    },
  }) as unknown as Operation;

const phaseOf = (op: Operation) => ((op as Obj).object as Obj).status.phase;

describe('resolving a status-managed pod\'s status', () => {
  it('keeps a pod that has ended in its terminal phase, as a kubelet does', () => {
    const failed = observe(step(initialState({ nodes: ['node-1'] }), statusPod('a', 'Failed')).state);
    const r = new Resolver();
    const revived = statusPod('a', 'Running');
    ((revived as Obj).object as Obj).status.conditions = [{ type: 'Ready', status: 'True' }];
    ((revived as Obj).object as Obj).status.containerStatuses[0].ready = true;
    const kept = ((r.resolve(revived, failed) as Obj).object as Obj).status;
    expect(kept.phase).toBe('Failed');
    // Unready, with the IP it had: what the kubelet writes for a pod that has ended.
    expect(kept.conditions).toEqual([{ type: 'Ready', status: 'False' }]);
    expect(kept.containerStatuses[0].ready).toBe(false);
    expect(kept.podIP).toBe('10.244.0.7');
    expect(phaseOf(r.resolve(statusPod('a', 'Succeeded'), failed))).toBe('Succeeded');
  });

  it('leaves every other status as generated: a live pod, a new pod', () => {
    const running = observe(step(initialState({ nodes: ['node-1'] }), statusPod('a', 'Running')).state);
    const r = new Resolver();
    expect(phaseOf(r.resolve(statusPod('a', 'Failed'), running))).toBe('Failed');
    expect(phaseOf(r.resolve(statusPod('b', 'Running'), running))).toBe('Running');
  });
});

describe('templates that resolve to themselves (what conform sends a step ahead)', () => {
  const spec = loadSpec();

  it('resolve to themselves in every state and after any history, and the others are told apart', () => {
    let itself = 0;
    let not = 0;
    for (const name of ['small', 'medium', 'dataplane', 'control-plane', 'dns']) {
      const scope = spec.scopes.find((s) => s.name === name)!;
      fc.assert(
        fc.property(sequenceArb(spec.generators, scope, spec.domains, 12), (templates) => {
          // Two resolvers that have seen different histories, and every state along the run.
          const resolver = new Resolver();
          let state = initialState({ ...scope.cluster, timing: 'sync' });
          const empty = observe(state);
          for (const t of templates) {
            const obs = observe(state);
            if (resolvesToItself(t)) {
              itself++;
              expect(resolver.resolve(t, obs)).toEqual(t);
              expect(new Resolver().resolve(t, empty)).toEqual(t);
            } else not++;
            const op = resolver.resolve(t, obs);
            const out = step(state, op);
            resolver.record(op, out.result.ok);
            state = out.state;
          }
        }),
        { seed: 11, numRuns: 40 },
      );
    }
    expect(itself).toBeGreaterThan(200);
    expect(not).toBeGreaterThan(50);
  });

  it('are not: a reference, a directive, a sync of an internal step, a kubelet\'s pod status', () => {
    expect(resolvesToItself({ op: 'advance', seconds: 10 } as Operation)).toBe(true);
    expect(resolvesToItself({ op: 'connect', from: { pod: 'a' }, to: { ip: '$clusterIP:default/web', port: 80 } } as unknown as Operation)).toBe(false);
    expect(resolvesToItself({ op: 'apply', object: { kind: 'Pod', $relabel: { namespace: 'default', pod: 'a', labels: {} } } } as unknown as Operation)).toBe(false);
    expect(resolvesToItself({ op: 'sync', target: '$internal#2' } as unknown as Operation)).toBe(false);
    expect(resolvesToItself(statusPod('a', 'Running'))).toBe(false);
  });
});
