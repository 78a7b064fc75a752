/**
 * Async timing (docs/architecture.md#timing-modes): the kubelet's status write, each Service's endpoints sync
 * and each node's proxy sync are separate internal steps. Until they run, the API, the Endpoints
 * and a node's proxy lag — so a connection from a node whose proxy has not synced still reaches a
 * pod that failed readiness: the reason the endpoints-ready invariants hold only in sync timing.
 */
import { describe, expect, it } from 'vitest';
import { enabledInternalSteps } from '../../../model/index.ts';
import { Cluster, container, execProbe, fromPod, kubiaService, pod } from './harness.ts';

const sync = (controller: 'kubelet' | 'endpoints' | 'proxy', target: string) => ({ op: 'sync', controller, target });
const toKubia = { service: 'kubia', port: 80 };
const onNode1 = fromPod('client-1');
const onNode2 = fromPod('client-2');

/** kubia-1 (exec probe) on node-1 behind the kubia Service, a client on each node; everything settled. */
function asyncCluster(ready: boolean): Cluster {
  const c = new Cluster({ timing: 'async' });
  c.apply(kubiaService());
  c.apply(pod('kubia-1', { node: 'node-1', containers: [container('app', { readinessProbe: execProbe() })] }));
  c.apply(pod('client-1', { node: 'node-1', labels: {} }));
  c.apply(pod('client-2', { node: 'node-2', labels: {} }));
  if (ready) c.ok({ op: 'probe', namespace: 'default', pod: 'kubia-1', result: 'success' });
  c.advance(10);
  c.ok({ op: 'settle' });
  return c;
}

const proxyEndpoints = (c: Cluster, node: string) =>
  c.observe().proxies.find((p) => p.node === node)!.services.find((s) => s.name === 'kubia')!.endpoints.map((e) => e.ip);

