/**
 * The jobs of `svcspec check` (one per scope and timing), on this thread or on worker threads.
 * With N workers every job's search is cut into N slices per round and all jobs go at once, so a
 * thread that waits for the end of one job's round takes a slice of another's. Each job's report
 * is its search's, in the jobs' order: the same as one thread writes (properties/engine/check.ts).
 */
import { type CheckOptions, type CheckReport, CheckSearch, searchCheck } from '../../properties/engine/check.ts';
import type { SliceResult } from '../../properties/engine/check-slice.ts';
import type { Visited } from '../../properties/engine/coverage.ts';
import type { System } from '../../properties/engine/system.ts';
import type { Spec } from '../../properties/spec/types.ts';
import { WorkerPool } from './pool.ts';

export interface CheckJobResult {
  readonly report: CheckReport;
  readonly visited: Visited;
  /** Wall-clock seconds from the job's first slice to its report (jobs overlap with workers). */
  readonly seconds: number;
}

/** `afterJob` is called as each job ends (in the jobs' order on one thread; as they end with workers). */
export async function runCheckJobs<S>(spec: Spec, jobs: readonly CheckOptions[], workers: number, system?: System<S>, afterJob?: (index: number, r: CheckJobResult) => void): Promise<CheckJobResult[]> {
  if (workers <= 1) {
    return jobs.map((o, i) => {
      const t0 = performance.now();
      const r = { ...searchCheck(spec, o, system), seconds: (performance.now() - t0) / 1000 };
      afterJob?.(i, r);
      return r;
    });
  }
  const pool = new WorkerPool(workers);
  try {
    return await Promise.all(
      jobs.map(async (o, i) => {
        const t0 = performance.now();
        const search = new CheckSearch(spec, o, workers);
        for (let tasks = search.next(); tasks; tasks = search.next()) {
          search.absorb(await Promise.all(tasks.map((t) => pool.run<SliceResult>('check-slice', t))));
          o.onRun?.(search.done, search.total);
        }
        const r = { ...search.finish(system), seconds: (performance.now() - t0) / 1000 };
        afterJob?.(i, r);
        return r;
      }),
    );
  } finally {
    await pool.close();
  }
}
