/**
 * The simulated kubelet (docs/contract.md section 2, docs/semantics.md B5): pods start in the step that applies
 * them, readiness probes run at start + initialDelaySeconds + k·periodSeconds, thresholds count
 * consecutive results (KK pkg/kubelet/prober/worker_test.go TestSuccessThreshold /
 * TestFailureThreshold), readiness never restarts a container (e2e "readiness probe that fails
 * should never be ready and never restart"), exits follow restartPolicy, deletion waits out the
 * grace period (KK pkg/registry/core/pod/strategy.go CheckGracefulDelete).
 */
import { describe, expect, it } from 'vitest';
import { Cluster, container, execProbe, pod, podStatus, type Manifest } from './harness.ts';

const withProbe = (name: string, probe: Manifest, o: Manifest = {}) => pod(name, { containers: [container('app', { readinessProbe: probe })], ...o });
const tcpProbe = (extra: Manifest = {}) => ({ tcpSocket: { port: 8080 }, ...extra });
const httpProbe = (extra: Manifest = {}) => ({ httpGet: { path: '/', port: 8080 }, ...extra });
const probeOp = (pod: string, result: 'success' | 'failure') => ({ op: 'probe', namespace: 'default', pod, result });
const listenOp = (pod: string, listening: boolean) => ({ op: 'listen', namespace: 'default', pod, listening });
const exitOp = (pod: string, code: number) => ({ op: 'exit', namespace: 'default', pod, code });

/** Readiness at each whole second from the current time up to `until`, advancing one second at a time. */
function readinessTimeline(c: Cluster, name: string, until: number): boolean[] {
  const out = [c.pod(name)!.ready];
  while (c.observe().time < until) {
    c.advance(1);
    out.push(c.pod(name)!.ready);
  }
  return out;
}

describe('starting pods', () => {
  it('binds, addresses and runs a pod in the step that applies it', () => {
    const c = new Cluster();
    const stored = c.apply(pod('kubia-1'));
    expect(stored.status).toMatchObject({ phase: 'Running', podIP: expect.stringMatching(/^10\.244\./), hostIP: '192.168.0.10' });
    expect(c.pod('kubia-1')).toMatchObject({ node: 'node-1', phase: 'Running', ready: true, containers: [{ name: 'app', ready: true, restartCount: 0 }] });
  });

  it('spreads pods over the nodes and gives each a distinct IP', () => {
    const c = new Cluster();
    for (let i = 0; i < 4; i++) c.apply(pod(`p${i}`));
    const pods = c.observe().pods;
    expect(pods.map((p) => p.node).sort()).toEqual(['node-1', 'node-1', 'node-2', 'node-2']);
    expect(new Set(pods.map((p) => p.ip)).size).toBe(4);
  });

  it('runs a probe due at the very instant the pod starts in that step (initialDelaySeconds 0)', () => {
    const c = new Cluster();
    c.apply(withProbe('p', tcpProbe()));
    expect(c.pod('p')?.ready).toBe(true);
  });
});

describe('the probe schedule', () => {
  it('probes first at start + initialDelaySeconds, then every periodSeconds', () => {
    const c = new Cluster();
    c.advance(3); // the pod starts at t=3
    c.apply(withProbe('p', execProbe({ initialDelaySeconds: 5, periodSeconds: 10 })));
    c.ok(probeOp('p', 'success'));
    expect(readinessTimeline(c, 'p', 8)).toEqual([false, false, false, false, false, true]); // t=3..8: first probe at 8
    c.ok(probeOp('p', 'failure'));
    // Failures at 18, 28 and 38; the third makes it unready (failureThreshold 3).
    const later = readinessTimeline(c, 'p', 38);
    expect(later.lastIndexOf(true)).toBe(29); // t=37
    expect(later.at(-1)).toBe(false);
  });

  it('fails an exec probe until `probe success` (the seed’s `ls /var/ready`)', () => {
    const c = new Cluster();
    c.apply(withProbe('p', execProbe()));
    c.advance(60);
    expect(c.pod('p')?.ready).toBe(false);
    c.ok(probeOp('p', 'success'));
    expect(c.pod('p')?.ready).toBe(false); // the file exists, but no probe has run yet
    c.advance(10);
    expect(c.pod('p')?.ready).toBe(true);
  });

  it.each([['tcpSocket', tcpProbe()], ['httpGet', httpProbe()]])('makes a %s probe follow whether the app listens', (_kind, probe) => {
    const c = new Cluster({ appsListenOnStart: false });
    c.apply(withProbe('p', probe));
    c.advance(20);
    expect(c.pod('p')?.ready).toBe(false);
    c.ok(listenOp('p', true));
    c.advance(10);
    expect(c.pod('p')?.ready).toBe(true);
    c.ok(listenOp('p', false));
    c.advance(20);
    expect(c.pod('p')?.ready).toBe(true); // two failures: still ready
    c.advance(10);
    expect(c.pod('p')?.ready).toBe(false);
  });

  it('lets `probe failure` fail an httpGet probe while the app still listens', () => {
    const c = new Cluster();
    c.apply(withProbe('p', httpProbe({ failureThreshold: 1 })));
    expect(c.pod('p')?.ready).toBe(true);
    c.ok(probeOp('p', 'failure'));
    c.advance(10);
    expect(c.pod('p')?.ready).toBe(false);
  });

  it('needs successThreshold consecutive successes, and one failure at failureThreshold 1 (TestSuccessThreshold S3/F1)', () => {
    const c = new Cluster();
    c.apply(withProbe('p', execProbe({ successThreshold: 3, failureThreshold: 1 })));
    c.ok(probeOp('p', 'success'));
    expect(readinessTimeline(c, 'p', 30).filter((_, i) => i % 10 === 0)).toEqual([false, false, false, true]); // successes at 10, 20, 30
    c.ok(probeOp('p', 'failure'));
    c.advance(10);
    expect(c.pod('p')?.ready).toBe(false);
  });

  it('stays ready through failureThreshold - 1 failures (TestFailureThreshold S1/F3)', () => {
    const c = new Cluster();
    c.apply(withProbe('p', execProbe()));
    c.ok(probeOp('p', 'success'));
    c.advance(10);
    c.ok(probeOp('p', 'failure'));
    c.advance(20);
    expect(c.pod('p')?.ready).toBe(true);
    c.ok(probeOp('p', 'success')); // the run of failures is broken
    c.advance(10);
    c.ok(probeOp('p', 'failure'));
    c.advance(20);
    expect(c.pod('p')?.ready).toBe(true);
    c.advance(10);
    expect(c.pod('p')?.ready).toBe(false);
  });

  it('never restarts a container whose readiness probe keeps failing', () => {
    const c = new Cluster();
    c.apply(withProbe('p', execProbe({ periodSeconds: 1 })));
    c.advance(3600);
    expect(c.pod('p')).toMatchObject({ phase: 'Running', ready: false, containers: [{ ready: false, restartCount: 0 }] });
  });
});

