/**
 * In async timing an implementation's controllers may be ahead of the model's: how far they have
 * got is the implementation's to decide (docs/adapter.md section 5). An API answer that a pending
 * internal step explains is allowed, and the model adopts that the step happened. The regression:
 * `delete Endpoints` right after the Service was created, answered ok by an implementation whose
 * endpoints controller had already written them, was reported as a divergence (only NotFound was
 * allowed).
 */
import { describe, expect, it } from 'vitest';
import { type ClusterState, type Operation, enabledInternalSteps, initialState, observe, step } from '../../model/index.ts';
import { adopt } from '../../conformance/adoption.ts';
import { LoopbackAdapter } from '../../conformance/loopback-adapter.ts';
import { type Context, execute } from '../../conformance/lockstep.ts';
import { type ConformOptions, runConform } from '../../conformance/runner.ts';
import type { Wrapper } from '../../conformance/serve-loop.ts';
import { InvariantChecker } from '../../properties/engine/checker.ts';
import { selectInvariants } from '../../properties/engine/check.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { normalizeConfig } from '../../model/index.ts';

const spec = loadSpec();
const small = spec.scopes.find((s) => s.name === 'small')!;

const service: Operation = { op: 'apply', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } } } as unknown as Operation;
const deleteEndpoints: Operation = { op: 'delete', kind: 'Endpoints', namespace: 'default', name: 'web' } as unknown as Operation;

/** The reference with every controller done within the step (settles after each operation that changes something). */
const eager: Wrapper = {
  step(state, op, next) {
    const out = next(state, op);
    return ['observe', 'resolve', 'env', 'ping'].includes(op.op) ? out : { state: next(out.state, { op: 'settle' } as Operation).state, result: out.result };
  },
};

type Rc = { metadata: object; spec: { replicas: number; selector: object; template: { metadata: object; spec: Record<string, unknown> } } };

const rcOp = (app: string, replicas: number): Operation =>
  ({ op: 'apply', object: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { replicas, selector: { app }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: 'app' }] } } } } }) as unknown as Operation;
const withoutReplicas = (rc: Rc): Rc => ({ ...rc, spec: { ...rc.spec, replicas: 0 } });

/**
 * An implementation whose replication manager acts a request late (as a real one does, on its own
 * time): the API stores a ReplicationController's apply at once as `stored` leaves it (what the
 * manager has done by then) and answers it as asked; before the next request other than an
 * observe, the apply is done in full, as `done` makes it.
 */
function lateManager(stored: (rc: Rc) => Rc, done: (rc: Rc) => Rc = (rc) => rc): Wrapper {
  let late: Operation | undefined;
  return {
    step(state, op, next) {
      const object = (op as unknown as { object?: Rc & { kind?: string } }).object;
      if (op.op === 'apply' && object?.kind === 'ReplicationController') {
        const out = next(state, { ...op, object: stored(object) } as unknown as Operation);
        late = { ...op, object: done(object) } as unknown as Operation;
        const applied = (out.result as unknown as { object: object }).object;
        return { state: out.state, result: { ...out.result, object: { ...applied, spec: object.spec } } as never };
      }
      if (late && op.op !== 'observe') {
        state = next(state, late).state;
        late = undefined;
      }
      return next(state, op);
    },
  };
}

/** `ops` in lockstep, async timing in the small scope, every rule and every comparison on. */
function runAsync(wrapper: Wrapper, ops: readonly Operation[], settle: Context['settle']) {
  const config = normalizeConfig({ ...small.cluster, timing: 'async' });
  const ctx: Context = { scope: small, timing: 'async', settle, resultReaders: new Set(), sent: [], answered: 0 };
  const mode = { checker: new InvariantChecker(selectInvariants(spec, 'async'), 'async', config), count: false, compare: true };
  return execute(new LoopbackAdapter({ wrapper, seed: 7 }), ctx, ops, mode);
}

