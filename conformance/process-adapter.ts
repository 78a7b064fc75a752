/**
 * An implementation under check, run as a child process that speaks the adapter protocol on its
 * stdin and stdout (conformance/protocol.ts). Requests may be pipelined (the runner sends an
 * operation and the `observe` after it in one write, and the pairs after it before their answers
 * when it can: conformance/lockstep.ts); answers must come in order. Each answer
 * has its own timeout, started when the answer before it arrived. stderr is read continuously:
 * its tail goes into reports, and a flood of it is a fault. Any fault kills the process (its
 * whole process group) and makes this and every later call throw an AdapterFault.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { ClusterConfig, Operation, Result, Supports } from '../model/index.ts';
import type { Implementation } from '../properties/engine/implementation.ts';
import { readSupports } from './capabilities.ts';
import { splitCommand } from './command-line.ts';
import { AdapterFault, type FaultInfo, type FaultKind, Interrupted, LIMITS, RAW_TEXT, type Request, answerProblem, excerpt } from './protocol.ts';

export interface ProcessAdapterOptions {
  /** The command line; split into words and run without a shell unless `shell` is set. */
  readonly command: string;
  readonly shell?: boolean;
  /** Per answer. */
  readonly timeoutMs: number;
  readonly cwd?: string;
  /** Ctrl-C: kills the process and makes pending calls throw Interrupted. */
  readonly signal?: AbortSignal;
  /** Sees every line sent (→) and received (←), and faults (!): `svcspec conform --protocol-log`. */
  readonly log?: (direction: '→' | '←' | '!', line: string) => void;
}

interface Pending {
  readonly request: Request;
  resolve(r: Result): void;
  reject(e: Error): void;
  timeoutMs: number;
}

export class ProcessAdapter implements Implementation {
  private child?: ChildProcess;
  private readonly queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private partial = '';
  private stderrTail = '';
  private stderrSinceRequest = 0;
  private nextId = 0;
  private fault?: AdapterFault;
  private interrupted = false;
  private closing = false;
  private closed?: Promise<void>;
  private initialised = false;
  private readonly onExit = () => this.killGroup();

  constructor(readonly options: ProcessAdapterOptions) {}

  /** How many requests have been sent, init included. */
  get requests(): number {
    return this.nextId;
  }

