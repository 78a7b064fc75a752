// The model's own runs are traces too: every stream the model exports checks clean, through every
// reader (watch stream, List snapshot, audit log, one watch per kind merged by time).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiObjects, observe } from '../../../model/index.ts';
import { modelSystem } from '../../../properties/engine/system.ts';
import { RecordingImplementation } from '../../../conformance/trace/export.ts';
import { objectsOfObservation } from '../../../conformance/trace/objects.ts';
import { endpointsViewOf, podViewOf, serviceViewOf } from '../../../conformance/trace/observation.ts';
import { checkFiles } from '../../../conformance/trace/run.ts';
import { loadScenario } from '../../../properties/scenario/load.ts';
import { runScenario } from '../../../properties/scenario/run.ts';
import { expandFiles } from '../../../cli/commands/run.ts';
import { type RunOptions, checkText, eventsOf, exported, modelRun, observedRun, outcome, sequences, spec, violated } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'svcspec-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODES: [string, RunOptions][] = [
  ['small, sync', { scope: 'small', timing: 'sync' }],
  ['tiny, sync', { scope: 'tiny', timing: 'sync' }],
  ['small, async with controllers that keep up (internal steps interleaved, none pending when time passes)', { scope: 'small', timing: 'async', prompt: true }],
  ['readiness-race, async with controllers that keep up', { scope: 'readiness-race', timing: 'async', prompt: true }],
];

describe('random model runs, exported as kubectl watch streams, check clean', () => {
  for (const [name, o] of MODES) {
    it(name, async () => {
      let events = 0, healed = 0, membership = 0;
      for (const [i, ops] of sequences(11, 25, o.scope).entries()) {
        const text = exported(modelRun(ops, o, i + 1));
        const r = await checkText(text, { file: `run-${i}.json` });
        expect(violated(r), `run ${i}:\n${r.violations.map((v) => `${v.invariant} ${v.subject}`).join('\n')}`).toEqual([]);
        events += r.events;
        membership += outcome(r, 'endpoints/ready-in-addresses').evaluated;
        // judged after every event, the transient failures between a pod's change and its Endpoints' show, and heal
        const eager = await checkText(text, { file: `run-${i}.json`, deferWindow: false });
        expect(violated(eager)).toEqual([]);
        healed += eager.invariants.reduce((n, x) => n + x.healed, 0);
      }
      expect(events).toBeGreaterThan(200);
      expect(membership).toBeGreaterThan(0);
      // async runs pass through states where the Endpoints lag the pods: the window lets them heal
      if (o.timing === 'async') expect(healed).toBeGreaterThan(0);
    });
  }

  it('the same runs exported through their observations (how any implementation is exported) check clean', async () => {
    for (const [name, o] of MODES) {
      const scope = spec.scopes.find((s) => s.name === o.scope)!;
      for (const [i, templates] of sequences(12, 8, o.scope).entries()) {
        const { ops } = modelRun(templates, o, i + 1);
        const text = observedRun(modelSystem as never, { ...scope.cluster, timing: o.timing }, ops);
        expect(violated(await checkText(text)), `${name}, run ${i}`).toEqual([]);
      }
    }
  });
});

describe('every scenario in examples/scenarios, exported by svcspec run --export-watch', () => {
  it('checks clean', async () => {
    for (const file of expandFiles(['examples/scenarios'])) {
      const impl = new RecordingImplementation();
      await runScenario(impl, loadScenario(file));
      const r = await checkText(exported(impl.steps), { file });
      expect(violated(r), file).toEqual([]);
      expect(r.events).toBeGreaterThan(5);
    }
  });
});

