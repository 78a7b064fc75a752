/**
 * The Python starter kit (examples/adapters/python): a data plane alone, which declares what it
 * supports, gets a full verdict in the dataplane scope with every comparison with the model on —
 * and the report lists what it did not exercise. The same toy with one bug fails; one that
 * declares an operation the contract does not have is stopped with a fault naming it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../properties/spec/load.ts';
import { ROOT, conformHere, svcspec, tempDir } from './cli.ts';

const KIT = join(ROOT, 'examples/adapters/python');
const ADAPTER = `python3 ${join(KIT, 'dataplane.py')}`;
const dataplane = loadSpec().scopes.find((s) => s.name === 'dataplane')!;

/** A Python adapter built on the kit: `body` is the code after the imports. */
function kitAdapter(name: string, body: string): string {
  const file = join(tempDir('kit'), name);
  writeFileSync(file, `import sys\nsys.path.insert(0, ${JSON.stringify(KIT)})\nfrom adapter import serve\nfrom dataplane import Dataplane\n${body}\n`);
  return `python3 ${file}`;
}

describe('the starter kit in the dataplane scope', () => {
  for (const seed of [1, 2, 3]) {
    it(`passes with every comparison on (seed ${seed}, both timings) and lists what it left out`, async () => {
      const { code, report } = await conformHere(['--adapter', ADAPTER, '--scope', 'dataplane', '--runs', '40', '--seed', String(seed), '--json']);
      expect(report.runs.map((r: any) => [r.timing, r.verdict])).toEqual([['sync', 'ok'], ['async', 'ok']]);
      expect(code).toBe(0);
      for (const r of report.runs) {
        expect(r.compared).toBe(true);
        expect(r.supports).toEqual({ operations: ['apply', 'delete', 'advance', 'connect', 'ping'], kinds: ['Pod', 'Service', 'Endpoints'] });
        expect(r.unexercised.unsupported).toEqual({ operations: ['probe', 'listen', 'exit', 'http', 'resolve', 'env'], kinds: ['ReplicationController', 'Node', 'Ingress', 'IngressClass'] });
        // Every generator of the scope is within what the toy supports, and was drawn.
        expect(r.unexercised.unsupportedGenerators).toEqual([]);
        expect(r.unexercised.generators).toEqual([]);
        // What the scope declares out of reach is indeed never exercised, and says why.
        const never = new Map(r.unexercised.invariants.map((i: any) => [i.id, i.reason]));
        const checked = new Set(r.invariants.map((i: any) => i.id));
        for (const o of dataplane.outOfReach!) if (checked.has(o.invariant)) expect(never.get(o.invariant), o.invariant).toBe(o.reason);
        // And the data plane's own rules were exercised.
        for (const id of ['traffic/client-ip-affinity', 'traffic/refused-without-endpoints', 'proxy/follows-endpoints']) {
          if (checked.has(id)) expect(never.has(id), id).toBe(false);
        }
      }
    }, 300_000);
  }

  it('prints what was not exercised, and never "every answer allowed" when nothing was compared', async () => {
    const dir = tempDir('kit-cli');
    const ran = await svcspec(['conform', '--adapter', ADAPTER, '--scope', 'dataplane', '--runs', '10', '--timing', 'sync', '--reports', dir]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('all invariants held, every answer allowed');
    expect(ran.stdout).toContain('not exercised: not supported by the implementation: operations probe, listen, exit, http, resolve, env');
    expect(ran.stdout).toContain('not exercised: out of reach in scope dataplane (pods are status-managed: no kubelet runs probes, readiness is what the caller writes): readiness/failing-probe-unready');
    const only = await svcspec(['conform', '--adapter', ADAPTER, '--scope', 'dataplane', '--runs', '10', '--timing', 'sync', '--only', 'traffic', '--reports', dir]);
    expect(only.code).toBe(0);
    expect(only.stdout).not.toContain('every answer allowed');
    expect(only.stdout).toContain('answers and observations not compared with the model');
  }, 300_000);
});

describe('what the kit catches', () => {
  it('a proxy that also uses not-ready endpoints is a violation, with a replay line', async () => {
    const sloppy = kitAdapter('sloppy.py', [
      'class Sloppy(Dataplane):',
      '    def usable(self, svc, port, node=None):',
      "        name = port.get('name', '')",
      "        return [(e, e['ports'][name]) for e in self.entries(svc['namespace'], svc['name']) if name in e['ports'] and (node is None or e['node'] == node)]",
      'serve(Sloppy)',
    ].join('\n'));
    const { code, report } = await conformHere(['--adapter', sloppy, '--scope', 'dataplane', '--runs', '100', '--timing', 'sync', '--json']);
    expect(code).toBe(1);
    expect(report.runs[0].verdict).toBe('violation');
    expect(report.runs[0].counterexample.replay).toContain('--scope dataplane');
  }, 300_000);

  it('a supports entry the contract does not have ends the run with a fault that names it', async () => {
    const typo = kitAdapter('typo.py', [
      'class Typo(Dataplane):',
      "    SUPPORTS = {'operations': ['apply', 'conect'], 'kinds': ['Pod']}",
      'serve(Typo)',
    ].join('\n'));
    const { code, report } = await conformHere(['--adapter', typo, '--scope', 'dataplane', '--runs', '5', '--timing', 'sync', '--json']);
    expect(code).toBe(1);
    expect(report.runs[0].fault).toMatchObject({ kind: 'bad-message', message: expect.stringContaining('supports.operations[1] "conect" is not an operation of the contract (did you mean "connect"?)') });
  }, 60_000);
});
