/**
 * The reference adapter conforms: a long run through the pipe finds nothing, and neither does
 * another correct implementation (the reference with another seed: other IPs, ports, pod names,
 * endpoints). The runner's own semantics are checked in process (LoopbackAdapter), where a
 * Wrapper plants exactly the behaviour under test.
 */
import { describe, expect, it } from 'vitest';
import type { Operation, Result } from '../../model/index.ts';
import { LoopbackAdapter } from '../../conformance/loopback-adapter.ts';
import { type ConformOptions, runConform } from '../../conformance/runner.ts';
import type { Wrapper } from '../../conformance/serve-loop.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { conformHere } from './cli.ts';

const spec = loadSpec();
const small = spec.scopes.find((s) => s.name === 'small')!;

function options(o: Partial<ConformOptions> = {}): ConformOptions {
  return { scope: small, timing: 'sync', runs: 40, maxSteps: 20, seed: 3, settle: 'end', adapter: { command: 'in-process', shell: false, timeoutMs: 1000 }, ...o };
}

describe('the reference adapter through the pipe', () => {
  it('passes 1,000 sequences with no violation', async () => {
    const { code, report } = await conformHere(['--adapter', 'node cli/svcspec.js serve', '--runs', '1000', '--max-steps', '8', '--timing', 'sync', '--json']);
    expect(report.runs[0]).toMatchObject({ verdict: 'ok', runs: 1000 });
    expect(code).toBe(0);
  }, 300_000);

  it('passes with other choices (another seed) in both timings: every allowed choice is adopted', async () => {
    const { code, report } = await conformHere(['--adapter', 'node cli/svcspec.js serve --seed 7', '--runs', '60', '--json']);
    expect(report.runs.map((r: any) => [r.timing, r.verdict])).toEqual([['sync', 'ok'], ['async', 'ok']]);
    expect(code).toBe(0);
  }, 300_000);
});

describe('the runner', () => {
  it('resolves answers that are not definite by observing, and skips the rules that read them', async () => {
    // Every other apply is answered "don't know", whether it happened or not.
    let n = 0;
    const unsure: Wrapper = {
      step(state, op, next) {
        if (op.op !== 'apply') return next(state, op);
        const happens = n++ % 2 === 0;
        const out = next(state, op);
        return { state: happens ? out.state : state, result: { ok: false, error: 'connection reset by peer', definite: false } as Result };
      },
    };
    const r = await runConform(spec, options(), new LoopbackAdapter({ wrapper: unsure }));
    expect(r.verdict).toBe('ok');
    expect(r.indefinite).toBeGreaterThan(10);
  });

  it('reports a divergence no invariant covers, shrunk, and replays it from the printed path', async () => {
    // A clock that runs twice as fast: no invariant of the spec is about how much time passes,
    // but the observation's time is not the model's.
    const fast: Wrapper = { step: (state, op, next) => next(state, op.op === 'advance' ? { ...op, seconds: op.seconds * 2 } : op) };
    const r = await runConform(spec, options({ runs: 200 }), new LoopbackAdapter({ wrapper: fast }));
    expect(r.verdict).toBe('violation');
    const c = r.counterexample!;
    expect(c.failure.kind).toBe('observation');
    expect(c.steps.at(-1)!.op.op).toBe('advance');
    expect(c.failure.kind === 'observation' && c.failure.differences[0]).toMatchObject({ path: 'state.time' });
    expect(c.steps.length).toBeLessThanOrEqual(4);
    const again = await runConform(spec, options({ runs: 200, path: c.path, seed: c.seed }), new LoopbackAdapter({ wrapper: fast }));
    expect(again.counterexample?.steps.map((s) => s.op)).toEqual(c.steps.map((s) => s.op));
  });

  it('sends an operation ahead while it judges the one before, and judges as when answers come at once', async () => {
    // Answers that arrive a macrotask later: the runner can send more before reading them.
    class Slow extends LoopbackAdapter {
      pending = 0;
      mostPending = 0;
      sentAhead = 0;
      calls = 0;
      override async exchange(ops: readonly Operation[]): Promise<Result[]> {
        this.calls++;
        if (this.pending > 0) this.sentAhead++;
        this.mostPending = Math.max(this.mostPending, ++this.pending);
        const answers = await super.exchange(ops);
        await new Promise((resolve) => setImmediate(resolve));
        this.pending--;
        return answers;
      }
    }
    const fast: Wrapper = { step: (state, op, next) => next(state, op.op === 'advance' ? { ...op, seconds: op.seconds * 2 } : op) };
    for (const timing of ['sync', 'async'] as const) {
      for (const wrapper of [undefined, fast]) {
        const slow = new Slow({ wrapper });
        const at = await runConform(spec, options({ runs: 60, timing }), slow);
        const once = await runConform(spec, options({ runs: 60, timing }), new LoopbackAdapter({ wrapper }));
        const judged = (r: typeof at) => ({ ...r, seconds: undefined });
        expect(judged(at)).toEqual(judged(once));
        expect(slow.mostPending).toBeGreaterThan(2);
        expect(slow.mostPending).toBeLessThanOrEqual(16);
        // Some operations went ahead, not all: those with references wait for the step before
        // (that each sent ahead resolves to itself is test/properties/resolve.test.ts's property).
        expect(slow.sentAhead).toBeGreaterThan(slow.calls / 4);
        expect(slow.sentAhead).toBeLessThan(slow.calls);
      }
    }
  });

  it('follows each operation with observe, and adds settle as the policy says', async () => {
    for (const [settle, extra] of [['never', 0], ['end', 1]] as const) {
      const ops: string[] = [];
      const spy: Wrapper = { step: (state, op, next) => (ops.push(op.op), next(state, op)) };
      const r = await runConform(spec, options({ runs: 1, settle }), new LoopbackAdapter({ wrapper: spy }));
      expect(r.verdict).toBe('ok');
      expect(r.steps).toBe(ops.filter((o) => o !== 'observe').length);
      // observe after init, then after every operation.
      expect(ops.filter((o) => o === 'observe').length).toBe(r.steps + 1);
      expect(ops.at(-2)).toBe(extra ? 'settle' : ops.at(-2));
    }
  });
});
