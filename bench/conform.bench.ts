/**
 * What the process boundary costs. Not run by npm test.
 *   npx tsx bench/conform.bench.ts [protocol] [runner]     (both by default; about a minute)
 *
 * 1. protocol: the reference adapter (`node cli/svcspec.js serve`) answering bench/step.bench.ts's
 *    mixed workload (every mutating operation, connects, refusals), beside the same operations
 *    stepped in process. Through the pipe one request at a time (what a lockstep runner pays per
 *    answer: a round trip), and pipelined in batches of 64 (the protocol's own throughput: answers
 *    come in order, so a client may send ahead). Goal: ≥ 10,000 operations/s through the pipe.
 * 2. runner: `check` in process (the reference model, every invariant after every step) beside
 *    `conform` on the same scope, seed and budget — in process through JSON (LoopbackAdapter:
 *    the runner's own cost, adoption and comparisons included) and through the pipe
 *    (ProcessAdapter + serve: each operation one round trip, with its observe).
 *
 * Prints tables on stdout and writes nothing else. The figures depend on the machine's load: the
 * pipe's round trip is mostly waiting for the other process to be scheduled.
 */
import { pathToFileURL } from 'node:url';
import { initialState, step, type Operation } from '../model/index.ts';
import { LoopbackAdapter } from '../conformance/loopback-adapter.ts';
import { ProcessAdapter } from '../conformance/process-adapter.ts';
import { type ConformOptions, runConform } from '../conformance/runner.ts';
import { runCheck } from '../properties/engine/check.ts';
import { loadSpec } from '../properties/spec/load.ts';
import { mixedOps } from './step.bench.ts';

const SERVE = 'node cli/svcspec.js serve';
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** The median of `rounds` timings of `f` (which returns how many operations it did): operations per second. */
async function rate(rounds: number, f: () => Promise<number>): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const { value, seconds } = await timed(f);
    rates.push(value / seconds);
  }
  return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)];
}

async function protocol(): Promise<void> {
  const ops = mixedOps(42, 4096);
  const impl = new ProcessAdapter({ command: SERVE, timeoutMs: 30_000 });
  await impl.init({ seed: 1 });
  const inProcess = async () => {
    let s = initialState({ seed: 1 });
    for (const op of ops) s = step(s, op).state;
    return ops.length;
  };
  const pipelined = async () => {
    await impl.init({ seed: 1 });
    for (let i = 0; i < ops.length; i += 64) await impl.exchange(ops.slice(i, i + 64));
    return ops.length;
  };
  const settles: Operation[] = Array.from({ length: 64 }, () => ({ op: 'settle' }));
  const framing = async () => {
    await impl.init({ seed: 1 });
    for (let i = 0; i < 8192; i += 64) await impl.exchange(settles);
    return 8192;
  };
  const oneByOne = async () => {
    await impl.init({ seed: 1 });
    for (const op of ops.slice(0, 1024)) await impl.exchange([op]);
    return 1024;
  };
  const withObserve = async () => {
    await impl.init({ seed: 1 });
    for (const op of ops.slice(0, 512)) await impl.exchange([op, { op: 'observe' }]);
    return 512;
  };
  await inProcess(); // JIT warm-up on both sides of the pipe
  await pipelined();
  const base = await rate(5, inProcess);
  const rows = [
    { how: 'in process: step()', r: base },
    { how: 'pipe, pipelined ×64', r: await rate(5, pipelined), goal: '≥ 10,000/s' },
    { how: 'pipe, pipelined ×64, no-op operations (settle, sync timing): the framing alone', r: await rate(3, framing) },
    { how: 'pipe, one at a time', r: await rate(3, oneByOne) },
    { how: "pipe, operation + observe, one pair at a time (the runner's round trip)", r: await rate(3, withObserve) },
  ];
  await impl.close();
  console.log('protocol: the mixed workload of bench/step.bench.ts, reference adapter (median of rounds)');
  console.table(rows.map(({ how, r, goal }) => ({ how, 'operations/s': fmt(r), 'µs/operation': (1e6 / r).toFixed(1), 'vs in process': `${(r / base).toFixed(2)}x`, ...(goal ? { goal } : {}) })));
}

async function runner(): Promise<void> {
  const spec = loadSpec();
  const scope = spec.scopes.find((s) => s.name === 'small')!;
  const rows = [];
  for (const timing of ['sync', 'async'] as const) {
    const runs = 150;
    const base: ConformOptions = { scope, timing, runs, maxSteps: scope.maxSteps, seed: 9, settle: 'never', adapter: { command: SERVE, shell: false, timeoutMs: 30_000 } };
    const check = await timed(async () => runCheck(spec, { scope, timing, runs, maxSteps: scope.maxSteps, seed: 9 }));
    const loop = await timed(() => runConform(spec, base, new LoopbackAdapter()));
    const impl = new ProcessAdapter({ command: SERVE, timeoutMs: 30_000 });
    await impl.init({});
    const pipe = await timed(() => runConform(spec, base, impl));
    await impl.close();
    for (const r of [loop.value, pipe.value]) if (r.verdict !== 'ok') console.log(`note: ${timing} conform verdict ${r.verdict}`);
    rows.push(
      { timing, engine: 'check (in process)', runs: check.value.runs, operations: check.value.steps, 'operations/s': fmt(check.value.steps / check.seconds) },
      { timing, engine: 'conform, in process (JSON, no pipe)', runs: loop.value.runs, operations: loop.value.steps, 'operations/s': fmt(loop.value.steps / loop.seconds) },
      { timing, engine: 'conform through the pipe', runs: pipe.value.runs, operations: pipe.value.steps, 'operations/s': fmt(pipe.value.steps / pipe.seconds) },
    );
  }
  console.log(`runner: scope small, seed 9, ${rows[0].runs} runs per row (conform: --settle never, so both engines run the same operations)`);
  console.table(rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const all = args.length === 0;
  if (all || args.includes('protocol')) await protocol();
  if (all || args.includes('runner')) await runner();
}
