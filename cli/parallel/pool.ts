/**
 * A pool of N worker threads (node:worker_threads) that runs tasks first come, first served, each
 * worker one task at a time. This thread runs none: it hands out tasks and takes in results (a
 * task run here would leave a worker that ends its own unanswered, idle, until this one ended).
 * Callers await each task's result and put results in their own order: the pool never decides
 * what a report says. A worker module loads the way the command does — the compiled JavaScript of
 * dist/, or the TypeScript sources through tsx's loader (registered inside the worker, as
 * cli/svcspec.js does in the main thread).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TaskKind } from './tasks.ts';

/** What a worker posts back for a task: its result, or the error that ended it. */
export type WorkerReply = { readonly id: number } & ({ readonly result: unknown } | { readonly error: string });

/** What the pool posts to a worker. */
export interface WorkerRequest {
  readonly id: number;
  readonly kind: TaskKind;
  readonly task: unknown;
}

function startWorker(module: URL): Worker {
  // None of this process's Node flags: `node --input-type=module -e …` would make a worker refuse its file.
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { execArgv: [] });
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(module.href)}))`, { eval: true, execArgv: [] });
}

/** The worker module next to this file: `worker.ts` from the sources, `worker.js` in dist/. */
const WORKER = new URL(`./worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

export const cores = (): number => availableParallelism();

interface Pending {
  readonly request: WorkerRequest;
  readonly resolve: (result: unknown) => void;
  readonly reject: (e: Error) => void;
}

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private failure?: Error;

  /** `size` worker threads. */
  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = startWorker(WORKER);
      w.on('message', (reply: WorkerReply) => this.settle(w, reply));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a worker thread exited with code ${code}`));
      });
      this.idle.push(w);
    }
  }

  run<R>(kind: TaskKind, task: unknown): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, kind, task }, resolve: resolve as (r: unknown) => void, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.idle, ...this.busy.keys()].map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const p = this.queue.shift()!;
      this.busy.set(w, p);
      w.postMessage(p.request);
    }
  }

  private settle(w: Worker, reply: WorkerReply): void {
    const p = this.busy.get(w);
    this.busy.delete(w);
    this.idle.push(w);
    if (p) {
      if ('error' in reply) p.reject(new Error(`worker thread failed: ${reply.error}`));
      else p.resolve(reply.result);
    }
    this.dispatch();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of [...this.busy.values(), ...this.queue]) p.reject(e);
    this.busy.clear();
    this.queue.length = 0;
  }
}
