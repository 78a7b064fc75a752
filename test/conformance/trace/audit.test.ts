// Synthetic audit logs covering the level/verb/status decisions of readAudit.
import { describe, expect, it } from 'vitest';
import { readAudit } from '../../../conformance/trace/audit.ts';
import { newStats, type TraceEvent, type TraceStats } from '../../../conformance/trace/event.ts';

type O = Record<string, unknown>;
let n = 0;
function audit(verb: string, level: string, ref: O, extra: O = {}): O {
  return {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level, auditID: `id-${++n}`, stage: 'ResponseComplete',
    requestURI: '/api/v1/…', verb, objectRef: { apiVersion: 'v1', ...ref },
    responseStatus: { metadata: {}, code: verb === 'create' ? 201 : 200 },
    requestReceivedTimestamp: '2024-05-01T10:00:00.000001Z', stageTimestamp: '2024-05-01T10:00:00.000200Z', ...extra,
  };
}
const svcRef = { resource: 'services', namespace: 'default', name: 'web' };
const stored = (rv: string, extra: O = {}) => ({ kind: 'Service', apiVersion: 'v1',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: rv, ...extra }, spec: { clusterIP: '10.96.0.10' } });

async function read(records: O[], pretty = false): Promise<{ evs: TraceEvent[]; stats: TraceStats }> {
  const stats = newStats();
  const text = records.map((r) => JSON.stringify(r, null, pretty ? 2 : 0)).join('\n');
  const evs: TraceEvent[] = [];
  for await (const e of readAudit(text, 'audit.log', { stats })) evs.push(e);
  return { evs, stats };
}
const brief = (e: TraceEvent) => `${e.type} ${String(e.object.kind)} ${e.detail ?? '-'} ${e.source.line}:${e.source.column}`;

