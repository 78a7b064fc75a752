/**
 * 64-bit fingerprints of canonical states, what the visited set keeps (fingerprint-set.ts).
 *
 * A model state's fingerprint hashes its canonical parts (state-key.ts) in order; a part that is
 * a function of one persistent value (a PMap section: pods, services, proxies, …) has its hash
 * memoised on that value's identity. Successors share every section a step did not touch, so a
 * step that changes one pod re-hashes one section and never builds the whole state's text.
 *
 * Hash: two 32-bit multiplicative lanes per string (cyrb53's mixing, kept to 64 bits), then the
 * parts' hashes folded the same way and avalanched. Results go to `fp.hi` / `fp.lo` (no
 * allocation per state).
 */
import type { ClusterState } from '../../model/index.ts';
import { stateParts } from './state-key.ts';

/** The last fingerprint computed (read it before computing the next). */
export const fp = { hi: 0, lo: 0 };

let h1 = 0;
let h2 = 0;

function begin(seed: number): void {
  h1 = 0xdeadbeef ^ seed;
  h2 = 0x41c6ce57 ^ seed;
}

function word(x: number): void {
  h1 = Math.imul(h1 ^ x, 2654435761);
  h2 = Math.imul(h2 ^ x, 1597334677);
}

function text(s: string): void {
  for (let i = 0; i < s.length; i++) word(s.charCodeAt(i));
  // The length ends the part, so two parts never read as one.
  word(s.length | 0x40000000);
}

function finish(): void {
  const a = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  const b = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  fp.hi = b >>> 0;
  fp.lo = a >>> 0;
}

/** The fingerprint of a string (e.g. an `--exact-keys` text or a test's own state key). */
export function fingerprintText(s: string): typeof fp {
  begin(0);
  text(s);
  finish();
  return fp;
}

/** Section hashes, memoised per section on the persistent map's identity: [hi, lo]. */
const partHashes = new Map<string, WeakMap<object, readonly [number, number]>>();

function partHash(name: string, owner: object, make: () => string): readonly [number, number] {
  let hashes = partHashes.get(name);
  if (hashes === undefined) partHashes.set(name, (hashes = new WeakMap()));
  let h = hashes.get(owner);
  if (h === undefined) {
    // The outer fold is in progress: save its lanes around the inner hash.
    const o1 = h1;
    const o2 = h2;
    fingerprintText(make());
    h = [fp.hi, fp.lo];
    hashes.set(owner, h);
    h1 = o1;
    h2 = o2;
  }
  return h;
}

function foldPart(name: string, owner: object | undefined, make: () => string): void {
  if (owner === undefined) {
    text(make());
    return;
  }
  const h = partHash(name, owner, make);
  word(h[0]);
  word(h[1]);
}

/** The fingerprint of a model state (of its canonical parts: equal parts, equal fingerprint). */
export function fingerprintState(s: ClusterState): typeof fp {
  begin(0x9e3779b9);
  stateParts(s, foldPart);
  finish();
  return fp;
}
