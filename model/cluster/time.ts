/**
 * Model time is seconds since the cluster started. Timestamps in objects are rendered from a
 * fixed epoch, never from the clock, so the same run prints the same bytes.
 */
const EPOCH_MS = Date.UTC(2024, 0, 1);

export function timestamp(seconds: number): string {
  return new Date(EPOCH_MS + Math.round(seconds * 1000)).toISOString().replace('.000Z', 'Z');
}