describe('readAudit', () => {
  it('RequestResponse: the stored object, verb mapped to the event type, stageTimestamp as time', async () => {
    const { evs } = await read([
      audit('create', 'RequestResponse', svcRef, { responseObject: stored('5') }),
      audit('update', 'RequestResponse', svcRef, { responseObject: stored('6') }),
      audit('patch', 'RequestResponse', svcRef, { responseObject: stored('7') }),
      audit('delete', 'RequestResponse', svcRef, { responseObject: stored('8') }),
    ]);
    expect(evs.map(brief)).toEqual(['ADDED Service full 1:1', 'MODIFIED Service full 2:1', 'MODIFIED Service full 3:1', 'DELETED Service full 4:1']);
    expect((evs[0]!.object.spec as O).clusterIP).toBe('10.96.0.10');
    expect(evs[0]!.time).toBe('2024-05-01T10:00:00.000200Z');
  });

  it('Request level: create/update use the request body (no server-set fields), patch bodies are not objects', async () => {
    const body = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' } } };
    const { evs } = await read([
      audit('create', 'Request', { resource: 'services', namespace: 'default' }, { requestObject: body }),
      audit('patch', 'Request', svcRef, { requestObject: { spec: { selector: { app: 'web2' } } } }),
    ]);
    expect(evs.map(brief)).toEqual(['ADDED Service request 1:1', 'MODIFIED Service metadata-only 2:1']);
    expect(evs[0]!.object.metadata).toEqual({ name: 'web', namespace: 'default' }); // namespace from the URL
    expect(evs[1]!.object).toEqual({ kind: 'Service', apiVersion: 'v1', metadata: { namespace: 'default', name: 'web' } });
  });

  it('Metadata level: identity only; a generated name cannot be identified (skipped, counted)', async () => {
    const { evs, stats } = await read([
      audit('create', 'Metadata', { resource: 'endpointslices', apiGroup: 'discovery.k8s.io', namespace: 'default', name: 'web-abc', uid: 'u9' }),
      audit('create', 'Metadata', { resource: 'pods', namespace: 'default' }),
    ]);
    expect(evs.map(brief)).toEqual(['ADDED EndpointSlice metadata-only 1:1']);
    expect(evs[0]!.object).toEqual({ kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', metadata: { namespace: 'default', name: 'web-abc', uid: 'u9' } });
    expect(stats.skippedAudit).toEqual({ unnamed: 1 });
  });

  it('graceful deletion is MODIFIED (object still there), the final delete is DELETED', async () => {
    const pod = (extra: O) => ({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', namespace: 'default', resourceVersion: '20', ...extra } });
    const ref = { resource: 'pods', namespace: 'default', name: 'p' };
    const { evs } = await read([
      audit('delete', 'RequestResponse', ref, { responseObject: pod({ deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 30 }) }),
      audit('delete', 'RequestResponse', ref, { responseObject: pod({ deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 0, resourceVersion: '21' }) }),
      audit('delete', 'Metadata', { resource: 'services', namespace: 'default', name: 'x' }, { responseStatus: { code: 202 } }),
    ]);
    expect(evs.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED', 'MODIFIED']);
  });

  it('update answered 201 created the object (Endpoints allow create-on-update)', async () => {
    const { evs } = await read([audit('update', 'Metadata', { resource: 'endpoints', namespace: 'default', name: 'web' }, { responseStatus: { code: 201 } })]);
    expect(evs.map(brief)).toEqual(['ADDED Endpoints metadata-only 1:1']);
  });

  it('status subresource is a MODIFIED of the object; other subresources, reads, failures, stages are counted', async () => {
    const pods = { resource: 'pods', namespace: 'default', name: 'p' };
    const { evs, stats } = await read([
      audit('update', 'Metadata', { ...pods, subresource: 'status' }),
      audit('create', 'Metadata', { ...pods, subresource: 'binding' }),
      audit('get', 'Metadata', pods),
      audit('create', 'Metadata', svcRef, { responseStatus: { code: 409, reason: 'AlreadyExists' } }),
      audit('create', 'Metadata', svcRef, { stage: 'RequestReceived', responseStatus: undefined }),
      audit('deletecollection', 'Metadata', { resource: 'pods', namespace: 'default' }),
      audit('get', 'Metadata', {}, { objectRef: undefined, requestURI: '/healthz' }),
      audit('create', 'Metadata', { resource: 'configmaps', namespace: 'default', name: 'c' }),
    ]);
    expect(evs.map(brief)).toEqual(['MODIFIED Pod metadata-only 1:1']);
    expect(stats.skippedAudit).toEqual({ subresource: 1, readOnly: 1, failed: 1, stage: 1, deletecollection: 1, nonResource: 1 });
    expect(stats.skippedKinds).toEqual({ configmaps: 1 });
  });

  it('pretty-printed events and webhook EventList batches (items without kind)', async () => {
    const a = audit('create', 'RequestResponse', svcRef, { responseObject: stored('5') });
    const pretty = await read([a, a], true);
    expect(pretty.evs.map((e) => e.source.line)).toEqual([1, 1 + JSON.stringify(a, null, 2).split('\n').length]);
    const stats = newStats();
    const evs: TraceEvent[] = [];
    const { kind: _k, ...item } = audit('update', 'RequestResponse', svcRef, { responseObject: stored('6') });
    const batch = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [a, item] });
    for await (const e of readAudit(batch, 'hook.json', { stats })) evs.push(e);
    expect(evs.map(brief)).toEqual(['ADDED Service full 1:75', `MODIFIED Service full 1:${76 + JSON.stringify(a).length}`]);
  });

  it('what is not an audit Event is TRC008 at its position; stale resourceVersions TRC006', async () => {
    const coreEvent = { kind: 'Event', apiVersion: 'v1', involvedObject: { kind: 'Pod' }, reason: 'Scheduled' };
    await expect(read([audit('get', 'Metadata', svcRef), coreEvent])).rejects.toThrow(
      'audit.log:2:1: TRC008 not an audit.k8s.io Event (needs kind "Event", verb and stage)');
    await expect(read([
      audit('update', 'RequestResponse', svcRef, { responseObject: stored('9') }),
      audit('update', 'RequestResponse', svcRef, { responseObject: stored('8') }),
    ])).rejects.toThrow('audit.log:2:1: TRC006 MODIFIED Service/default/web has resourceVersion 8, older than 9');
  });
});
