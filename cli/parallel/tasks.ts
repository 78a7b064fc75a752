/**
 * What the threads of `--workers N` run, by kind: a slice of a check's round, or a range of one
 * level of an exploration. The worker threads run them; without workers the search calls what is
 * under them (a check slice, expandRange) on the main thread.
 */
import { type SliceTask, runSlice } from '../../properties/engine/check-slice.ts';
import type { Spec } from '../../properties/spec/types.ts';
import { type ExploreRangeTask, exploreRangeTask } from './explore-task.ts';

export type TaskKind = 'check-slice' | 'explore-range';

export function runTask(spec: Spec, kind: TaskKind, task: unknown): unknown {
  switch (kind) {
    case 'check-slice':
      return runSlice(spec, task as SliceTask);
    case 'explore-range':
      return exploreRangeTask(spec, task as ExploreRangeTask);
  }
}
