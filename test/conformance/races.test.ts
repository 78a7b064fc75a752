/**
 * Every race the semantics leave open is a choice the runner adopts: an implementation that takes
 * the other branch of each — another ReplicationController adopts a contested orphan, other pods go
 * in a scale-down among those that rank alike — conforms. The "other branch" is the reference model
 * stepped with a chooser that prefers, for each race, the last of the allowed values instead of the
 * first.
 */
import { describe, expect, it } from 'vitest';
import { type Chooser, type ClusterState, type Operation, initialState, observe, seededChooser, step } from '../../model/index.ts';
import { adopt } from '../../conformance/adoption.ts';
import { observationDifferences } from '../../conformance/compare.ts';
import { LoopbackAdapter } from '../../conformance/loopback-adapter.ts';
import { type ConformOptions, runConform } from '../../conformance/runner.ts';
import type { Wrapper } from '../../conformance/serve-loop.ts';
import { loadSpec } from '../../properties/spec/load.ts';

type Obj = Record<string, any>;
const spec = loadSpec();

/** The reference's own draws, but in every race the last allowed value (the model takes the first). */
const otherBranch: Chooser = { ...seededChooser, prefer: (kind, _subject, among) => (among && (kind === 'adopter' || kind === 'scaleDown') ? [...among].reverse() : undefined) };
const contrarian: Wrapper = { step: (state, op) => step(state, op, otherBranch) };

const rc = (name: string, replicas: number, labels: Obj = { app: 'web' }): Operation =>
  ({ op: 'apply', object: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name }, spec: { replicas, selector: { app: 'web' }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'app' }] } } } } }) as unknown as Operation;
const pod = (name: string, labels: Obj): Operation =>
  ({ op: 'apply', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'app', image: 'app' }] } } }) as unknown as Operation;

/** The runner's model against the other branch, one step at a time: every answer allowed, the same state at the end. */
function lockstep(ops: readonly Operation[]): { model: ClusterState; impl: ClusterState } {
  let model = initialState({});
  let impl = initialState({});
  for (const op of ops) {
    const before = observe(impl);
    const out = step(impl, op, otherBranch);
    const a = adopt(model, op, { result: out.result, before, after: observe(out.state) }, true);
    expect(a.allowed, `${op.op}: ${JSON.stringify(a.differences)}`).toBe(true);
    model = a.outcome.state;
    impl = out.state;
    expect(observationDifferences(observe(model), observe(impl)), JSON.stringify(op)).toEqual([]);
  }
  return { model, impl };
}

const controllerOf = (s: ClusterState, name: string) => observe(s).pods.find((p) => p.name === name)?.controller?.name;

describe('races the runner adopts', () => {
  it('which of two ReplicationControllers adopts an orphan both select', () => {
    const ops = [rc('rc-a', 0), rc('rc-b', 0), pod('orphan', { app: 'web' }), rc('rc-a', 1), rc('rc-b', 1)];
    const model = ops.reduce((s, op) => step(s, op).state, initialState({}));
    const { impl } = lockstep(ops);
    expect(controllerOf(model, 'orphan')).toBe('rc-a');
    expect(controllerOf(impl, 'orphan')).toBe('rc-b');
  });

  it('the contested orphan a pod becomes when one ReplicationController releases it', () => {
    // rc-a adopts the pod as its one replica; relabelled, it leaves rc-a's selector (release) and
    // matches rc-b and rc-c. (Had rc-a deleted it as a surplus, the terminating pod would be
    // neither released nor adopted: FilterActivePods runs before ClaimPods.)
    const narrow = (name: string, app: string, replicas = 0): Operation =>
      ({ op: 'apply', object: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name }, spec: { replicas, selector: { app }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: 'app' }] } } } } }) as unknown as Operation;
    const ops = [pod('p', { app: 'old' }), narrow('rc-a', 'old', 1), narrow('rc-b', 'new'), narrow('rc-c', 'new'), pod('p', { app: 'new' })];
    const { model, impl } = lockstep(ops);
    expect(controllerOf(impl, 'p')).toBe('rc-c');
    expect(controllerOf(model, 'p')).toBe('rc-c');
  });

  it('which pods a scale-down deletes among those that rank alike, created together or not', () => {
    const advance = { op: 'advance', seconds: 10 } as unknown as Operation;
    for (const ops of [[rc('rc', 3), rc('rc', 1)], [rc('rc', 1), advance, rc('rc', 2), rc('rc', 1)]]) {
      const reference = ops.reduce((s, op) => step(s, op).state, initialState({}));
      const { impl } = lockstep(ops);
      const survivor = (s: ClusterState) => observe(s).pods.filter((p) => !p.terminating).map((p) => p.name);
      expect(survivor(impl)).toHaveLength(1);
      expect(survivor(impl)).not.toEqual(survivor(reference));
    }
  });

  it('but never a ready pod while one that is not ready is left', () => {
    const probed = { ...(rc('rc', 2) as Obj) };
    probed.object = structuredClone(probed.object);
    probed.object.spec.template.spec.containers[0].readinessProbe = { exec: { command: ['ls'] } };
    const model = step(initialState({}), probed as Operation).state;
    const [first] = observe(model).pods.filter((p) => p.name.startsWith('rc-')).map((p) => p.name);
    const ready = step(step(model, { op: 'probe', pod: first, result: 'success' } as unknown as Operation).state, { op: 'advance', seconds: 10 } as unknown as Operation).state;
    expect(observe(ready).pods.find((p) => p.name === first)?.ready).toBe(true);
    // The other branch prefers the ready pod, but the ranking puts the pod that is not ready first.
    const out = step(ready, rc('rc', 1), otherBranch).state;
    expect(observe(out).pods.filter((p) => !p.terminating && p.name.startsWith('rc-')).map((p) => p.name)).toEqual([first]);
  });
});

function options(scope: string, o: Partial<ConformOptions> = {}): ConformOptions {
  return { scope: spec.scopes.find((s) => s.name === scope)!, timing: 'sync', runs: 80, maxSteps: 40, seed: 0, settle: 'end', adapter: { command: 'in-process', shell: false, timeoutMs: 1000 }, ...o };
}

describe('an implementation that takes the other branch of every race conforms', () => {
  /** The races the runs below met: each must come up, or the runs prove nothing about it. */
  const met = new Set<string>();
  for (const [scope, timing, seed] of [['medium', 'sync', 0], ['medium', 'sync', 1], ['medium', 'async', 2], ['small', 'sync', 3]] as const) {
    it(`${scope}, ${timing} timing, seed ${seed}`, async () => {
      let contested = 0;
      const counting: Chooser = {
        ...otherBranch,
        prefer: (kind, subject, among) => {
          if (among && among.length > 1) (contested++, met.add(kind));
          return otherBranch.prefer!(kind, subject, among);
        },
      };
      const r = await runConform(spec, options(scope, { timing, seed }), new LoopbackAdapter({ wrapper: { step: (state, op) => step(state, op, counting) } }));
      expect(r.counterexample?.failure, JSON.stringify(r.counterexample?.steps.map((s) => s.op))).toBeUndefined();
      expect(r.verdict).toBe('ok');
      expect(contested, 'the runs contain races').toBeGreaterThan(0);
    }, 300_000);
  }

  it('the runs met both races', () => {
    expect([...met].sort()).toEqual(['adopter', 'scaleDown']);
  });
});
