// Every recording in test/fixtures/real-traces (see its README for origins and licences), read through the public readers. The expected
// counts were checked by hand against the files (see comments).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace } from '../../../conformance/trace/detect.ts';
import { newStats, type TraceEvent, type TraceStats } from '../../../conformance/trace/event.ts';
import { readWatch } from '../../../conformance/trace/watch.ts';
import { linkerdAsWatch } from './linkerd-fixtures.ts';

const ROOT = join(import.meta.dirname, '../../fixtures/real-traces');

async function collect(it: AsyncIterable<TraceEvent>): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}
const name = (e: TraceEvent) => (e.object.metadata as { name?: string }).name;
const brief = (e: TraceEvent) => `${e.type} ${String(e.object.kind)}/${name(e)}@${e.source.line}:${e.source.column}`;

describe('sonobuoy snapshots (bare arrays of items without kind, kind from the file name)', () => {
  // item counts per file, counted by hand with a JSON viewer
  const expected: Record<string, [string, number]> = {
    'cluster/Nodes.json': ['Node', 3],
    'ns/default/Endpoints.json': ['Endpoints', 1],
    'ns/default/Services.json': ['Service', 1],
    'ns/default/Pods.json': ['Pod', 1], // only in results-0.9
    'ns/heptio-sonobuoy/Endpoints.json': ['Endpoints', 1],
    'ns/heptio-sonobuoy/Pods.json': ['Pod', 5],
    'ns/heptio-sonobuoy/Services.json': ['Service', 1],
    'ns/kube-system/Endpoints.json': ['Endpoints', 5],
    'ns/kube-system/Pods.json': ['Pod', 14],
    'ns/kube-system/Services.json': ['Service', 3],
  };
  for (const run of ['results-0.9', 'results-0.10']) {
    const dir = join(ROOT, 'sonobuoy-snapshots', run);
    for (const [rel, [kind, n]] of Object.entries(expected)) {
      if (run === 'results-0.10' && rel === 'ns/default/Pods.json') continue;
      it(`${run}/${rel}: ${n} ADDED ${kind}`, async () => {
        const evs = await collect(readTrace(join(dir, rel)));
        expect(evs).toHaveLength(n);
        for (const e of evs) {
          expect(e.type).toBe('ADDED');
          expect(e.object.kind).toBe(kind);
          expect(e.detail).toBeUndefined();
        }
        expect(evs[0]!.source).toMatchObject({ line: 1, column: 2, index: 1 }); // just after '['
      });
    }
    it(`${run}: 34/35 objects in all, kube-system Services in file order`, async () => {
      let total = 0;
      for (const rel of Object.keys(expected)) {
        if (run === 'results-0.10' && rel === 'ns/default/Pods.json') continue;
        total += (await collect(readTrace(join(dir, rel)))).length;
      }
      expect(total).toBe(run === 'results-0.9' ? 35 : 34);
      const svcs = await collect(readTrace(join(dir, 'ns/kube-system/Services.json')));
      expect(svcs.map(brief)).toEqual([
        'ADDED Service/calico-etcd@1:2', 'ADDED Service/kube-dns@1:842', 'ADDED Service/kubernetes-dashboard@1:1448']);
      expect(svcs[1]!.time).toBe('2017-12-13T16:59:16Z'); // creationTimestamp: no managedFields in 1.8
    });
    it(`${run}/serverversion.json is not a trace: TRC009`, async () => {
      await expect(collect(readTrace(join(dir, 'serverversion.json'))))
        .rejects.toThrow(/serverversion\.json:1:1: TRC009 cannot tell the format/);
    });
  }
});

describe('falco audit events (one event per file, minikube 2018)', () => {
  const dir = join(ROOT, 'falco-k8s-audit');
  const read = async (f: string) => {
    const stats = newStats();
    const evs = await collect(readTrace(join(dir, f), undefined, { stats }));
    return { evs, stats };
  };
  it('detects all 11 as audit and yields 7 events in all', async () => {
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(11);
    let n = 0;
    for (const f of files) n += (await read(f)).evs.length;
    expect(n).toBe(7); // 3 pod creates, 3 service creates, 1 service delete
  });
  it('pod create at RequestResponse: the full stored Pod', async () => {
    const { evs } = await read('create_nginx_pod_hostnetwork.json');
    expect(evs.map(brief)).toEqual(['ADDED Pod/nginx-deployment-754c877bcd-zh5qx@1:1']);
    expect(evs[0]!.detail).toBe('full');
    expect(evs[0]!.time).toBe('2018-10-26T09:09:28.675492Z'); // stageTimestamp
    expect((evs[0]!.object.spec as { hostNetwork?: boolean }).hostNetwork).toBe(true);
    expect((evs[0]!.object.metadata as { uid?: string }).uid).toBeTypeOf('string');
  });
  it('pod create in kube-system keeps its namespace', async () => {
    const { evs } = await read('create_pod_kube_system_namespace.json');
    expect((evs[0]!.object.metadata as { namespace?: string }).namespace).toBe('kube-system');
  });
  it('service create at Request level: the request body, without clusterIP', async () => {
    for (const f of ['create_service.json', 'create_nginx_service_nodeport.json', 'create_nginx_service_nonodeport.json']) {
      const { evs } = await read(f);
      expect(evs.map(brief)).toEqual(['ADDED Service/nginx@1:1']);
      expect(evs[0]!.detail).toBe('request');
      expect((evs[0]!.object.spec as { clusterIP?: string }).clusterIP).toBeUndefined();
      expect((evs[0]!.object.metadata as { namespace?: string }).namespace).toBe('default');
    }
    const np = (await read('create_nginx_service_nodeport.json')).evs[0]!;
    expect((np.object.spec as { type: string }).type).toBe('NodePort');
  });
  it('service delete at Request level: requestObject is DeleteOptions, so identity only', async () => {
    const { evs, stats } = await read('delete_service.json');
    expect(evs.map(brief)).toEqual(['DELETED Service/nginx@1:1']);
    expect(evs[0]!.detail).toBe('metadata-only');
    expect(evs[0]!.object).toEqual({ kind: 'Service', apiVersion: 'v1', metadata: { namespace: 'default', name: 'nginx' } });
    expect(stats.unseenObjects).toBe(1);
  });
  it('deployments are skipped as an unmodelled kind; exec/attach as non-final stages', async () => {
    for (const f of ['create_deployment.json', 'delete_deployment.json']) {
      const { evs, stats } = await read(f);
      expect(evs).toHaveLength(0);
      expect(stats.skippedKinds).toEqual({ 'deployments.extensions': 1 });
    }
    for (const f of ['exec_pod.json', 'attach_pod.json']) {
      const { evs, stats } = await read(f);
      expect(evs).toHaveLength(0);
      expect(stats.skippedAudit).toEqual({ stage: 1 }); // ResponseStarted (101 Switching Protocols)
    }
  });
});