describe('controllers ahead of the model, async timing', () => {
  it('allows delete Endpoints answered ok right after the Service is created, and adopts the sync', () => {
    let model: ClusterState = step(initialState({ timing: 'async' }), service).state;
    expect(enabledInternalSteps(model).map((s) => `${s.controller} ${s.target}`)).toContain('endpoints default/web');
    expect(step(model, deleteEndpoints).result).toMatchObject({ ok: false, error: { reason: 'NotFound' } });
    const impl = eager.step!(initialState({ timing: 'async' }), service, step).state;
    const out = step(impl, deleteEndpoints);
    expect(out.result.ok).toBe(true);
    const a = adopt(model, deleteEndpoints, { result: out.result, before: observe(impl), after: observe(out.state) }, true);
    expect(a.allowed).toBe(true);
    expect(a.ahead).toEqual([{ op: 'sync', controller: 'endpoints', target: 'default/web' }]);
    model = a.outcome.state;
    expect(model.endpoints.has('default/web')).toBe(false);
    // A NotFound is still allowed (the controller had not synced), and an answer no interleaving gives is not.
    expect(adopt(step(initialState({ timing: 'async' }), service).state, deleteEndpoints, { result: step(model, deleteEndpoints).result, before: observe(impl), after: observe(impl) }, true).allowed).toBe(true);
    const conflict = { ok: false, error: { reason: 'Conflict', message: 'x' } } as never;
    expect(adopt(step(initialState({ timing: 'async' }), service).state, deleteEndpoints, { result: conflict, before: observe(impl), after: observe(impl) }, true).allowed).toBe(false);
  });

  it('the sequence that raised it passes through the runner', async () => {
    const invariants = selectInvariants(spec, 'async');
    const config = normalizeConfig({ ...small.cluster, timing: 'async' });
    const ctx: Context = { scope: small, timing: 'async', settle: 'end', resultReaders: new Set(), sent: [], answered: 0 };
    const mode = { checker: new InvariantChecker(invariants, 'async', config), count: false, compare: true };
    const exec = await execute(new LoopbackAdapter({ wrapper: eager }), ctx, [service, deleteEndpoints], mode);
    expect(exec.failure, JSON.stringify(exec.failure)).toBeUndefined();
    expect(exec.divergence).toBeUndefined();
    expect(exec.steps.map((s) => [s.op.op, s.implementation.ok])).toEqual([['apply', true], ['delete', true], ['settle', true]]);
  });

  it('adopts the names a late replication manager gives its pods, from the observation that first shows them', async () => {
    // The implementation's manager makes the pods one request after the apply (as the real one
    // does, on its own time); the model's makes them within the apply, with names of its own.
    const exec = await runAsync(lateManager(withoutReplicas), [rcOp('web', 2)], 'end');
    expect(exec.failure, JSON.stringify(exec.failure)).toBeUndefined();
    expect(exec.divergence, JSON.stringify(exec.divergence)).toBeUndefined();
  });

  it('adopts the nodes a late replication manager places its pods on, from the observation that first shows them (F22)', async () => {
    // The implementation's manager makes its pods at the settle after the apply and its scheduler
    // puts them on node-2; the model's made them within the apply and placed them blind (the
    // apply's observation showed no pods), on the emptiest node, node-1. Replaying the apply with
    // the learned names alone would leave them there.
    const onNode2 = (rc: Rc): Rc => ({ ...rc, spec: { ...rc.spec, template: { ...rc.spec.template, spec: { ...rc.spec.template.spec, nodeName: 'node-2' } } } });
    const exec = await runAsync(lateManager(withoutReplicas, onNode2), [rcOp('web', 2)], 'each');
    expect(exec.failure, JSON.stringify(exec.failure)).toBeUndefined();
    expect(exec.divergence, JSON.stringify(exec.divergence)).toBeUndefined();
    expect(exec.steps.map((s) => s.op.op)).toEqual(['apply', 'settle']);
  });

  it('gives the later pods of a late manager their own names after it released its first ones (F26)', async () => {
    // The RC's first pods are released when its selector changes and stay; its new pod appears a
    // step late. Learned from the latest observation alone, that one name went to the replayed
    // first apply, and the model's pods had other names than the implementation's.
    const exec = await runAsync(lateManager(withoutReplicas), [rcOp('web', 2), rcOp('api', 1)], 'each');
    expect(exec.failure, JSON.stringify(exec.failure)).toBeUndefined();
    expect(exec.divergence, JSON.stringify(exec.divergence)).toBeUndefined();
    expect(exec.steps.map((s) => s.op.op)).toEqual(['apply', 'settle', 'apply', 'settle']);
  });

  it('compares observations only after a settle: a replication manager may act after the API answered (F27)', async () => {
    // The model's manager adopts the running pod and deletes it as surplus within the apply (grace
    // 0: gone at once, nothing left pending); the implementation's acts at the next request.
    const pod = { op: 'apply', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { app: 'web' } }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'app' }] } } } as unknown as Operation;
    // Until then its manager has not looked at the pods: stored with a selector nothing matches.
    const idle = (): Rc => (rcOp('none', 0) as unknown as { object: Rc }).object;
    const exec = await runAsync(lateManager(idle), [pod, rcOp('web', 0)], 'each');
    expect(exec.failure, JSON.stringify(exec.failure)).toBeUndefined();
    expect(exec.divergence, JSON.stringify(exec.divergence)).toBeUndefined();
    expect(exec.steps.map((s) => s.op.op)).toEqual(['apply', 'settle', 'apply', 'settle']);
  });

  it('adopts the victims a late replication manager deletes at the settle after the model chose its own (F35)', async () => {
    // The model's manager scales 3 → 2 within the apply and deletes the pod it made last; the
    // implementation's answers the apply first (its manager idle: stored with a selector nothing
    // matches) and at the next request deletes the pod it made first, then takes the other two.
    let applies = 0;
    let late: Operation[] = [];
    const lateOldestFirst: Wrapper = {
      step(state, op, next) {
        const object = (op as unknown as { object?: Rc & { kind?: string } }).object;
        if (op.op === 'apply' && object?.kind === 'ReplicationController' && ++applies === 2) {
          const oldest = state.pods.values().filter((p) => p.key.startsWith('default/rc-')).sort((a, b) => a.seq - b.seq)[0];
          late = [{ op: 'delete', kind: 'Pod', namespace: 'default', name: oldest.object.metadata.name } as unknown as Operation, op];
          const out = next(state, rcOp('none', 0));
          const applied = (out.result as unknown as { object: object }).object;
          return { state: out.state, result: { ...out.result, object: { ...applied, spec: object.spec } } as never };
        }
        if (late.length && op.op !== 'observe') {
          for (const l of late) state = next(state, l).state;
          late = [];
        }
        return next(state, op);
      },
    };
    const exec = await runAsync(lateOldestFirst, [rcOp('web', 3), rcOp('web', 2)], 'each');
    expect(exec.failure, JSON.stringify(exec.failure)).toBeUndefined();
    expect(exec.divergence, JSON.stringify(exec.divergence)).toBeUndefined();
    expect(exec.steps.map((s) => s.op.op)).toEqual(['apply', 'settle', 'apply', 'settle']);
  });

  it('an implementation whose controllers are always done conforms in async timing', async () => {
    const o: ConformOptions = { scope: small, timing: 'async', runs: 60, maxSteps: 30, seed: 5, settle: 'never', adapter: { command: 'in-process', shell: false, timeoutMs: 1000 } };
    const r = await runConform(spec, o, new LoopbackAdapter({ wrapper: eager }));
    expect(r.counterexample?.failure, JSON.stringify(r.counterexample?.steps.map((s) => s.op))).toBeUndefined();
    expect(r.verdict).toBe('ok');
  }, 300_000);
});
