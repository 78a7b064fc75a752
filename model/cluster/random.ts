/**
 * The model's only source of chance: a counter-based generator whose whole state is one
 * 32-bit integer kept in the cluster state, so `step` stays pure and the same seed always
 * gives the same bytes (never Math.random, never the clock).
 */

/** mulberry32's output function over a Weyl sequence: good enough spread for load balancing. */
export function nextRandom(state: number): { value: number; state: number } {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, state: s };
}

/** Mixes the configured seed into an initial generator state. */
export function seedState(seed: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
