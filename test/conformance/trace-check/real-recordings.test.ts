// svcspec trace on every recording in test/fixtures/real-traces (real clusters' recordings, Apache-2.0, see its README): real clusters' ordinary
// behaviour checks clean; the fixtures edited by hand (README) are reported for what was edited.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFiles } from '../../../conformance/trace/run.ts';
import { linkerdAsWatch } from '../trace/linkerd-fixtures.ts';
import { checkText, outcome, spec, violated } from './helpers.ts';

const ROOT = join(import.meta.dirname, '../../fixtures/real-traces');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.json') && d.name !== 'serverversion.json')
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name)).sort();
}

describe('sonobuoy snapshots of a real AWS cluster (k8s 1.8, Lists), each run as one cluster', () => {
  for (const run of ['results-0.9', 'results-0.10']) {
    it(`${run}: clean, and the Endpoints rules did check its Endpoints against its Pods`, async () => {
      const r = await checkFiles(filesUnder(join(ROOT, 'sonobuoy-snapshots', run)), spec.invariants);
      expect(violated(r)).toEqual([]);
      expect(r.eventsByKind).toMatchObject({ Service: 5, Endpoints: 7, Node: 3 });
      for (const id of ['endpoints/selected-pods-only', 'endpoints/ready-in-addresses', 'endpoints/complete', 'endpoints/named-port-per-pod', 'service/cluster-ip/unique']) {
        expect(outcome(r, id).verdict, id).toBe('ok');
      }
      // hostNetwork pods (calico-node, kube-proxy) share their node's IP: pod/ip-unique cannot be a trace invariant
      expect(outcome(r, 'pod/ip-unique').mode).toBe('none');
    });
  }
});

describe('falco audit events (minikube 2018), all eleven files as one recording', () => {
  it('is clean; Services known only from Request-level bodies are set aside, not judged', async () => {
    const dir = join(ROOT, 'falco-k8s-audit');
    const r = await checkFiles(readdirSync(dir).sort().map((f) => join(dir, f)), spec.invariants);
    expect(violated(r)).toEqual([]);
    expect(r.eventsByKind).toEqual({ Pod: 3, Service: 4 });
    expect(outcome(r, 'pod/ready-means-containers-ready').verdict).toBe('ok');
    expect(r.skippedKinds).toEqual({ 'deployments.extensions': 2 });
  });
});

describe('audit2rbac demo.log (Metadata level, reads only)', () => {
  it('holds no object changes: nothing to judge, nothing violated', async () => {
    const r = await checkFiles([join(ROOT, 'audit2rbac/demo.log')], spec.invariants);
    expect(r.events).toBe(0);
    expect(violated(r)).toEqual([]);
    expect(outcome(r, 'service/cluster-ip/unique').verdict).toBe('unknown');
  });
});

describe('linkerd1 GKE fixtures, through the test adapter', () => {
  const dir = join(ROOT, 'linkerd1-k8s-fixtures');
  it('ServiceNamerTest (edited by hand): the stale MODIFIED is an error at its position', async () => {
    await expect(checkText(linkerdAsWatch(join(dir, 'ServiceNamerTest.jsonl')), { file: 'ServiceNamerTest.jsonl' }))
      .rejects.toThrow('ServiceNamerTest.jsonl:7:1: TRC006 MODIFIED Service/pythonsky/l5d has resourceVersion 11624507, older than 11624509');
  });
  it('ServiceNamerTest without the order check: foo reusing l5d\'s uid and ClusterIP is reported', async () => {
    const r = await checkText(linkerdAsWatch(join(dir, 'ServiceNamerTest.jsonl')), { file: 'ServiceNamerTest.jsonl', checkOrder: false });
    expect(violated(r)).toEqual(['service/cluster-ip/unique']);
    const v = r.violations[0]!;
    expect(v.subject).toBe('clusterIP 10.199.242.33');
    expect(v.objects.map((o) => (o as { name: string }).name).sort()).toEqual(['foo', 'l5d']);
    expect(v.at).toMatchObject({ type: 'MODIFIED', name: 'l5d', resourceVersion: '11624507', source: { line: 7 } });
    expect(v.events.map((e) => `${e.type} ${e.name} ${e.resourceVersion}`)).toContain('ADDED foo 11624506');
  });
  it('EndpointsNamerTest: its Endpoints stream is clean; its Service fixtures, separate GET responses, share one ClusterIP', async () => {
    // Three of the four hand-assembled Service fixtures (sequential uids) carry 10.199.240.9, and
    // all four are LoadBalancers without nodePorts (they predate allocateLoadBalancerNodePorts, so the
    // default, true, applies): no API server stores either, so the checker says so; everything
    // else in the file is consistent.
    const r = await checkText(linkerdAsWatch(join(dir, 'EndpointsNamerTest.jsonl')), { file: 'EndpointsNamerTest.jsonl' });
    expect(violated(r).sort()).toEqual(['edge/load-balancer-has-node-ports', 'service/cluster-ip/unique']);
    expect(r.violations.map((v) => v.subject).sort()).toEqual(['Service srv/auth', 'Service srv/events', 'Service srv/projects', 'Service srv/sessions', 'clusterIP 10.199.240.9']);
    expect(outcome(r, 'endpoints/selectorless-left-alone').verdict).toBe('ok');
  });
  it('ApiTest: not one stream (TRC006); without the order check its watch ERRORs become warnings', async () => {
    await expect(checkText(linkerdAsWatch(join(dir, 'ApiTest.jsonl')), { file: 'ApiTest.jsonl' })).rejects.toThrow(/ApiTest\.jsonl:4:1: TRC006/);
    const r = await checkText(linkerdAsWatch(join(dir, 'ApiTest.jsonl')), { file: 'ApiTest.jsonl', checkOrder: false });
    expect(violated(r)).toEqual([]);
    expect(r.warnings.filter((w) => w.includes('watch ERROR'))).toHaveLength(3);
    expect(r.warnings[0]).toMatch(/^ApiTest\.jsonl:6:1: watch ERROR event: 401/);
  });
});
