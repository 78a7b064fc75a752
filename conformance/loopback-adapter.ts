/**
 * The serve loop without a process: requests and answers still go through JSON text, so the
 * runner sees exactly what it would over a pipe. For tests, and for the benchmark that shows what
 * the process boundary itself costs.
 */
import type { ClusterConfig, ClusterState, Operation, Result, Supports } from '../model/index.ts';
import { readSupports } from './capabilities.ts';
import { AdapterFault, type FaultKind, RAW_TEXT } from './protocol.ts';
import { type ServeOptions, answer } from './serve-loop.ts';

export class LoopbackAdapter {
  private state: ClusterState | undefined;
  private nextId = 0;

  constructor(private readonly options: ServeOptions = {}) {}

  async init(cluster: ClusterConfig): Promise<Supports | undefined> {
    const [r] = this.send([{ op: 'init', cluster } as unknown as Operation]);
    if (!r.ok) throw this.protocolFault('init-refused', `init was answered ok: false (${JSON.stringify((r as { error?: unknown }).error)})`);
    const read = readSupports((r as { supports?: unknown }).supports);
    if ('problem' in read) throw this.protocolFault('bad-message', `the answer to init: ${read.problem}`);
    return read.supports;
  }

  async exchange(ops: readonly Operation[]): Promise<Result[]> {
    return this.send(ops);
  }

  private send(ops: readonly Operation[]): Result[] {
    return ops.map((op) => {
      const a = answer(JSON.stringify({ ...op, id: this.nextId++ }), this.state, this.options);
      this.state = a.state;
      const { id: _id, ...result } = JSON.parse(a.line) as Record<string, unknown>;
      if (op.op === 'observe' && result.ok) Object.defineProperty(result, RAW_TEXT, { value: a.line.replace(/"id"\s*:\s*\d+\s*,?/, '') });
      return result as unknown as Result;
    });
  }

  protocolFault(kind: FaultKind, message: string): AdapterFault {
    return new AdapterFault({ kind, message, definite: false, stderrTail: '' });
  }

  async close(): Promise<void> {}
}
