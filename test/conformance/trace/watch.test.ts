// Synthetic watch streams as kubectl prints them: pretty-printed values one after another, and
// JSON lines; Lists in front; malformed streams with exact positions.
import { describe, expect, it } from 'vitest';
import { OrderTracker, TraceError, newStats, type TraceEvent } from '../../../conformance/trace/event.ts';
import { readWatch } from '../../../conformance/trace/watch.ts';

const svc = (name: string, rv: string, extra: Record<string, unknown> = {}) =>
  ({ kind: 'Service', apiVersion: 'v1', metadata: { name, namespace: 'default', resourceVersion: rv, ...extra }, spec: { clusterIP: '10.0.0.1' } });
const ev = (type: string, object: unknown) => ({ type, object });
const pretty = (vs: unknown[]) => vs.map((v) => JSON.stringify(v, null, 4)).join('\n') + '\n';
const lines = (vs: unknown[]) => vs.map((v) => JSON.stringify(v)).join('\n') + '\n';

async function read(text: string, opts = {}): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of readWatch(text, 'w.json', opts)) out.push(e);
  return out;
}
const at = (e: TraceEvent) => `${e.source.line}:${e.source.column}`;

describe('readWatch: well-formed streams', () => {
  const events = [ev('ADDED', svc('a', '10')), ev('MODIFIED', svc('a', '11')), ev('DELETED', svc('a', '12'))];

  it('pretty-printed, one value after another: positions are where each value starts', async () => {
    const text = pretty(events);
    const got = await read(text);
    expect(got.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const perValue = JSON.stringify(events[0], null, 4).split('\n').length; // 15 lines each
    expect(got.map(at)).toEqual(['1:1', `${perValue + 1}:1`, `${2 * perValue + 1}:1`]);
    expect(got[1]!.source.index).toBe(text.indexOf('{\n    "type": "MODIFIED"'));
    expect(got[2]!.object).toEqual(events[2]!.object);
  });

  it('JSON lines, CRLF, blank lines and a BOM give the same events', async () => {
    const a = await read(lines(events));
    expect(a.map(at)).toEqual(['1:1', '2:1', '3:1']);
    const b = await read('\uFEFF' + lines(events).replaceAll('\n', '\r\n\r\n'));
    expect(b.map((e) => e.object)).toEqual(a.map((e) => e.object));
    expect(b.map(at)).toEqual(['1:2', '3:1', '5:1']);
  });

  it('values need no separator at all (}{)', async () => {
    expect((await read(events.map((e) => JSON.stringify(e)).join(''))).map(at)).toEqual(['1:1', '1:164', '1:330']);
  });

  it('a kubectl List in front (kind printed after items) becomes ADDED events, kind inferred', async () => {
    const list = { apiVersion: 'v1', items: [{ metadata: { name: 'x' } }, { metadata: { name: 'y' } }], kind: 'ServiceList', metadata: {} };
    const got = await read(JSON.stringify(list, null, 4) + '\n' + pretty([ev('MODIFIED', svc('x', '5'))]));
    expect(got.map((e) => `${e.type} ${String(e.object.kind)} ${String(e.object.apiVersion)} ${at(e)}`)).toEqual([
      'ADDED Service v1 4:9', 'ADDED Service v1 9:9', 'MODIFIED Service v1 18:1']);
  });

  it('an array of watch events is read as events', async () => {
    const got = await read(JSON.stringify(events, null, 2));
    expect(got.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(got.map(at)).toEqual(['2:3', '17:3', '32:3']);
  });

  it('BOOKMARK and ERROR pass through; unknown kinds are skipped with one warning per kind', async () => {
    const warnings: string[] = [];
    const stats = newStats();
    const got = await read(lines([
      ev('ADDED', { kind: 'ConfigMap', metadata: { name: 'c' } }),
      ev('BOOKMARK', { kind: 'Service', apiVersion: 'v1', metadata: { resourceVersion: '99' } }),
      ev('MODIFIED', { kind: 'ConfigMap', metadata: { name: 'c' } }),
      ev('ERROR', { kind: 'Status', status: 'Failure', code: 410, reason: 'Gone' }),
    ]), { stats, onWarning: (m: string, p: { line: number }) => warnings.push(`${p.line}: ${m}`) });
    expect(got.map((e) => `${e.type} ${String(e.object.kind)}`)).toEqual(['BOOKMARK Service', 'ERROR Status']);
    expect(stats).toMatchObject({ events: 2, skippedKinds: { ConfigMap: 2 } });
    expect(warnings).toEqual(['1: skipping ConfigMap objects: kind not covered by the model']);
  });

  it('time: newest managedFields time, else deletionTimestamp (DELETED) or creationTimestamp (ADDED)', async () => {
    const mf = { managedFields: [{ time: '2024-01-01T00:00:05Z' }, { time: '2024-01-01T00:00:09Z' }], creationTimestamp: '2024-01-01T00:00:00Z' };
    const got = await read(lines([
      ev('ADDED', svc('a', '1', { creationTimestamp: '2024-01-01T00:00:00Z' })),
      ev('MODIFIED', svc('a', '2', mf)),
      ev('MODIFIED', svc('a', '3', { creationTimestamp: '2024-01-01T00:00:00Z' })),
      ev('DELETED', svc('a', '4', { creationTimestamp: '2024-01-01T00:00:00Z', deletionTimestamp: '2024-01-01T00:01:00Z' })),
    ]));
    expect(got.map((e) => e.time)).toEqual(['2024-01-01T00:00:00Z', '2024-01-01T00:00:09Z', undefined, '2024-01-01T00:01:00Z']);
  });
});

describe('readWatch: ordering', () => {
  it('MODIFIED/DELETED of objects never ADDED are fine (the watch started late) and counted', async () => {
    const stats = newStats();
    const got = await read(lines([ev('MODIFIED', svc('a', '5')), ev('DELETED', svc('b', '6'))]), { stats });
    expect(got).toHaveLength(2);
    expect(stats.unseenObjects).toBe(2);
  });

  it('resourceVersion going down for one object is TRC006 at the offending event', async () => {
    const text = pretty([ev('ADDED', svc('a', '10')), ev('ADDED', svc('b', '3')), ev('MODIFIED', svc('a', '9'))]);
    await expect(read(text)).rejects.toThrow(
      'w.json:31:1: TRC006 MODIFIED Service/default/a has resourceVersion 9, older than 10 seen before (events out of order)');
  });

  it('compares resourceVersions as numbers, and not at all when they are not decimal', async () => {
    expect(await read(lines([ev('ADDED', svc('a', '9')), ev('MODIFIED', svc('a', '10'))]))).toHaveLength(2);
    expect(await read(lines([ev('ADDED', svc('a', 'xyz')), ev('MODIFIED', svc('a', 'abc'))]))).toHaveLength(2);
    expect(await read(lines([ev('ADDED', svc('a', '10')), ev('ADDED', svc('a', '10'))]))).toHaveLength(2); // relist
  });

  it('a stale MODIFIED after DELETED is caught; a re-create with a newer version is not', async () => {
    await expect(read(lines([ev('DELETED', svc('a', '10')), ev('MODIFIED', svc('a', '8'))])))
      .rejects.toThrow('w.json:2:1: TRC006');
    expect(await read(lines([ev('DELETED', svc('a', '10')), ev('ADDED', svc('a', '11'))]))).toHaveLength(2);
    expect(await read(lines([ev('ADDED', svc('a', '10')), ev('MODIFIED', svc('a', '8'))]), { checkOrder: false })).toHaveLength(2);
  });

  it('the order check remembers live objects only (memory follows objects, not events)', () => {
    const t = new OrderTracker();
    const pos = { file: 'f', line: 1, column: 1, index: 0 };
    for (let i = 0; i < 20_000; i++) {
      t.see('ADDED', svc(`s${i}`, String(2 * i)), pos);
      t.see('DELETED', svc(`s${i}`, String(2 * i + 1)), pos);
    }
    t.see('ADDED', svc('kept', '1'), pos);
    expect(t.size).toBe(1);
  });
});

describe('readWatch: malformed streams', () => {
  const ok = JSON.stringify(ev('ADDED', svc('a', '1')), null, 2); // 15 lines

  it('truncated at EOF: TRC002 where the unterminated value started', async () => {
    await expect(read(ok + '\n' + ok.slice(0, 60))).rejects.toThrow(
      'w.json:16:1: TRC002 unterminated JSON value starts here (stream ended inside it)');
    await expect(read(ok + '\n  {"type": "ADDED", "object": {"kind": "Pod", "metadata": {"name": "ab\\"')).rejects.toThrow('w.json:16:3: TRC002');
  });

  it('truncated inside a List: the position of the unterminated item', async () => {
    await expect(read('{"kind":"List","items":[\n {"kind":"Pod"},\n {"kind":"Pod","metadata":{')).rejects.toThrow(
      'w.json:3:2: TRC002 unterminated JSON List item starts here');
  });

  it('errors are TraceErrors with file, line, column and a stable code; events before them are delivered', async () => {
    const seen: string[] = [];
    const err = await (async () => { for await (const e of readWatch(ok + '\n\n  x', 'w.json')) seen.push(e.type); })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceError);
    expect(err).toMatchObject({ file: 'w.json', line: 17, column: 3, code: 'TRC001' });
    expect(seen).toEqual(['ADDED']);
  });

  it('garbage between values: TRC001 at the garbage', async () => {
    await expect(read(ok + '\nerror: watch closed\n')).rejects.toThrow(
      'w.json:16:1: TRC001 unexpected "e": not the start of a JSON object');
    await expect(read(ok + '\n  ]')).rejects.toThrow("w.json:16:3: TRC001 unexpected ']' outside any JSON value");
    await expect(read('"just a string"')).rejects.toThrow('w.json:1:1: TRC001');
  });

  it('invalid JSON inside a value: TRC003 at the bad character', async () => {
    const bad = ok.replace('"name": "a",', '"name": "a",,');
    const line = bad.split('\n').findIndex((l) => l.includes(',,')) + 1;
    const col = bad.split('\n')[line - 1]!.indexOf(',,') + 2;
    await expect(read(ok + '\n' + bad)).rejects.toThrow(`w.json:${15 + line}:${col}: TRC003 invalid JSON: unexpected ",", expected a string key`);
    await expect(read('{"type":"ADDED","object":{"kind":"Pod","x":tru}}')).rejects.toThrow('w.json:1:44: TRC003');
  });

  it('not a watch event: bare object TRC010, bad type or object TRC004, no kind TRC005', async () => {
    await expect(read(lines([ev('ADDED', svc('a', '1')), svc('b', '2')]))).rejects.toThrow(
      'w.json:2:1: TRC010 Service object without an event type: record with kubectl get --watch --output-watch-events -o json');
    await expect(read(lines([ev('CREATED', svc('a', '1'))]))).rejects.toThrow('w.json:1:1: TRC004 unknown watch event type "CREATED"');
    await expect(read(lines([{ type: 'ADDED' }]))).rejects.toThrow('w.json:1:1: TRC004 ADDED event has no object');
    await expect(read(lines([ev('ADDED', { metadata: { name: 'x' } })]))).rejects.toThrow('w.json:1:1: TRC005 ADDED object has no kind');
  });

  it('List items without kind under a plain "List": TRC005 at the item', async () => {
    await expect(read('{"kind": "List", "items": [\n  {"metadata": {"name": "x"}}\n]}')).rejects.toThrow(
      'w.json:2:3: TRC005 List item has no kind and the List (kind "List" at 1:1) does not tell it; pass the kind option');
    expect(await read('{"kind": "List", "items": [{"metadata": {"name": "x"}}]}', { kind: 'Pod' })).toHaveLength(1);
  });

  it('List items that are not objects, or badly separated: TRC007', async () => {
    await expect(read('{"kind":"List","items":[1]}')).rejects.toThrow('w.json:1:25: TRC007 List item is not an object');
    await expect(read('[{"type":"ADDED","object":{"kind":"Pod"}} {"type":"ADDED"}]')).rejects.toThrow("w.json:1:43: TRC007 expected ','");
    await expect(read('[{"type":"ADDED","object":{"kind":"Pod"}},]')).rejects.toThrow('w.json:1:42: TRC007 trailing comma');
  });
});
