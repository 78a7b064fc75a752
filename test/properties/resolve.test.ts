import { describe, expect, it } from 'vitest';
import { type Operation, initialState, observe, step } from '../../model/index.ts';
import { Resolver } from '../../properties/engine/resolve.ts';

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
