/**
 * The reference model as an adapter: reads requests (JSON lines) and answers each in order, as
 * docs/adapter.md describes. `svcspec serve` runs it on stdin/stdout; the TypeScript mutants in
 * examples/mutants run it with a Wrapper — the reference implementation with one bug put in.
 *
 * An answer for every line, whatever it holds: a request before `init`, an unknown operation or a
 * line that is not JSON get `ok: false` (a definite refusal); an exception in the model gets
 * `ok: false, definite: false` and its stack on stderr.
 */
import type { Readable, Writable } from 'node:stream';
import type { ClusterConfig, ClusterState, Operation, Result, StepOutcome, Supports } from '../model/index.ts';
import { ConfigError, initialState, step } from '../model/index.ts';

export type StepFn = (state: ClusterState, op: Operation) => StepOutcome;

/** How a mutant changes the reference: each hook gets the reference behaviour as `next`. */
export interface Wrapper {
  /** Rewrites the cluster configuration `init` receives. */
  init?(cluster: ClusterConfig): ClusterConfig;
  /** Replaces one step (queries such as `observe` included): call `next` for what the reference does. */
  step?(state: ClusterState, op: Operation, next: StepFn): StepOutcome;
}

export interface ServeOptions {
  readonly wrapper?: Wrapper;
  /** Overrides the seed `init` gives: the same semantics, other choices (allocations, endpoint picks). */
  readonly seed?: number;
  /** Where exceptions are reported (stderr by default). */
  readonly log?: (text: string) => void;
  /**
   * Declared in the init answer, and enforced: an operation or kind outside it is refused with
   * BadRequest, as a partial implementation would (the reference playing one, in tests).
   */
  readonly supports?: Supports;
}

/** Why a partial implementation refuses this operation, if it does. */
function unsupported(op: Record<string, unknown>, s: Supports | undefined): string | undefined {
  if (!s) return undefined;
  const name = String(op.op);
  if (s.operations && name !== 'observe' && name !== 'settle' && !s.operations.includes(name as never)) return `operation "${name}" is not supported`;
  const kind = name === 'apply' ? (op.object as { kind?: unknown } | undefined)?.kind : name === 'delete' ? op.kind : undefined;
  if (kind !== undefined && s.kinds && !s.kinds.includes(kind as never)) return `kind ${JSON.stringify(kind)} is not supported`;
  return undefined;
}

/** Answers one request line; returns the answer line and the next state. */
export function answer(line: string, state: ClusterState | undefined, o: ServeOptions = {}): { line: string; state: ClusterState | undefined } {
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(line);
  } catch (e) {
    return { line: JSON.stringify({ id: null, ok: false, error: { reason: 'BadRequest', message: `the request is not JSON: ${(e as Error).message}` } }), state };
  }
  const id = request?.id ?? null;
  // `{"id": …, …result}` without copying the result (answers are the adapter's hot path).
  const reply = (result: Result | Record<string, unknown>) => {
    const body = JSON.stringify(result);
    return `{"id":${JSON.stringify(id)}${body.length > 2 ? `,${body.slice(1)}` : '}'}`;
  };
  if (request === null || typeof request !== 'object' || typeof request.op !== 'string') {
    return { line: reply({ ok: false, error: { reason: 'BadRequest', message: 'a request is an object with "id" and "op"' } }), state };
  }
  if (request.op === 'init') {
    try {
      const given = (request.cluster ?? {}) as ClusterConfig;
      const withSeed = o.seed === undefined ? given : { ...given, seed: o.seed };
      const next = initialState(o.wrapper?.init ? o.wrapper.init(withSeed) : withSeed);
      return { line: reply(o.supports ? { ok: true, supports: o.supports } : { ok: true }), state: next };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return { line: reply({ ok: false, error: { reason: 'BadRequest', message: e.message } }), state };
    }
  }
  if (!state) return { line: reply({ ok: false, error: { reason: 'BadRequest', message: 'no cluster yet: the first request must be init' } }), state };
  const op = request;
  delete op.id; // The rest of the request is the operation (the model ignores nothing else in it).
  const refused = unsupported(op, o.supports);
  if (refused) return { line: reply({ ok: false, error: { reason: 'BadRequest', message: refused } }), state };
  try {
    const out = o.wrapper?.step ? o.wrapper.step(state, op as unknown as Operation, step) : step(state, op as unknown as Operation);
    return { line: reply(out.result), state: out.state };
  } catch (e) {
    (o.log ?? ((t) => process.stderr.write(t)))(`svcspec serve: request ${JSON.stringify(id)} (${String(request.op)}) failed: ${(e as Error).stack ?? String(e)}\n`);
    return { line: reply({ ok: false, error: `internal error: ${(e as Error).message}`, definite: false }), state };
  }
}

/** Serves until the input ends. Answers to the lines of one input chunk go out in one write. */
export function serveLoop(input: Readable, output: Writable, o: ServeOptions = {}): Promise<void> {
  let state: ClusterState | undefined;
  let partial = '';
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    input.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      let out = '';
      for (const raw of lines) {
        const line = raw.replace(/\r$/, '');
        if (line.trim() === '') continue;
        const a = answer(line, state, o);
        state = a.state;
        out += `${a.line}\n`;
      }
      if (out && !output.write(out)) {
        input.pause();
        output.once('drain', () => input.resume());
      }
    });
    input.on('end', () => {
      if (partial.trim()) output.write(`${answer(partial, state, o).line}\n`);
      resolve();
    });
    input.on('error', reject);
    output.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? resolve() : reject(e)));
  });
}

/** A mutant's main: the reference with `wrapper`, on this process's stdin and stdout. */
export async function serveStdio(wrapper?: Wrapper, o: Omit<ServeOptions, 'wrapper'> = {}): Promise<void> {
  await serveLoop(process.stdin, process.stdout, { ...o, wrapper });
}