  /** The tail of what the implementation wrote on stderr so far. */
  get stderr(): string {
    return this.stderrTail;
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const o = this.options;
    // Its own process group (detached): a Ctrl-C in the terminal reaches the runner, which writes
    // its partial report and then stops the implementation, rather than both dying at once.
    const child = o.shell
      ? spawn(o.command, { shell: true, cwd: o.cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
      : (() => {
          const [file, ...args] = splitCommand(o.command);
          return spawn(file, args, { cwd: o.cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
        })();
    this.child = child;
    process.on('exit', this.onExit);
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.onStdout(chunk));
    child.stderr!.on('data', (chunk: string) => this.onStderr(chunk));
    child.stdin!.on('error', () => {}); // EPIPE when it died: reported by 'close' with its exit status.
    child.on('error', (e: NodeJS.ErrnoException) => {
      this.fail('spawn', e.code === 'ENOENT' ? `cannot run "${o.command}": command not found` : `cannot run "${o.command}": ${e.message}`);
    });
    this.closed = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        process.off('exit', this.onExit);
        resolve();
        if (this.closing || this.fault || this.interrupted) return;
        const pending = this.queue[0]?.request;
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        this.fail('exit', `the implementation ${how} ${pending ? `while request ${pending.id} (${pending.op}) waited for its answer` : 'between requests'}`, { exitCode: code, signal });
      });
    });
    o.signal?.addEventListener('abort', () => this.interrupt(), { once: true });
    return child;
  }

  /** Starts a fresh cluster; returns what the implementation declared it supports (undefined: everything). */
  async init(cluster: ClusterConfig): Promise<Supports | undefined> {
    const first = !this.initialised;
    this.initialised = true;
    const id = this.nextId++;
    const [r] = await this.send([{ id, op: 'init', cluster }], first ? LIMITS.startupGraceMs : 0);
    if (!r.ok) {
      const error = (r as { error?: unknown }).error;
      const detail = typeof error === 'string' ? error : JSON.stringify(error);
      this.fail('init-refused', `init was answered ok: false (${detail})`);
      throw this.fault!;
    }
    const read = readSupports((r as { supports?: unknown }).supports);
    if ('problem' in read) {
      this.fail('bad-message', `the answer to init (request ${id}): ${read.problem}`, { line: excerpt(JSON.stringify({ id, ...r })) });
      throw this.fault!;
    }
    return read.supports;
  }

  async step(op: Operation): Promise<Result> {
    const [r] = await this.exchange([op]);
    return r;
  }

  /** Sends the operations in one write and waits for every answer, in order. */
  exchange(ops: readonly Operation[]): Promise<Result[]> {
    return this.send(ops.map((op) => ({ id: this.nextId++, ...op }) as Request), 0);
  }

  private send(requests: Request[], extraFirstMs: number): Promise<Result[]> {
    if (this.interrupted) return Promise.reject(new Interrupted());
    if (this.fault) return Promise.reject(this.fault);
    const child = this.start();
    const promises = requests.map(
      (request, i) =>
        new Promise<Result>((resolve, reject) => {
          this.queue.push({ request, resolve, reject, timeoutMs: this.options.timeoutMs + (i === 0 ? extraFirstMs : 0) });
        }),
    );
    const text = requests.map((r) => JSON.stringify(r)).join('\n') + '\n';
    if (this.options.log) for (const r of requests) this.options.log('→', JSON.stringify(r));
    this.stderrSinceRequest = 0;
    child.stdin!.write(text);
    if (!this.timer) this.armTimer();
    return Promise.all(promises);
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.queue[0];
    if (!head) return;
    this.timer = setTimeout(() => {
      this.fail('timeout', `no answer to request ${head.request.id} (${head.request.op}) within ${head.timeoutMs} ms`);
    }, head.timeoutMs);
  }

  private onStdout(chunk: string): void {
    if (this.fault || this.interrupted) return;
    let text = this.partial + chunk;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      const line = text.slice(0, nl).replace(/\r$/, '');
      text = text.slice(nl + 1);
      this.onLine(line);
      if (this.fault || this.interrupted) return;
      nl = text.indexOf('\n');
    }
    this.partial = text;
    if (this.partial.length > LIMITS.maxLineBytes) this.fail('not-json', `a line on stdout longer than ${LIMITS.maxLineBytes} bytes`, { line: excerpt(this.partial) });
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    this.options.log?.('←', line);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const head = this.queue[0]?.request;
      this.fail('not-json', `a line on stdout that is not JSON${head ? ` (waiting for the answer to request ${head.id}, ${head.op})` : ''}; log to stderr, never stdout`, { line: excerpt(line) });
      return;
    }
    const head = this.queue[0];
    if (!head) {
      this.fail('bad-message', 'a line on stdout when no request was waiting for an answer', { line: excerpt(line) });
      return;
    }
    const problem = answerProblem(value, head.request.id);
    if (problem) {
      this.fail(problem.kind, problem.message, { line: excerpt(line) });
      return;
    }
    const { id: _id, ...result } = value as Record<string, unknown>;
    if (head.request.op === 'observe' && result.ok && (result.state === null || typeof result.state !== 'object')) {
      this.fail('bad-message', `the answer to observe (request ${head.request.id}) has no "state" object`, { line: excerpt(line) });
      return;
    }
    if (head.request.op === 'observe' && result.ok) Object.defineProperty(result, RAW_TEXT, { value: line.replace(/"id"\s*:\s*\d+\s*,?/, '') });
    this.queue.shift();
    this.armTimer();
    head.resolve(result as unknown as Result);
  }

  private onStderr(chunk: string): void {
    this.stderrTail += chunk;
    if (this.stderrTail.length > 2 * LIMITS.stderrTailBytes) this.stderrTail = this.stderrTail.slice(-LIMITS.stderrTailBytes);
    this.stderrSinceRequest += Buffer.byteLength(chunk);
    if (this.stderrSinceRequest > LIMITS.stderrFloodBytes && !this.fault && !this.interrupted && !this.closing) {
      this.fail('stderr-flood', `more than ${LIMITS.stderrFloodBytes} bytes on stderr ${this.queue.length ? `while request ${this.queue[0].request.id} (${this.queue[0].request.op}) waited for its answer` : 'between two requests'}`);
    }
  }

  /** A fault the runner found in an answer (an observe refused): ends the process like any other. */
  protocolFault(kind: FaultKind, message: string, line?: string): AdapterFault {
    this.fail(kind, message, line === undefined ? {} : { line: excerpt(line) });
    return this.fault!;
  }

  private tail(): string {
    return this.stderrTail.length > LIMITS.stderrTailBytes ? this.stderrTail.slice(-LIMITS.stderrTailBytes) : this.stderrTail;
  }

  private fail(kind: FaultKind, message: string, extra: Partial<Pick<FaultInfo, 'line' | 'exitCode' | 'signal'>> = {}): void {
    if (this.fault || this.interrupted) return;
    clearTimeout(this.timer);
    const pending = this.queue[0]?.request;
    const info: FaultInfo = { kind, message, ...(pending ? { pending } : {}), ...extra, definite: false, stderrTail: this.tail() };
    this.fault = new AdapterFault(info);
    this.options.log?.('!', `${kind}: ${message}`);
    const waiting = this.queue.splice(0);
    this.killGroup();
    // Let stderr written just before the fault arrive (bounded), then fill in the tail and reject.
    const settle = this.closed ? Promise.race([this.closed, new Promise((r) => setTimeout(r, 300))]) : Promise.resolve();
    void settle.then(() => {
      (info as { stderrTail: string }).stderrTail = this.tail();
      for (const p of waiting) p.reject(this.fault!);
    });
  }

  private interrupt(): void {
    if (this.interrupted || this.fault) return;
    this.interrupted = true;
    clearTimeout(this.timer);
    this.killGroup();
    for (const p of this.queue.splice(0)) p.reject(new Interrupted());
  }

  private killGroup(): void {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }

  /** Closes stdin (the implementation should exit); kills it if it has not after a grace period. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    const child = this.child;
    if (!child || !this.closed) return;
    this.closing = true;
    child.stdin!.end();
    const exited = await Promise.race([this.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), LIMITS.exitGraceMs))]);
    if (!exited) {
      this.killGroup();
      await this.closed;
    }
  }
}
