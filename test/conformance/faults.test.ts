/**
 * Faults of the implementation are verdicts, not crashes (the conform issue, point 4): each fixture
 * in test/fixtures/adapters misbehaves in one way, and `svcspec conform` must end with verdict
 * `error` naming what happened, the operations sent so far and the tail of stderr — and still
 * write its report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Operation, Result } from '../../model/index.ts';
import { LoopbackAdapter } from '../../conformance/loopback-adapter.ts';
import { type ConformOptions, runConform } from '../../conformance/runner.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { faultText } from '../../cli/report/conform-report.ts';
import { conformHere, conformReport, svcspec, tempDir } from './cli.ts';

const FIXTURES = 'test/fixtures/adapters';

async function conform(adapter: string, extra: string[] = [], timeoutMs = 2000) {
  const { code, report } = await conformHere(['--adapter', adapter, '--timing', 'sync', '--runs', '5', '--timeout-ms', String(timeoutMs), '--json', ...extra]);
  return { code, report, run: report.runs[0] };
}

describe.concurrent('implementation faults end the run with a verdict', () => {
  it('a process that exits: kind exit, its exit code, what was sent, its stderr', async () => {
    const { code, report, run } = await conform(`node ${FIXTURES}/exits.mjs`);
    expect(code).toBe(1);
    expect(report.verdict).toBe('error');
    expect(run.fault).toMatchObject({ kind: 'exit', exitCode: 3, definite: false, pending: { op: expect.any(String) } });
    // The operation it died on first, then those sent ahead of its answer (at most 16 in flight: conformance/lockstep.ts).
    expect(run.fault.sent.length).toBeGreaterThanOrEqual(1);
    expect(run.fault.sent.length).toBeLessThanOrEqual(16);
    expect(run.fault.sent[0].op).toBe(run.fault.pending.op);
    expect(run.fault.answered).toBe(0);
    // The text marks what went ahead of the answer it died on.
    const marked = faultText(run).split('\n').filter((l) => l.endsWith('(sent ahead, not answered)'));
    expect(marked).toHaveLength(run.fault.sent.length - 1);
    expect(run.fault.stderrTail).toContain('panic: cannot handle');
    expect(run.fault.replay).toMatch(/--seed 0 --path 0 /);
  });

  it('a process that hangs past the timeout: kind timeout, the request it never answered', async () => {
    const { code, run } = await conform(`node ${FIXTURES}/hangs.mjs`, ['--timeout-ms', '700']);
    expect(code).toBe(1);
    expect(run.verdict).toBe('error');
    expect(run.fault).toMatchObject({ kind: 'timeout', message: expect.stringContaining('within 700 ms'), pending: { id: 2 } });
    expect(run.fault.stderrTail).toContain('working on request 2');
  });

  it('a line that is not JSON: kind not-json, the line itself', async () => {
    const { run } = await conform(`node ${FIXTURES}/garbage.mjs`);
    expect(run.fault).toMatchObject({ kind: 'not-json', line: 'Starting controller manager on :10257' });
  });

  it('an answer with the wrong id: kind wrong-id', async () => {
    const { run } = await conform(`node ${FIXTURES}/wrong-id.mjs`);
    expect(run.fault).toMatchObject({ kind: 'wrong-id', message: 'expected the answer to request 2, got id 3' });
  });

  it('a flood on stderr: kind stderr-flood, with only the tail kept', async () => {
    // Time enough to write megabytes while the machine is busy: the flood must show before the answer is late.
    const { run } = await conform(`node ${FIXTURES}/floods-stderr.mjs`, [], 30_000);
    expect(run.fault.kind).toBe('stderr-flood');
    expect(run.fault.stderrTail.length).toBeLessThanOrEqual(16 * 1024);
    expect(run.fault.stderrTail).toContain('debug: reconciling');
  });

  it('an init refused: kind init-refused, with the implementation\'s reason', async () => {
    const { run } = await conform(`node ${FIXTURES}/refuses-init.mjs`);
    expect(run.fault).toMatchObject({ kind: 'init-refused', message: expect.stringContaining('needs at least 3 nodes') });
  });

  it('a command that cannot be started: kind spawn, exit 2', async () => {
    const { code, report, run } = await conform('no-such-implementation --serve');
    expect(code).toBe(2);
    expect(run.fault).toMatchObject({ kind: 'spawn', message: expect.stringContaining('command not found') });
    expect(faultText({ ...report.runs[0], fault: run.fault })).toContain('replay: none — the fault came at the first init, before any sequence ran');
  });

  it('runs a command through a shell only when asked (--shell)', async () => {
    const shellOnly = `cd ${FIXTURES} && node exits.mjs`;
    expect((await conform(shellOnly)).run.fault.kind).toBe('spawn');
    expect((await conform(shellOnly, ['--shell'])).run.fault.kind).toBe('exit');
  });
});

/** The processes `pid` started, and a process's command line (Linux: /proc). */
function childrenOf(pid: number): string[] {
  return readProc(`${pid}/task/${pid}/children`).trim().split(/\s+/).filter(Boolean);
}