describe('each reader on model-exported recordings', () => {
  const ops = sequences(21, 1)[0]!;
  const steps = modelRun(ops, { scope: 'small' }, 3);
  const text = exported(steps);

  it('a List snapshot of the final state (list reader) checks clean', async () => {
    const last = steps[steps.length - 1]!.state;
    const items = apiObjects(last).map((a) => a.render());
    const f = join(dir, 'snapshot.json');
    writeFileSync(f, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2));
    const r = await checkFiles([f], spec.invariants);
    expect(r.events).toBe(items.length);
    expect(violated(r)).toEqual([]);
  });

  it('the same run as an audit log at RequestResponse level (audit reader) checks clean', async () => {
    const resource: Record<string, [string, string]> = {
      Pod: ['pods', ''], Service: ['services', ''], Endpoints: ['endpoints', ''], Node: ['nodes', ''],
      ReplicationController: ['replicationcontrollers', ''], Ingress: ['ingresses', 'networking.k8s.io'], IngressClass: ['ingressclasses', 'networking.k8s.io'],
    };
    const lines = (await eventsOf(text)).map((e, i) => {
      const m = e.object.metadata as { namespace?: string; name: string; managedFields: { time: string }[] };
      const [res, group] = resource[String(e.object.kind)]!;
      const verb = e.type === 'ADDED' ? 'create' : e.type === 'MODIFIED' ? 'update' : 'delete';
      return JSON.stringify({
        kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'RequestResponse', auditID: `a-${i}`, stage: 'ResponseComplete', verb,
        objectRef: { resource: res, ...(m.namespace ? { namespace: m.namespace } : {}), name: m.name, apiGroup: group, apiVersion: 'v1' },
        responseStatus: { code: verb === 'create' ? 201 : 200 },
        responseObject: verb === 'delete' ? { kind: 'Status', apiVersion: 'v1', status: 'Success' } : e.object,
        requestReceivedTimestamp: m.managedFields[0]!.time, stageTimestamp: m.managedFields[0]!.time,
      });
    });
    const f = join(dir, 'audit.log');
    writeFileSync(f, `${lines.join('\n')}\n`);
    const r = await checkFiles([f], spec.invariants);
    expect(r.events).toBe(lines.length);
    expect(violated(r)).toEqual([]);
  });

  it('one watch per kind, in separate files, merged by recorded time, checks clean', async () => {
    const byKind = new Map<string, string[]>();
    for (const e of await eventsOf(text)) {
      const k = String(e.object.kind);
      byKind.set(k, [...(byKind.get(k) ?? []), JSON.stringify({ type: e.type, object: e.object }, null, 4)]);
    }
    // Endpoints first: at equal times their events come before the pods' and Services' that caused them
    const files = ['Endpoints', 'Pod', 'Service', 'Node', 'ReplicationController'].filter((k) => byKind.has(k)).map((k) => {
      const f = join(dir, `${k}.watch.json`);
      writeFileSync(f, `${byKind.get(k)!.join('\n')}\n`);
      return f;
    });
    const r = await checkFiles(files, spec.invariants);
    expect(violated(r)).toEqual([]);
    expect(r.events).toBe((await eventsOf(text)).length - (byKind.get('Ingress')?.length ?? 0) - (byKind.get('IngressClass')?.length ?? 0));
  });
});

/** Whether the Service of these Endpoints has a selector and is not ExternalName (the controller manages them). */
function managedByController(obs: ReturnType<typeof observe>, o: Record<string, unknown>): boolean {
  const m = o.metadata as { namespace: string; name: string };
  const s = obs.services.find((x) => x.namespace === m.namespace && x.name === m.name);
  return !!s?.selector && s.type !== 'ExternalName';
}

describe('observations and objects are inverse', () => {
  it('views read back from exported objects equal the observation, but for clock readings', () => {
    for (const [i, ops] of sequences(31, 10).entries()) {
      const steps = modelRun(ops, { scope: 'small' }, i);
      const obs = observe(steps[steps.length - 1]!.state);
      const objects = objectsOfObservation(obs).map((a) => a.render() as unknown as Record<string, unknown>);
      const views = {
        services: objects.filter((o) => o.kind === 'Service').map(serviceViewOf),
        pods: objects.filter((o) => o.kind === 'Pod').map(podViewOf),
        endpoints: objects.filter((o) => o.kind === 'Endpoints').map((o) => endpointsViewOf(o, managedByController(obs, o))),
      };
      expect(views.services).toEqual(obs.services.map(({ created: _c, ...s }) => s));
      // `dns` is the resolv.conf the kubelet wrote, not an API field: no object shows it.
      expect(views.pods).toEqual(obs.pods.map(({ dns: _d, ...p }) => ({ ...p, containers: p.containers.map(({ startedAt: _s, probe: _p, ...c }) => c) })));
      expect(views.endpoints).toEqual(obs.endpoints);
      // and the model's own objects read the same way
      const model = apiObjects(steps[steps.length - 1]!.state).sort((a, b) => (a.key < b.key ? -1 : 1)).map((a) => a.render() as unknown as Record<string, unknown>);
      expect(model.filter((o) => o.kind === 'Pod').map(podViewOf)).toEqual(views.pods);
      expect(model.filter((o) => o.kind === 'Service').map(serviceViewOf)).toEqual(views.services);
    }
  });
});
