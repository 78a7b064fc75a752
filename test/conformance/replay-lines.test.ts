/**
 * A conform replay line runs the counterexample as reported: after fast-check's shrinking the
 * runner deletes single steps, which no fast-check path can name, so the line lists the steps
 * kept (`--steps`), and a replay with them runs exactly those steps and prints the same line. A
 * divergence the runner could not make happen again still gets the line that runs its sequence.
 */
import { describe, expect, it } from 'vitest';
import { LoopbackAdapter } from '../../conformance/loopback-adapter.ts';
import { Interrupted } from '../../conformance/protocol.ts';
import { BadSteps, type ConformOptions, runConform } from '../../conformance/runner.ts';
import type { Wrapper } from '../../conformance/serve-loop.ts';
import { describeOp } from '../../properties/engine/describe.ts';
import { loadSpec } from '../../properties/spec/load.ts';

const spec = loadSpec();
// A DNS server that adds a stray A record to every answer with one.
const strayRecord: Wrapper = {
  step(state, op, next) {
    const out = next(state, op);
    const r = out.result as any;
    if (op.op !== 'resolve' || !r.ok || !r.answers?.some((a: any) => a.type === 'A')) return out;
    return { state: out.state, result: { ...r, answers: [...r.answers, { ...r.answers[0], type: 'A', data: '192.0.2.99' }] } };
  },
};
const o: ConformOptions = { scope: spec.scopes.find((s) => s.name === 'small')!, timing: 'sync', runs: 200, maxSteps: 30, seed: 0, settle: 'end', only: ['dns/cluster-ip-record'], adapter: { command: 'stray-record-dns', shell: false, timeoutMs: 1000 } };
const conform = (more: Partial<ConformOptions> = {}) => runConform(spec, { ...o, ...more }, new LoopbackAdapter({ wrapper: strayRecord }));
const ops = (r: Awaited<ReturnType<typeof conform>>) => r.counterexample!.steps.map((s) => describeOp(s.op));

describe('a conform replay line', () => {
  it('names the steps the deletion pass kept, and replays exactly them', async () => {
    const found = await conform();
    const replay = found.counterexample!.replay;
    const [, path, steps] = /--path (\S+) --steps (\S+)/.exec(replay) ?? [];
    expect(steps).toBeDefined();
    const picked = steps.split(',').map(Number);
    const again = await conform({ path, steps: picked });
    expect(ops(again)).toEqual(ops(found));
    expect(again.counterexample!.replay).toBe(replay);
    // The replay's one counted run is those steps (it breaks at the last)...
    expect(again.steps).toBe(picked.length);
    // ...where the path alone runs the longer sequence fast-check shrank to.
    const whole = await conform({ path });
    expect(whole.steps).toBeGreaterThan(again.steps);
  }, 300_000);

  it('refuses a step past the end of the sequence', async () => {
    const found = await conform();
    const path = /--path (\S+)/.exec(found.counterexample!.replay)![1];
    await expect(conform({ path, steps: [0, 500] })).rejects.toBeInstanceOf(BadSteps);
  }, 300_000);
});

describe('a divergence that does not happen again', () => {
  it("is reported with the line that runs its sequence again (the search's run index as --path)", async () => {
    // Refuses the 40th apply it is sent, once: a divergence the runner's replay does not see again.
    let applies = 0;
    let sent: string[] = [];
    const once: Wrapper = {
      init(cluster) {
        sent = [];
        return cluster;
      },
      step(state, op, next) {
        if (op.op !== 'observe') sent.push(describeOp(op));
        if (op.op === 'apply' && ++applies === 40) return { state, result: { ok: false, error: { reason: 'InternalError', message: 'flaked once' } } as never };
        return next(state, op);
      },
    };
    const opts = { ...o, only: undefined, runs: 30 };
    const r = await runConform(spec, opts, new LoopbackAdapter({ wrapper: once }));
    expect(r.counterexample?.failure.kind).not.toBe('invariant');
    const line = r.counterexample!.replay;
    expect(line).toMatch(/^the run did not fail again when replayed \(the implementation is not deterministic\); to run it again: npx svcspec conform .* --path \d+ /);
    const path = /--path (\d+)/.exec(line)![1];
    const again = await runConform(spec, { ...opts, path }, new LoopbackAdapter({ wrapper: once }));
    expect(again.verdict).toBe('ok');
    expect(again.runs).toBe(1);
    // ...and it was the sequence that diverged.
    expect(sent.slice(0, r.counterexample!.steps.length)).toEqual(r.counterexample!.steps.map((st) => describeOp(st.op)));
  }, 300_000);

  it('is reported, not dropped, when the search is stopped before it could run it again', async () => {
    // Refuses the 40th apply it is sent; the run is stopped (as by Ctrl-C) at the 80th.
    let applies = 0;
    const flaky: Wrapper = {
      step(state, op, next) {
        if (op.op === 'apply' && ++applies === 40) return { state, result: { ok: false, error: { reason: 'InternalError', message: 'flaked once' } } as never };
        return next(state, op);
      },
    };
    class StoppedAt80 extends LoopbackAdapter {
      override async exchange(ops: Parameters<LoopbackAdapter['exchange']>[0]) {
        if (applies >= 80) throw new Interrupted();
        return super.exchange(ops);
      }
    }
    const r = await runConform(spec, { ...o, only: undefined, runs: 30 }, new StoppedAt80({ wrapper: flaky }));
    expect(r.interrupted).toBe(true);
    expect(r.counterexample?.failure.kind).not.toBe('invariant');
    expect(r.counterexample!.replay).toMatch(/^the search was stopped before it could run it again; to run it again: npx svcspec conform .* --path \d+ /);
  }, 300_000);
});
