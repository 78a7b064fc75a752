// Broken recordings are answered with a clear error and its position (file:line:col, a stable TRC
// code), through the checker and through the command line (exit 2); unknown kinds are skipped with a
// warning that says where, and the rest is still checked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, checkText, cli, violated } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'svcspec-malformed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

const good = new Cluster();
good.pod('ADDED', 'a', { uid: good.uid(), ip: '10.244.1.10' });
const GOOD = good.text();

describe('malformed streams', () => {
  it('truncated JSON: TRC002 at the start of the unfinished event', async () => {
    const text = `${GOOD}{\n    "type": "MODIFIED",\n    "object": {\n        "kind": "Pod",\n`;
    const lines = GOOD.split('\n').length;
    await expect(checkText(text, { file: 'cut.json' })).rejects.toThrow(`cut.json:${lines}:1: TRC002 unterminated JSON value starts here`);
  });
  it('invalid JSON inside an event: TRC003 at the offending character', async () => {
    await expect(checkText(`{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a",}}}\n`, { file: 'bad.json' }))
      .rejects.toThrow(/bad\.json:1:\d+: TRC003 invalid JSON/);
  });
  it('an object without kind: TRC005', async () => {
    await expect(checkText(`{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n`, { file: 'nokind.json' })).rejects.toThrow('nokind.json:1:1: TRC005 ADDED object has no kind');
  });
  it('events out of order for one object: TRC006 at the stale event', async () => {
    const c = new Cluster(), uid = c.uid();
    c.pod('ADDED', 'a', { uid, ip: '10.244.1.10' }).pod('MODIFIED', 'a', { uid, ip: '10.244.1.10', ms: 1000 });
    const [first, second] = c.events;
    (second!.object.metadata as { resourceVersion: string }).resourceVersion = '10';
    (first!.object.metadata as { resourceVersion: string }).resourceVersion = '11';
    await expect(checkText(c.text(), { file: 'order.json' })).rejects.toThrow(/order\.json:\d+:1: TRC006 MODIFIED Pod\/default\/a has resourceVersion 10, older than 11/);
  });
  it('resourceVersions of different kinds are not compared (each kind rises on its own)', async () => {
    const c = new Cluster();
    c.pod('ADDED', 'a', { uid: c.uid(), ip: '10.244.1.10' }).service('ADDED', 'web', { clusterIP: '10.96.0.10', ports: [{ port: 80 }] }, { uid: c.uid() });
    (c.events[1]!.object.metadata as { resourceVersion: string }).resourceVersion = '3';
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
  it('an object printed without --output-watch-events: TRC010', async () => {
    await expect(checkText(`{"kind":"Pod","metadata":{"name":"a"}}\n{"kind":"Pod","metadata":{"name":"b"}}\n`, { file: 'bare.json' }))
      .rejects.toThrow(/bare\.json:1:1: TRC010 Pod object without an event type/);
  });
  it('unknown kinds are skipped with a warning at their first position; the rest is checked', async () => {
    const text = `${GOOD}{"type":"ADDED","object":{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"d","namespace":"default"}}}\n`;
    const f = file('unknown.json', text);
    const r = cli(['trace', f, '--reports', join(dir, 'r1')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: ${f}:${GOOD.split('\n').length}:1: skipping Deployment objects: kind not covered by the model`);
  });
  it('the command line: exit 2 and the error as file:line:col: TRCnnn message', () => {
    const f = file('trunc.json', '{"type":"ADDED","object":{"kind":"Pod"');
    const r = cli(['trace', f, '--reports', join(dir, 'r2')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${f}:1:1: TRC002 unterminated JSON value starts here (stream ended inside it)\n`);
  });
  it('a file that is no recording: TRC009; a missing file: exit 2', () => {
    expect(cli(['trace', file('v.json', '"1.29"\n')]).stderr).toMatch(/v\.json:1:1: TRC009 cannot tell the format/);
    const r = cli(['trace', join(dir, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*nope\.json/);
  });
});
