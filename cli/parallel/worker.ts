/**
 * A worker thread of `--workers N`: loads the spec once, then runs what it is sent — slices of a
 * check's rounds (properties/engine/check-slice.ts) or whole scopes of an exploration — and posts
 * each result back as plain data.
 */
import { parentPort } from 'node:worker_threads';
import { type SliceTask, runSlice } from '../../properties/engine/check-slice.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { type ExploreTask, exploreTask } from './explore-task.ts';
import type { WorkerReply, WorkerRequest } from './pool.ts';

const spec = loadSpec();
const port = parentPort!;

const KINDS: Record<string, (task: never) => unknown> = {
  'check-slice': (task: SliceTask) => runSlice(spec, task),
  explore: (task: ExploreTask) => exploreTask(spec, task),
};

port.on('message', ({ id, kind, task }: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { id, result: KINDS[kind](task as never) };
  } catch (e) {
    reply = { id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(reply);
});