describe('async timing', () => {
  it('shows a new pod Pending without an IP until the kubelet writes its status', () => {
    const c = new Cluster({ timing: 'async' });
    c.apply(pod('p'));
    expect(c.pod('p')).toMatchObject({ phase: 'Pending', ip: '', ready: false });
    expect(enabledInternalSteps(c.state)).toContainEqual(sync('kubelet', 'default/p'));
    c.ok(sync('kubelet', 'default/p'));
    expect(c.pod('p')).toMatchObject({ phase: 'Running', ready: true, ip: expect.stringMatching(/^10\.244\./) });
  });

  it('lets a readiness change through the kubelet, the endpoints controller and each proxy one step at a time', () => {
    const c = asyncCluster(false);
    c.ok({ op: 'probe', namespace: 'default', pod: 'kubia-1', result: 'success' });
    c.advance(10); // the kubelet knows: the probe succeeded
    expect(c.pod('kubia-1')?.ready).toBe(false);
    expect(enabledInternalSteps(c.state)).toEqual([sync('kubelet', 'default/kubia-1')]);

    c.ok(sync('kubelet', 'default/kubia-1'));
    expect(c.pod('kubia-1')?.ready).toBe(true);
    expect(c.members('kubia')).toEqual({ ready: [], notReady: ['kubia-1'] });
    expect(enabledInternalSteps(c.state)).toEqual([sync('endpoints', 'default/kubia')]);

    c.ok(sync('endpoints', 'default/kubia'));
    expect(c.members('kubia')).toEqual({ ready: ['kubia-1'], notReady: [] });
    expect(enabledInternalSteps(c.state)).toEqual([sync('proxy', 'node-1'), sync('proxy', 'node-2')]);
    expect(c.connect(onNode1, toKubia)).toEqual({ ok: false, error: 'refused' });

    c.ok(sync('proxy', 'node-1'));
    expect(c.connect(onNode1, toKubia)).toMatchObject({ ok: true, pod: { name: 'kubia-1' } });
    expect(c.connect(onNode2, toKubia)).toEqual({ ok: false, error: 'refused' });
    c.ok(sync('proxy', 'node-2'));
    expect(c.connect(onNode2, toKubia)).toMatchObject({ ok: true, pod: { name: 'kubia-1' } });
    expect(enabledInternalSteps(c.state)).toEqual([]);
  });

  it('still reaches a pod that failed readiness from a node whose proxy has not synced', () => {
    const c = asyncCluster(true);
    expect(c.connect(onNode1, toKubia)).toMatchObject({ ok: true, pod: { name: 'kubia-1' } });
    c.ok({ op: 'probe', namespace: 'default', pod: 'kubia-1', result: 'failure' });
    c.advance(30); // three failures: the kubelet marks the container unready
    c.ok(sync('kubelet', 'default/kubia-1'));
    c.ok(sync('endpoints', 'default/kubia'));
    expect(c.pod('kubia-1')?.ready).toBe(false);
    expect(c.members('kubia')).toEqual({ ready: [], notReady: ['kubia-1'] });
    expect(proxyEndpoints(c, 'node-1')).toEqual([c.pod('kubia-1')!.ip]);
    expect(c.connect(onNode1, toKubia)).toMatchObject({ ok: true, pod: { name: 'kubia-1' } });
    c.ok(sync('proxy', 'node-1'));
    expect(c.connect(onNode1, toKubia)).toEqual({ ok: false, error: 'refused' });
    expect(c.connect(onNode2, toKubia)).toMatchObject({ ok: true, pod: { name: 'kubia-1' } });
  });

  it('keeps a deleted pod in the Endpoints until the endpoints controller syncs', () => {
    const c = asyncCluster(true);
    c.delete('Pod', 'kubia-1');
    expect(c.pod('kubia-1')?.terminating).toBe(true); // deletionTimestamp: the API server’s, visible at once
    expect(c.members('kubia').ready).toEqual(['kubia-1']);
    expect(enabledInternalSteps(c.state)).toContainEqual(sync('endpoints', 'default/kubia'));
    c.ok(sync('endpoints', 'default/kubia'));
    expect(c.members('kubia').ready).toEqual([]);
  });

  it('drains every pending step on `settle`, leaving the proxies programmed as the Endpoints say', () => {
    const c = new Cluster({ timing: 'async' });
    c.apply(kubiaService());
    for (let i = 1; i <= 3; i++) c.apply(pod(`kubia-${i}`));
    expect(enabledInternalSteps(c.state).length).toBeGreaterThan(0);
    c.ok({ op: 'settle' });
    expect(enabledInternalSteps(c.state)).toEqual([]);
    const ready = c.observe().endpoints.find((e) => e.name === 'kubia')!.subsets.flatMap((s) => s.addresses.map((a) => a.ip)).sort();
    expect(ready).toHaveLength(3);
    for (const node of ['node-1', 'node-2']) expect(proxyEndpoints(c, node).sort()).toEqual(ready);
  });

  it('lists pending steps in canonical order: kubelet writes, then endpoints syncs, then proxies', () => {
    const c = new Cluster({ timing: 'async' });
    c.apply(kubiaService());
    c.apply(pod('kubia-2'));
    c.apply(pod('kubia-1'));
    const kinds = enabledInternalSteps(c.state).map((s) => `${s.controller} ${s.target}`);
    expect(kinds).toEqual([
      'kubelet default/kubia-1', 'kubelet default/kubia-2', 'endpoints default/kubia', 'proxy node-1', 'proxy node-2',
    ]);
  });

  it('refuses a sync with nothing pending, changing nothing', () => {
    const c = asyncCluster(true);
    expect(c.refused(sync('endpoints', 'default/kubia')).error.reason).toBe('BadRequest');
    expect(c.refused(sync('proxy', 'node-9')).error.reason).toBe('BadRequest');
  });
});

describe('sync timing', () => {
  it('leaves nothing pending after any step, and refuses `sync`', () => {
    const c = new Cluster();
    c.apply(kubiaService());
    c.apply(pod('kubia-1', { containers: [container('app', { readinessProbe: execProbe() })] }));
    expect(enabledInternalSteps(c.state)).toEqual([]);
    c.ok({ op: 'probe', namespace: 'default', pod: 'kubia-1', result: 'success' });
    c.advance(10);
    expect(enabledInternalSteps(c.state)).toEqual([]);
    expect(c.members('kubia').ready).toEqual(['kubia-1']);
    expect(c.refused(sync('kubelet', 'default/kubia-1')).error.reason).toBe('BadRequest');
    expect(c.ok({ op: 'settle' })).toEqual({ ok: true });
  });
});