describe('audit2rbac demo.log (37 Metadata-level JSON lines)', () => {
  it('holds no object changes: 14 list requests and 23 non-resource gets', async () => {
    const stats = newStats();
    const evs = await collect(readTrace(join(ROOT, 'audit2rbac/demo.log'), undefined, { stats }));
    expect(evs).toHaveLength(0);
    expect(stats.skippedAudit).toEqual({ readOnly: 14, nonResource: 23 });
  });
});

describe('linkerd1 GKE fixtures through the test adapter', () => {
  const dir = join(ROOT, 'linkerd1-k8s-fixtures');
  const read = async (f: string, checkOrder = true): Promise<{ evs: TraceEvent[]; stats: TraceStats }> => {
    const stats = newStats();
    const evs: TraceEvent[] = [];
    try {
      for await (const e of readWatch(linkerdAsWatch(join(dir, f)), relative(ROOT, join(dir, f)), { stats, checkOrder })) evs.push(e);
    } catch (err) { (err as { evs?: TraceEvent[] }).evs = evs; throw err; }
    return { evs, stats };
  };

  it('EndpointsNamerTest: 18 events (14 Endpoints, 4 Services), resourceVersions in order', async () => {
    const { evs, stats } = await read('EndpointsNamerTest.jsonl');
    expect(evs).toHaveLength(18);
    expect(evs.filter((e) => e.object.kind === 'Endpoints')).toHaveLength(14);
    expect(evs.filter((e) => e.object.kind === 'Service')).toHaveLength(4);
    expect(evs.map((e) => e.type).join(' ')).toBe(
      'ADDED MODIFIED MODIFIED ADDED ADDED ADDED ADDED ADDED ADDED ADDED ADDED ADDED ADDED MODIFIED MODIFIED MODIFIED MODIFIED MODIFIED');
    expect(evs.map((e) => e.source.line)).toEqual([...Array(18).keys()].map((i) => i + 1));
    expect(stats.unseenObjects).toBe(0);
  });

  it('ApiTest: the fixtures are not one stream: modified2 (rv 4502709) is older than modified0 (4602708)', async () => {
    await expect(read('ApiTest.jsonl')).rejects.toThrow(
      'linkerd1-k8s-fixtures/ApiTest.jsonl:4:1: TRC006 MODIFIED Endpoints/buoy/io has resourceVersion 4502709, older than 4602708');
    const { evs } = await read('ApiTest.jsonl', false);
    // 4 events, an EndpointsList of 3 (kind inferred), 3 ERROR Status events
    expect(evs.map((e) => `${e.type} ${String(e.object.kind)}`)).toEqual([
      'MODIFIED Endpoints', 'ADDED Endpoints', 'MODIFIED Endpoints', 'MODIFIED Endpoints',
      'ADDED Endpoints', 'ADDED Endpoints', 'ADDED Endpoints', 'ERROR Status', 'ERROR Status', 'ERROR Status']);
    expect(evs[4]!.object.apiVersion).toBe('v1');
    expect((evs[9]!.object as { code?: number }).code).toBe(410);
  });

  it('ServiceNamerTest: hand-edited (README) — a MODIFIED of l5d after its DELETED is caught', async () => {
    await expect(read('ServiceNamerTest.jsonl')).rejects.toThrow(
      'ServiceNamerTest.jsonl:7:1: TRC006 MODIFIED Service/pythonsky/l5d has resourceVersion 11624507, older than 11624509');
    const { evs, stats } = await read('ServiceNamerTest.jsonl', false);
    expect(evs).toHaveLength(10); // Init, 4 List items, Modified, Deleted, Created, DeletePort, AddPort
    expect(stats.skippedKinds).toEqual({ Status: 1 }); // the NotFound GET response
  });
});