describe('container exits and restartPolicy', () => {
  it('restarts under Always, counting the restart and resetting readiness', () => {
    const c = new Cluster();
    c.apply(withProbe('p', execProbe({ initialDelaySeconds: 5 })));
    c.ok(probeOp('p', 'success'));
    c.advance(5);
    expect(c.pod('p')?.ready).toBe(true);
    c.ok(exitOp('p', 0));
    expect(c.pod('p')).toMatchObject({ phase: 'Running', ready: false, containers: [{ ready: false, restartCount: 1 }] });
    c.advance(5); // the new container is probed after its own initial delay
    expect(c.pod('p')?.ready).toBe(true);
  });

  it.each([
    ['OnFailure', 1, 'Running', 1],
    ['OnFailure', 0, 'Succeeded', 0],
    ['Never', 0, 'Succeeded', 0],
    ['Never', 3, 'Failed', 0],
  ] as const)('under %s, exit code %i leaves the pod %s', (restartPolicy, code, phase, restarts) => {
    const c = new Cluster();
    c.apply(pod('p', { restartPolicy }));
    c.ok(exitOp('p', code));
    expect(c.pod('p')).toMatchObject({ phase, containers: [{ restartCount: restarts }] });
    expect(c.pod('p')?.ready).toBe(phase === 'Running');
  });

  it('keeps a pod Running under Never until its last container has exited', () => {
    const c = new Cluster();
    c.apply(pod('p', { restartPolicy: 'Never', containers: [container('a'), container('b', { ports: [] })] }));
    c.ok({ ...exitOp('p', 1), container: 'a' });
    expect(c.pod('p')).toMatchObject({ phase: 'Running', ready: false });
    c.ok({ ...exitOp('p', 0), container: 'b' });
    expect(c.pod('p')?.phase).toBe('Failed');
  });

  it('refuses to exit a container that is not running', () => {
    const c = new Cluster();
    c.apply(pod('p', { restartPolicy: 'Never' }));
    c.ok(exitOp('p', 0));
    expect(c.refused(exitOp('p', 0)).error.reason).toBe('BadRequest');
  });
});

describe('deletion', () => {
  it('keeps a deleted pod Terminating for its grace period, then removes it', () => {
    const c = new Cluster();
    c.apply(pod('p'));
    c.delete('Pod', 'p');
    expect(c.pod('p')?.terminating).toBe(true);
    c.advance(29);
    expect(c.pod('p')?.terminating).toBe(true);
    c.advance(1);
    expect(c.pod('p')).toBeUndefined();
  });

  it('honours terminationGracePeriodSeconds, 0 meaning at once', () => {
    const c = new Cluster();
    c.apply(pod('quick', { grace: 0 }));
    c.apply(pod('five', { grace: 5 }));
    c.delete('Pod', 'quick');
    c.delete('Pod', 'five');
    expect(c.pod('quick')).toBeUndefined();
    c.advance(5);
    expect(c.pod('five')).toBeUndefined();
  });

  it('removes a pod that has already finished at once', () => {
    const c = new Cluster();
    c.apply(pod('job', { restartPolicy: 'Never' }));
    c.ok(exitOp('job', 0));
    c.delete('Pod', 'job');
    expect(c.pod('job')).toBeUndefined();
  });

  it('removes an unscheduled status-managed pod at once (CheckGracefulDelete: no nodeName → grace 0)', () => {
    const c = new Cluster();
    c.apply(pod('pending', { status: podStatus(undefined, 'Pending', false) }));
    c.delete('Pod', 'pending');
    expect(c.pod('pending')).toBeUndefined();
  });

  it('refuses kubelet operations on a status-managed pod', () => {
    const c = new Cluster();
    c.apply(pod('managed', { node: 'node-1', status: podStatus('1.2.3.4') }));
    for (const op of [probeOp('managed', 'success'), listenOp('managed', false), exitOp('managed', 1)]) {
      expect(c.refused(op).error.reason).toBe('BadRequest');
    }
  });
});
