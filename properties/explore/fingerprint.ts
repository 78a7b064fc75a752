/**
 * 64-bit fingerprints of canonical states, what the visited set keeps (fingerprint-set.ts).
 *
 * A model state's fingerprint hashes its canonical parts (state-key.ts) in order; a section (a
 * PMap: pods, services, proxies, …) has its hash memoised on the map's identity, and each of its
 * records' line hashes on the record's. Successors share every section and record a step did not
 * touch, so a step that changes one pod re-hashes one line and never builds the state's text.
 *
 * Hash: two 32-bit multiplicative lanes per string (cyrb53's mixing, kept to 64 bits), then the
 * parts' hashes folded the same way and avalanched. Results go to `fp.hi` / `fp.lo` (no
 * allocation per state). Under symmetry reduction a state is also hashed renamed
 * (fingerprintRenamed), each section then as the multiset of its renamed lines.
 */
import { type ClusterState, Interner } from '../../model/index.ts';
import { type Section, stateParts } from './state-key.ts';

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

/** Hashes memoised per section (or per section's records) on a persistent value's identity: [hi, lo]. */
type Memo = WeakMap<object, readonly [number, number]>;
const sectionHashes = new Map<string, Memo>();
const lineHashes = new Map<string, Memo>();

/** A section's memo in `memos` (made on first use). */
function memoOf<V>(memos: Map<string, WeakMap<object, V>>, name: string): WeakMap<object, V> {
  let m = memos.get(name);
  if (m === undefined) memos.set(name, (m = new WeakMap()));
  return m;
}

/** Runs `fold` as a hash of its own (the outer fold's lanes saved around it) and returns [hi, lo]. */
function nested(fold: () => void): readonly [number, number] {
  const o1 = h1;
  const o2 = h2;
  begin(0);
  fold();
  finish();
  h1 = o1;
  h2 = o2;
  return [fp.hi, fp.lo];
}

/**
 * Line hashes by text: a record another path rebuilt alike has the same line, and looking it up
 * (the engine hashes and compares the string natively) costs far less than hashing it unit by unit.
 */
const hashesByText = new Interner<readonly [number, number]>(1 << 14);

/** A record's line hash, memoised on the record: `line` runs only for a record not met before. */
function lineHash(records: Memo, record: object, line: () => string): readonly [number, number] {
  let h = records.get(record);
  if (h === undefined) {
    const t = line();
    h = hashesByText.lookup(t) ?? hashesByText.intern(t, nested(() => text(t)));
    records.set(record, h);
  }
  return h;
}

/**
 * A section's hash: the hash of its records' line hashes in key order. A step that changes one
 * pod re-hashes that pod's line only; the other records' line hashes are memoised on them.
 */
function sectionHash(sec: Section, owner: object): readonly [number, number] {
  const sections = memoOf(sectionHashes, sec.name);
  let h = sections.get(owner);
  if (h !== undefined) return h;
  const records = memoOf(lineHashes, sec.name);
  const entries = (owner as { sortedEntries(): [string, object][] }).sortedEntries();
  h = nested(() => {
    for (const [key, value] of entries) {
      const lh = lineHash(records, value, () => sec.line(key, value));
      word(lh[0]);
      word(lh[1]);
    }
    word(entries.length);
  });
  sections.set(owner, h);
  return h;
}

function foldPart(sec: Section | undefined, owner: object | undefined, make: (() => string) | undefined): void {
  if (sec === undefined) {
    text(make!());
    return;
  }
  const h = sectionHash(sec, owner!);
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

/** Memoised hashes for one renaming (symmetry.ts): per section, its records' renamed line hashes and the sections' sums. */
export interface RenamedMemo {
  readonly lines: Map<string, Memo>;
  readonly sections: Map<string, WeakMap<object, readonly [number, number, number]>>;
}

export const renamedMemo = (): RenamedMemo => ({ lines: new Map(), sections: new Map() });

/**
 * A section under a renaming, as the multiset of its renamed lines (a renaming reorders them):
 * the sums of their hashes, lane by lane, and their count. Memoised on the map, each line's hash
 * on its record, as sectionHash does.
 */
function renamedSection(sec: Section, owner: object, rename: (t: string) => string, memo: RenamedMemo): readonly [number, number, number] {
  const sections = memoOf(memo.sections, sec.name);
  let h = sections.get(owner);
  if (h !== undefined) return h;
  const records = memoOf(memo.lines, sec.name);
  const entries = (owner as { sortedEntries(): [string, object][] }).sortedEntries();
  let hi = 0;
  let lo = 0;
  for (const [key, value] of entries) {
    const lh = lineHash(records, value, () => rename(sec.line(key, value)));
    hi = (hi + lh[0]) | 0;
    lo = (lo + lh[1]) | 0;
  }
  h = [hi, lo, entries.length];
  sections.set(owner, h);
  return h;
}

/** A state's part as stateParts gives it, collected once for several renamings: a section's map, or a loose text. */
export type CollectedPart = { readonly sec: Section; readonly owner: object } | { readonly sec: undefined; readonly text: string };

/** The state's parts, collected (loose texts built once). */
export function collectParts(s: ClusterState): CollectedPart[] {
  const parts: CollectedPart[] = [];
  stateParts(s, (sec, owner, make) => parts.push(sec ? { sec, owner: owner! } : { sec: undefined, text: make!() }));
  return parts;
}

/**
 * The fingerprint of a state renamed (symmetry.ts), from its collected parts: every part's text
 * passed through `rename`, each section hashed as the multiset of its renamed lines. Equal renamed
 * parts, equal fingerprint; a step that changes one pod renames and re-hashes one line. `memo` is
 * the renaming's own.
 */
export function fingerprintRenamed(parts: readonly CollectedPart[], rename: (t: string) => string, memo: RenamedMemo): typeof fp {
  begin(0x7f4a7c15);
  for (const p of parts) {
    if (p.sec === undefined) {
      text(rename(p.text));
      continue;
    }
    const h = renamedSection(p.sec, p.owner, rename, memo);
    word(h[0]);
    word(h[1]);
    word(h[2]);
  }
  finish();
  return fp;
}
