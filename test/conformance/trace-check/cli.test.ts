// svcspec trace as a user runs it: exit codes, the terminal summary, reports/trace.json and .md,
// --json, --window, --only; and the round trip through run/check --export-watch.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, addr, cli, port } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'svcspec-trace-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Service whose Endpoints keep an unready pod for 1.5 s, then a nodePort reallocated on update. */
function recording(): string {
  const c = new Cluster(), svc = c.uid(), pod = c.uid();
  const spec = (nodePort: number) => ({ type: 'NodePort', clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort }] });
  c.service('ADDED', 'web', spec(30080), { uid: svc })
    .pod('ADDED', 'a', { uid: pod, labels: { app: 'web' }, ip: '10.244.1.10' })
    .endpoints('ADDED', 'web', [{ addresses: [addr('10.244.1.10', 'a')], ports: [port(8080, 'http')] }])
    .pod('MODIFIED', 'a', { uid: pod, labels: { app: 'web' }, ip: '10.244.1.10', ready: false, ms: 1000 })
    .endpoints('MODIFIED', 'web', [{ notReadyAddresses: [addr('10.244.1.10', 'a')], ports: [port(8080, 'http')] }], { ms: 2500 })
    .service('MODIFIED', 'web', spec(31999), { uid: svc, ms: 3000 });
  const f = join(dir, 'recording.json');
  writeFileSync(f, c.text());
  return f;
}

describe('svcspec trace', () => {
  const f = recording();
  it('reports violations: exit 1, a summary per invariant, each violation with its events', () => {
    const reports = join(dir, 'r1');
    const r = cli(['trace', f, '--reports', reports]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ service\/node-port\/stable\s+always\s+1 violation/);
    expect(r.stdout).toMatch(/✗ endpoints\/ready-in-addresses\s+window\s+1 violation/);
    expect(r.stdout).toMatch(/✓ service\/cluster-ip\/unique\s+always\s+\d+ checked/);
    expect(r.stdout).toContain(`failing since ${f}:`);
    expect(r.stdout).toContain('(1500 ms of recorded time)');
    const json = JSON.parse(readFileSync(join(reports, 'trace.json'), 'utf8'));
    expect(json).toMatchObject({ tool: 'svcspec trace', verdict: 'violation', events: 6, windowMs: 1000 });
    const v = json.violations.find((x: { invariant: string }) => x.invariant === 'service/node-port/stable');
    expect(v.events.map((e: { type: string; kind: string; resourceVersion: string; time: string }) => `${e.type} ${e.kind}`)).toEqual(['ADDED Service', 'MODIFIED Service']);
    expect(v.events[1].time).toBe('2024-05-01T10:00:03.000Z');
    const md = readFileSync(join(reports, 'trace.md'), 'utf8');
    expect(md).toContain('| `service/node-port/stable` | always | ✗ violation |');
    expect(md).toContain('## Violations');
  });
  it('--window 2s: the 1.5 s lag is within it', () => {
    const r = cli(['trace', f, '--window', '2s', '--only', 'endpoints', '--reports', join(dir, 'r2')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 healed within the window');
  });
  it('--json prints trace.json as one line; --only restricts the invariants', () => {
    const r = cli(['trace', f, '--json', '--only', 'service/node-port', '--reports', join(dir, 'r3')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!);
    expect(json.invariants.map((i: { id: string }) => i.id).every((id: string) => id.startsWith('service/node-port/'))).toBe(true);
  });
  it('bad flags are usage errors (exit 2)', () => {
    expect(cli(['trace', f, '--window', 'soon']).code).toBe(2);
    expect(cli(['trace', f, '--format', 'yaml']).code).toBe(2);
    expect(cli(['trace']).code).toBe(2);
  });
});

describe('the round trip: what run and check export, trace reads clean', () => {
  it('svcspec run --export-watch', () => {
    const out = join(dir, 'kubia.json');
    expect(cli(['run', 'examples/scenarios/01-kubia-service.yaml', '--export-watch', out]).code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const r = cli(['trace', out, '--reports', join(dir, 'r4')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
  it('svcspec check --export-watch: one stream per run', () => {
    const base = join(dir, 'check', 'c.json');
    const c = cli(['check', '--scope', 'tiny', '--timing', 'sync', '--runs', '3', '--export-watch', base, '--reports', join(dir, 'r5')]);
    expect(c.code).toBe(0);
    const files = readdirSync(join(dir, 'check')).sort();
    expect(files).toEqual(['c.tiny.sync.1.json', 'c.tiny.sync.2.json', 'c.tiny.sync.3.json']);
    for (const x of files) expect(cli(['trace', join(dir, 'check', x), '--reports', join(dir, 'r6')]).code).toBe(0);
  });
});
