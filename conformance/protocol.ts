/**
 * The adapter protocol (docs/contract.md section 6, spec/schema/protocol.schema.json, docs/adapter.md):
 * JSON lines on the implementation's stdin and stdout. The runner sends `{"id": n, "op": …}`, the
 * first being `{"id": 0, "op": "init", "cluster": {…}}`; the implementation answers each request
 * with `{"id": n, "ok": …, …result}`, in the order the requests came. This file holds the message
 * shapes, the limits the runner enforces, and the faults — what an implementation can do wrong at
 * the protocol level, each of which ends a run with a verdict rather than a crash.
 */
import type { ClusterConfig, Operation, Result } from '../model/index.ts';

export interface InitRequest {
  readonly id: number;
  readonly op: 'init';
  readonly cluster: ClusterConfig;
}

export type Request = InitRequest | ({ readonly id: number } & Operation);

export type Response = { readonly id: number } & Result;

/**
 * On an observe answer: its line without the id. Two equal texts are equal observations, so the
 * runner can reuse the one it already has (and everything computed from it).
 */
export const RAW_TEXT = Symbol('svcspec.rawText');

/** What a real, asynchronous implementation may answer when it cannot tell whether an operation happened. */
export function isIndefinite(r: Result): boolean {
  return r.ok === false && (r as { definite?: unknown }).definite === false;
}

export const LIMITS = {
  /** A line on stdout longer than this is a fault (an observation of a large cluster is a few hundred KiB). */
  maxLineBytes: 64 * 1024 * 1024,
  /** More stderr than this between two requests is a flood. */
  stderrFloodBytes: 1024 * 1024,
  /** How much of stderr the report keeps: the tail. */
  stderrTailBytes: 16 * 1024,
  /** The first `init` also covers process start-up (a tsx or JVM start can take seconds). */
  startupGraceMs: 30_000,
  /** After closing stdin, how long an implementation may take to exit before it is killed. */
  exitGraceMs: 2_000,
} as const;

/**
 * What went wrong at the protocol level. `definite` says whether the operation in flight is known
 * to have happened or not (it never is, for these: the implementation stopped answering).
 */
export type FaultKind =
  | 'spawn' // the command could not be started
  | 'exit' // the process exited (or closed stdout) while the runner still needed it
  | 'timeout' // no answer within --timeout-ms
  | 'not-json' // a line on stdout that is not JSON
  | 'bad-message' // JSON, but not an answer: not an object, no boolean `ok`, an observe without a state
  | 'wrong-id' // an answer whose id is not the one expected next
  | 'stderr-flood' // more than LIMITS.stderrFloodBytes on stderr between two requests
  | 'init-refused'; // init answered ok: false

export interface FaultInfo {
  readonly kind: FaultKind;
  readonly message: string;
  /** The request that was waiting for an answer, when there was one. */
  readonly pending?: Request;
  /** The offending line (truncated), for not-json, bad-message and wrong-id. */
  readonly line?: string;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly definite: false;
  /** The last LIMITS.stderrTailBytes of the implementation's stderr. */
  readonly stderrTail: string;
}

/** Thrown by the process adapter once the implementation has faulted; every later call throws it again. */
export class AdapterFault extends Error {
  constructor(readonly info: FaultInfo) {
    super(`${info.kind}: ${info.message}`);
    this.name = 'AdapterFault';
  }
}

/** Thrown when the run was interrupted (Ctrl-C): not the implementation's fault. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/** A line as it may be shown in a report: at most `max` characters. */
export function excerpt(line: string, max = 300): string {
  return line.length <= max ? line : `${line.slice(0, max)}… (${line.length} characters)`;
}

/**
 * Checks that a parsed line is an answer to `expected`; returns the fault otherwise. The answer's
 * id must be exactly the request's (a number), and `ok` a boolean.
 */
export function answerProblem(value: unknown, expected: number): { kind: 'bad-message' | 'wrong-id'; message: string } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'bad-message', message: `expected an answer object for request ${expected}, got ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'null' : `a ${typeof value}`}` };
  }
  const v = value as { id?: unknown; ok?: unknown };
  if (v.id !== expected) return { kind: 'wrong-id', message: `expected the answer to request ${expected}, got id ${JSON.stringify(v.id) ?? 'missing'}` };
  if (typeof v.ok !== 'boolean') return { kind: 'bad-message', message: `the answer to request ${expected} has no boolean "ok"` };
  return undefined;
}
