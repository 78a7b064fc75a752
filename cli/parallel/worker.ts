/**
 * A worker thread of `--workers N`: loads the spec once, then runs the tasks it is sent
 * (cli/parallel/tasks.ts) and posts each result back as plain data.
 */
import { parentPort } from 'node:worker_threads';
import { loadSpec } from '../../properties/spec/load.ts';
import type { WorkerReply, WorkerRequest } from './pool.ts';
import { runTask } from './tasks.ts';

const spec = loadSpec();
const port = parentPort!;

port.on('message', ({ id, kind, task }: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { id, result: runTask(spec, kind, task) };
  } catch (e) {
    reply = { id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(reply);
});
