/**
 * traffic/ready-pods-only exempts a Service that publishes not-ready addresses, however the
 * connection reached it. The regression (found by `check --swarm`, seed 0, small scope): a
 * connection to one of the Service's externalIPs was not counted as "through that Service", so a
 * not-ready pod behind a publishNotReadyAddresses Service broke the rule. Without the flag, the
 * same connection is never forwarded to the not-ready pod.
 */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../model/index.ts';
import { normalizeConfig } from '../../model/index.ts';
import { execute } from '../../properties/engine/check.ts';
import { InvariantChecker } from '../../properties/engine/checker.ts';
import { modelSystem } from '../../properties/engine/system.ts';
import { loadSpec } from '../../properties/spec/load.ts';

const spec = loadSpec();
const small = spec.scopes.find((s) => s.name === 'small')!;
const rule = spec.invariants.filter((i) => i.id === 'traffic/ready-pods-only');

/** Two replicas whose exec readiness probe has not succeeded yet, a Service over them at an externalIP, an outside client. */
function run(publishNotReadyAddresses: boolean) {
  const probe = { exec: { command: ['ls', '/var/ready'] } };
  const template = { metadata: { labels: { app: 'web' } }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'app', ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: probe }] } };
  const ops = [
    { op: 'apply', object: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc', namespace: 'other' }, spec: { replicas: 2, selector: { app: 'web' }, template } } },
    { op: 'apply', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'other' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], externalIPs: ['192.0.2.11'], publishNotReadyAddresses } } },
    { op: 'connect', from: { external: true }, to: { ip: '192.0.2.11', port: 80 } },
  ] as unknown as Operation[];
  const checker = new InvariantChecker(rule, 'sync', normalizeConfig({ ...small.cluster, timing: 'sync' }));
  return execute(modelSystem, small, 'sync', ops, checker, true);
}

describe('traffic/ready-pods-only through an externalIP', () => {
  it('a publishNotReadyAddresses Service reaches its not-ready pod there, and the rule allows it', () => {
    const exec = run(true);
    expect(exec.transcript.results.map((r) => r.ok)).toEqual([true, true, true]);
    expect((exec.transcript.results[2] as { pod?: unknown }).pod).toBeDefined();
    expect(exec.violation).toBeUndefined();
  });

  it('without publishNotReadyAddresses the not-ready pods are not reached at all', () => {
    const exec = run(false);
    expect((exec.transcript.results[2] as { pod?: unknown }).pod).toBeUndefined();
    expect(exec.violation).toBeUndefined();
  });
});
