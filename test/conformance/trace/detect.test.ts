// Format detection and readTrace's file handling.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, kindFromFileName, readTrace } from '../../../conformance/trace/detect.ts';
import type { TraceEvent } from '../../../conformance/trace/event.ts';
import { readList } from '../../../conformance/trace/list.ts';

describe('detectFormat', () => {
  it('tells the three formats by the top-level keys of the first value', () => {
    expect(detectFormat('{\n    "type": "ADDED",\n    "object": {')).toBe('watch');
    expect(detectFormat('[{"type":"MODIFIED","obj')).toBe('watch');
    expect(detectFormat('{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata"')).toBe('audit');
    expect(detectFormat('{"annotations":{"a":"b"},"auditID":"x","kind":"Event"')).toBe('audit'); // falco's key order
    expect(detectFormat('{"kind":"EventList","items":[')).toBe('audit');
    expect(detectFormat('{\n    "apiVersion": "v1",\n    "items": [')).toBe('list');
    expect(detectFormat('[{"metadata":{"name":"x"}}]')).toBe('list');
  });

  it('is not fooled by "items" or "type" deeper in the object', () => {
    const pod = { object: { kind: 'Pod', spec: { volumes: [{ configMap: { items: [] } }], type: 'x' } }, type: 'ADDED' };
    expect(detectFormat(JSON.stringify(pod))).toBe('watch');
  });

  it('anything else is TRC009', () => {
    expect(() => detectFormat('{"major":"1","minor":"8"}', 'v.json')).toThrow('v.json:1:1: TRC009 cannot tell the format');
    expect(() => detectFormat('hello')).toThrow('<input>:1:1: TRC009');
  });
});

describe('readTrace and readList', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcspec-trace-'));
  const collect = async (it: AsyncIterable<TraceEvent>) => { const a: TraceEvent[] = []; for await (const e of it) a.push(e); return a; };

  it('reads an empty or whitespace-only file as no events', async () => {
    writeFileSync(join(dir, 'empty.json'), '\n  \n');
    expect(await collect(readTrace(join(dir, 'empty.json')))).toEqual([]);
  });

  it('takes the item kind from a sonobuoy-style file name only when the items do not say', () => {
    expect(kindFromFileName('/x/Pods.json')).toBe('Pod');
    expect(kindFromFileName('Endpoints.json')).toBe('Endpoints');
    expect(kindFromFileName('Ingresses.json')).toBe('Ingress');
    expect(kindFromFileName('IngressClasses.json')).toBe('IngressClass');
    expect(kindFromFileName('pods.json')).toBeUndefined();
  });

  it('an explicit format overrides detection', async () => {
    const p = join(dir, 'pods.json');
    writeFileSync(p, JSON.stringify({ kind: 'PodList', items: [{ metadata: { name: 'a' } }] }));
    expect((await collect(readTrace(p, 'watch'))).map((e) => e.type)).toEqual(['ADDED']);
    await expect(collect(readTrace(p, 'audit'))).rejects.toThrow(/pods\.json:1:28: TRC008 not an audit/);
  });

  it('readList takes a single object, Lists and bare arrays, and refuses watch events', async () => {
    expect((await collect(readList('{"kind":"Service","metadata":{"name":"a"}}', 'one.json'))).length).toBe(1);
    expect((await collect(readList('[{"metadata":{"name":"a"}}]', 'arr.json', { kind: 'Node' })))[0]!.object.kind).toBe('Node');
    await expect(collect(readList('[{"metadata":{"name":"a"}}]', 'arr.json'))).rejects.toThrow(
      'arr.json:1:2: TRC005 List item has no kind');
    await expect(collect(readList('{"type":"ADDED","object":{}}', 'w.json'))).rejects.toThrow('w.json:1:1: TRC007 this is a watch event');
  });
});
