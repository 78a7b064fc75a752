/** Parts of the model's state the key encodes, read through the model's public types. */
import type { ClusterState } from '../../model/index.ts';
import { pendingTimerList } from '../../model/index.ts';

export type PodRecordView = ClusterState['pods'] extends { get(k: string): infer R | undefined } ? R & object : never;

/** Pending timers relative to now: `in:pod:container:restartCount`, in firing order. */
export function pendingTimers(s: ClusterState): string[] {
  return pendingTimerList(s.timers).map((t) => `${t.at - s.time}:${t.pod}:${t.container}:${t.gen.slice(t.gen.indexOf('#') + 1)}`);
}
