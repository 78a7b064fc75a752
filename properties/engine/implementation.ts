/**
 * What the engines drive: the reference model in process, or (conformance/) another
 * implementation over the adapter protocol. Steps are asynchronous because a process is.
 */
import type { ClusterConfig, Operation, Result, Supports } from '../../model/index.ts';
import { type ClusterState, initialState, step } from '../../model/index.ts';

export interface Implementation {
  /** Starts a fresh cluster (the adapter protocol's `init`); an adapter may say what it supports (undefined: everything). */
  init(cluster: ClusterConfig): Promise<Supports | undefined | void>;
  step(op: Operation): Promise<Result>;
  close(): Promise<void>;
}

/** The reference model behind the Implementation interface; `state` is exposed for engines. */
export class ModelImplementation implements Implementation {
  state: ClusterState = initialState({});

  async init(cluster: ClusterConfig): Promise<void> {
    this.state = initialState(cluster);
  }

  async step(op: Operation): Promise<Result> {
    const out = step(this.state, op);
    this.state = out.state;
    return out.result;
  }

  async close(): Promise<void> {}
}