function commandOf(pid: string): string {
  return readProc(`${pid}/cmdline`).replaceAll('\0', ' ');
}

function readProc(path: string): string {
  try {
    return readFileSync(`/proc/${path}`, 'utf8');
  } catch {
    return '';
  }
}

describe('the svcspec binary', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('on %s (Ctrl-C, or a Job\'s SIGTERM) writes the partial report, verdict unknown, and exits %i', async (signal, exitCode) => {
    const dir = tempDir(`interrupt-${signal}`);
    let pid = 0;
    const running = svcspec(['conform', '--adapter', 'node cli/svcspec.js serve', '--runs', '100000', '--reports', dir], { onStart: (p) => (pid = p) });
    // The handlers are in place once the implementation runs (conform installs them first); some
    // sequences run first. Waiting for the child, not a fixed time: a loaded machine starts slowly.
    while (!pid || !childrenOf(pid).some((c) => commandOf(c).includes('serve'))) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2000));
    process.kill(pid, signal);
    const ran = await running;
    expect(ran.code).toBe(exitCode);
    expect(existsSync(join(dir, 'conform.md'))).toBe(true);
    const report = conformReport(dir);
    expect(report.verdict).toBe('unknown');
    expect(report.runs[0]).toMatchObject({ verdict: 'unknown', interrupted: true });
    expect(report.skipped).toEqual([{ scope: 'small', timing: 'async' }]);
  });
});

/** The reference, except that it dies on the first `listen` it is sent: a fault that comes only in some sequences. */
class DiesOnListen extends LoopbackAdapter {
  override async exchange(ops: readonly Operation[]): Promise<Result[]> {
    if (ops.some((op) => op.op === 'listen')) throw this.protocolFault('exit', 'the process exited (code 1)');
    return super.exchange(ops);
  }
}

describe('a fault prints a replay line', () => {
  it('naming the sequence that was running, which replays to the same fault', async () => {
    const spec = loadSpec();
    const base: ConformOptions = { scope: spec.scopes.find((s) => s.name === 'small')!, timing: 'sync', runs: 100, maxSteps: 20, seed: 4, settle: 'end', adapter: { command: 'dies-on-listen', shell: false, timeoutMs: 1000 } };
    // The first seed whose first run sends no `listen`: the fault then comes in a later run, whose index the path must name.
    let o = base;
    let r = await runConform(spec, o, new DiesOnListen());
    for (let seed = base.seed + 1; r.fault?.afterRuns === 0 && seed < base.seed + 20; seed++) {
      o = { ...base, seed };
      r = await runConform(spec, o, new DiesOnListen());
    }
    expect(r.fault?.kind).toBe('exit');
    expect(r.fault!.afterRuns).toBeGreaterThan(0);
    const path = /--path (\S+)/.exec(r.fault!.replay ?? '')?.[1];
    expect(path).toBe(String(r.fault!.afterRuns));
    expect(faultText(r)).toContain(`replay: ${r.fault!.replay}`);
    const again = await runConform(spec, { ...o, path }, new DiesOnListen());
    expect(again.fault?.sent).toEqual(r.fault!.sent);
    expect(again.fault?.replay).toBe(r.fault!.replay);
  });
});

/** The reference, except that every `listen` is refused: a difference from the model that shrinks. */
class RefusesListen extends LoopbackAdapter {
  override async exchange(ops: readonly Operation[]): Promise<Result[]> {
    const results = await super.exchange(ops);
    return results.map((r, i) => (ops[i].op === 'listen' ? ({ ok: false, error: { reason: 'NotFound', message: 'no such pod' } } as unknown as Result) : r));
  }
}

describe('a replay', () => {
  it('runs the one sequence its path names, also when it no longer fails', async () => {
    const spec = loadSpec();
    const o: ConformOptions = { scope: spec.scopes.find((s) => s.name === 'small')!, timing: 'sync', runs: 100, maxSteps: 20, seed: 0, settle: 'end', adapter: { command: 'refuses-listen', shell: false, timeoutMs: 1000 } };
    const failed = await runConform(spec, o, new RefusesListen());
    const path = /--path (\S+)/.exec(failed.counterexample?.replay ?? '')?.[1];
    // A shrunk path (run:shrink:…): fast-check alone would go on through the shrink siblings past it.
    expect(path).toMatch(/:/);
    const again = await runConform(spec, { ...o, path }, new RefusesListen());
    expect(again.runs).toBe(1);
    expect(again.counterexample?.steps).toEqual(failed.counterexample?.steps);
    // Every point of the shrink path names one sequence; fast-check alone, finding it passing,
    // would go on through its shrink siblings.
    const parts = path!.split(':');
    for (let n = 2; n <= parts.length; n++) {
      const fixed = await runConform(spec, { ...o, path: parts.slice(0, n).join(':') }, new LoopbackAdapter());
      expect(fixed).toMatchObject({ verdict: 'ok', runs: 1 });
    }
  });
});
