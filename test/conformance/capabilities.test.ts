/**
 * Capabilities: an implementation that declares in its init answer what it supports is sent only
 * sequences within it, still compared with the model at every step, and the report says what was
 * left unexercised. The reference plays a partial implementation (ServeOptions.supports), refusing
 * with BadRequest whatever lies outside its declaration — so one operation sent outside it would
 * be a divergence, and a pass shows the runner kept to it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Operation, Supports } from '../../model/index.ts';
import { readSupports } from '../../conformance/capabilities.ts';
import { LoopbackAdapter } from '../../conformance/loopback-adapter.ts';
import { type ConformOptions, runConform } from '../../conformance/runner.ts';
import { drawnGenerators, generatorNeeds, scopeGenerators, supportsGenerator } from '../../properties/arbitraries/capabilities.ts';
import { chunkOf } from '../../properties/arbitraries/operations.ts';
import { runCheck } from '../../properties/engine/check.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { unexercisedLines } from '../../cli/report/conform-report.ts';

const spec = loadSpec();
const scope = (name: string) => spec.scopes.find((s) => s.name === name)!;
const generator = (name: string) => spec.generators.find((g) => g.name === name)!;
const DATAPLANE: Supports = { operations: ['apply', 'delete', 'advance', 'connect', 'ping'], kinds: ['Pod', 'Service', 'Endpoints'] };

function options(o: Partial<ConformOptions> = {}): ConformOptions {
  return { scope: scope('small'), timing: 'sync', runs: 30, maxSteps: 20, seed: 5, settle: 'end', adapter: { command: 'in-process', shell: false, timeoutMs: 1000 }, ...o };
}

const kindOf = (op: Operation): string | undefined => {
  const o = op as { op: string; object?: { kind?: string }; kind?: string };
  return o.op === 'apply' ? o.object?.kind : o.op === 'delete' ? o.kind : undefined;
};

describe('what a generator uses (spec/operations.yaml operations and kinds)', () => {
  // Every chunk a generator draws, in every scope, lies within what the catalogue declares for it:
  // otherwise an implementation would be sent what it said it does not support.
  for (const g of spec.generators) {
    it(`${g.name} draws only the operations and kinds it declares`, () => {
      const needs = generatorNeeds(g);
      for (const s of spec.scopes) {
        for (const chunk of fc.sample(chunkOf(g, s, spec.domains), { seed: 1, numRuns: 40 })) {
          for (const op of chunk) {
            expect(needs.operations, `${g.name} in ${s.name}`).toContain(op.op === 'sync' ? 'settle' : op.op);
            const kind = kindOf(op);
            if (kind) expect(needs.kinds, `${g.name} in ${s.name}`).toContain(kind);
          }
        }
      }
    });
  }

  it('a walkthrough is usable only when all its operations and kinds are supported', () => {
    expect(supportsGenerator(generator('deploy'), DATAPLANE)).toBe(false); // a ReplicationController
    expect(supportsGenerator(generator('external-service'), DATAPLANE)).toBe(true);
    expect(supportsGenerator(generator('discovery'), { operations: ['apply', 'resolve'] })).toBe(false); // env too
    expect(supportsGenerator(generator('discovery'), { operations: ['apply', 'resolve', 'env'] })).toBe(true);
    // delete draws one kind per operation: the kinds supported are enough, and only they are drawn.
    expect(supportsGenerator(generator('delete'), DATAPLANE)).toBe(true);
    const deletes = fc.sample(chunkOf(generator('delete'), scope('small'), spec.domains, DATAPLANE), { seed: 2, numRuns: 200 }).flat();
    expect(new Set(deletes.map(kindOf))).toEqual(new Set(['Pod', 'Service', 'Endpoints']));
  });

  it('a scope that lists its generators draws those; the others draw every one that is not opt-in', () => {
    expect(scopeGenerators(spec.generators, scope('dataplane')).map((g) => g.name)).toEqual(spec.generators.filter((g) => scope('dataplane').generators!.includes(g.name)).map((g) => g.name));
    expect(scopeGenerators(spec.generators, scope('small')).some((g) => g.optIn)).toBe(false);
    expect(drawnGenerators(spec.generators, scope('small'), { operations: ['apply'], kinds: ['Service'] }).map((g) => g.name)).toEqual(['apply-service', 'update-service', 'swap-node-ports', 'settle', 'internal-step', 'invalid-service']);
  });
});

describe('scopes for partial implementations', () => {
  // A scope's outOfReach is a claim: its generators never bring the invariant's precondition about.
  // Held to it on the model, in both timings (an invariant of one timing only is held in that one).
  for (const s of spec.scopes.filter((x) => x.outOfReach?.length)) {
    it(`${s.name}: every invariant declared out of reach is never exercised, and has a reason`, () => {
      for (const timing of ['sync', 'async'] as const) {
        const r = runCheck(spec, { scope: s, timing, runs: 150, maxSteps: s.maxSteps, seed: 11 });
        expect(r.counterexample, `${s.name} ${timing}`).toBeUndefined();
        for (const o of s.outOfReach!) {
          expect(o.reason.length).toBeGreaterThan(10);
          const stats = r.invariants.find((x) => x.invariant.id === o.invariant)?.stats;
          if (stats) expect(stats.held, `${o.invariant} in ${s.name} (${timing})`).toBe(0);
        }
      }
    }, 120_000);
  }
});

describe('reading supports from the init answer', () => {
  it('accepts the shape of spec/schema/supports.schema.json, absent meaning everything', () => {
    expect(readSupports(undefined)).toEqual({});
    expect(readSupports(DATAPLANE)).toEqual({ supports: DATAPLANE });
    expect(readSupports({ kinds: [] })).toEqual({ supports: { kinds: [] } });
  });

  it('names the bad entry', () => {
    expect(readSupports({ operations: ['apply', 'conect'] })).toEqual({ problem: expect.stringContaining('supports.operations[1] "conect" is not an operation of the contract (did you mean "connect"?)') });
    expect(readSupports({ kinds: ['Pod', 'Deployment'] })).toEqual({ problem: expect.stringContaining('supports.kinds[1] "Deployment" is not an object kind of apply and delete') });
    expect(readSupports({ operation: ['apply'] })).toEqual({ problem: expect.stringContaining('unknown member "operation" (did you mean "operations"?)') });
    expect(readSupports({ operations: 'apply' })).toEqual({ problem: expect.stringContaining('supports.operations must be a list') });
    expect(readSupports(['apply'])).toEqual({ problem: expect.stringContaining('"supports" must be an object') });
  });

  it('a bad entry ends the run as a protocol fault', async () => {
    const r = await runConform(spec, options(), new LoopbackAdapter({ supports: { operations: ['apply', 'conect'] } as unknown as Supports }));
    expect(r.verdict).toBe('error');
    expect(r.fault).toMatchObject({ kind: 'bad-message', message: expect.stringContaining('supports.operations[1] "conect"') });
  });
});

describe('conform against a partial implementation', () => {
  it('sends only what it supports, compares every answer, and reports what it left out', async () => {
    const r = await runConform(spec, options({ runs: 40 }), new LoopbackAdapter({ supports: DATAPLANE }));
    expect(r.verdict).toBe('ok');
    expect(r.compared).toBe(true);
    expect(r.supports).toEqual(DATAPLANE);
    expect(r.unexercised.unsupported).toEqual({ operations: ['probe', 'listen', 'exit', 'http', 'resolve', 'env'], kinds: ['ReplicationController', 'Node', 'Ingress', 'IngressClass'] });
    expect(r.unexercised.unsupportedGenerators).toEqual(expect.arrayContaining(['deploy', 'expose-ingress', 'probe', 'apply-rc', 'discovery', 'http']));
    expect(r.unexercised.unsupportedGenerators).not.toContain('external-service');
    // The rule the issue names: an Ingress needs an Ingress applied, so it is reported, not failed.
    expect(r.unexercised.invariants.map((i) => i.id)).toContain('ingress/no-address-no-traffic');
    expect(unexercisedLines(r).join('\n')).toMatch(/not supported by the implementation: operations probe, listen, exit, http, resolve, env; kinds ReplicationController/);
  });

  it('without a declaration, a refusal of what it does not support is a difference, as before', async () => {
    // The same partial implementation, silent about it: the runner sends everything, and the
    // first operation outside it is answered BadRequest where the model answers.
    const quiet = new LoopbackAdapter({ supports: DATAPLANE });
    const silent = { init: async (c: Parameters<LoopbackAdapter['init']>[0]) => void (await quiet.init(c)), exchange: quiet.exchange.bind(quiet), protocolFault: quiet.protocolFault.bind(quiet) };
    const r = await runConform(spec, options({ runs: 40 }), silent);
    expect(r.verdict).toBe('violation');
    expect(r.unexercised.unsupported).toEqual({ operations: [], kinds: [] });
  });

  it('a control plane (no traffic, no proxies) is compared on everything else, its proxy rules reported as not its own', async () => {
    const CONTROL_PLANE = { operations: ['apply', 'delete', 'advance', 'env'], kinds: ['Pod', 'Service', 'Endpoints', 'ReplicationController'] } as unknown as Supports;
    // The reference as a control plane shows it: no proxies at all.
    const inner = new LoopbackAdapter({ supports: CONTROL_PLANE });
    const noProxies = {
      init: inner.init.bind(inner),
      protocolFault: inner.protocolFault.bind(inner),
      exchange: async (ops: Parameters<LoopbackAdapter['exchange']>[0]) =>
        (await inner.exchange(ops)).map((r, i) => (ops[i].op === 'observe' && r.ok ? { ...r, state: { ...(r as { state: object }).state, proxies: [] } } : r)) as Awaited<ReturnType<LoopbackAdapter['exchange']>>,
    };
    const scope = spec.scopes.find((s) => s.name === 'control-plane')!;
    const r = await runConform(spec, options({ runs: 30, scope }), noProxies);
    expect(r.verdict).toBe('ok');
    expect(r.compared).toBe(true);
    const unjudged = r.unexercised.invariants.filter((i) => i.reason?.includes('supports no traffic')).map((i) => i.id);
    expect(unjudged).toEqual(expect.arrayContaining(['proxy/follows-endpoints', 'traffic/programmed-endpoints-only']));
    expect(unjudged).not.toContain('api/refusal-changes-nothing');
    // A rule judged only after an operation the implementation lacks is reported as such, not as unreached.
    const afterUnsupported = r.unexercised.invariants.find((i) => i.id === 'traffic/selected-pods-only');
    expect(afterUnsupported?.reason).toBe('it is checked only after connect, which the implementation does not support');
  });

  it('under --only without conform nothing is compared, and the report says so', async () => {
    const r = await runConform(spec, options({ runs: 5, only: ['service/cluster-ip/stable'] }), new LoopbackAdapter());
    expect(r.compared).toBe(false);
    expect(unexercisedLines(r)[0]).toMatch(/not compared with the model/);
  });
});

describe('the spec loader checks what scopes name', () => {
  it('a generator or an invariant out of reach that does not exist is a diagnostic at its line', async () => {
    const { cpSync, readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { InputError } = await import('../../properties/load/diagnostics.ts');
    const dir = mkdtempSync(join(tmpdir(), 'svcspec-scopes-'));
    cpSync(join(import.meta.dirname, '../../spec'), dir, { recursive: true });
    const file = join(dir, 'scopes.yaml');
    const text = readFileSync(file, 'utf8')
      .replace('generators: [status-pod, apply-service,', 'generators: [status-pods, apply-service,')
      .replace('invariant: dns/search-order,', 'invariant: dns/search-orders,');
    writeFileSync(file, text);
    let error: unknown;
    try {
      loadSpec(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const lines = text.split('\n');
    const at = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect((error as InstanceType<typeof InputError>).diagnostics.map((d) => [d.line, d.code, d.message])).toEqual([
      [at('status-pods'), 'SVC010', 'scope dataplane draws unknown generator "status-pods" (did you mean "status-pod"?)'],
      [at('dns/search-orders'), 'SVC013', 'scope dataplane declares unknown invariant "dns/search-orders" out of reach (did you mean "dns/search-order"?)'],
    ]);
  });
});
