/**
 * Model time is seconds since the cluster started. Timestamps in objects are rendered from a
 * fixed epoch, never from the clock, so the same run prints the same bytes.
 */
const EPOCH_MS = Date.UTC(2024, 0, 1);

// The last rendering, reused: a step creates or deletes its objects at one instant, and a Date
// plus toISOString costs ~0.7 µs (about 1% of `step` in bench/step.bench.ts). Same input, same string.
let lastSeconds = NaN;
let lastText = '';

export function timestamp(seconds: number): string {
  if (seconds !== lastSeconds) {
    lastText = new Date(EPOCH_MS + Math.round(seconds * 1000)).toISOString().replace('.000Z', 'Z');
    lastSeconds = seconds;
  }
  return lastText;
}
