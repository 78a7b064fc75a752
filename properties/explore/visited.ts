/**
 * The visited set of a search: 64-bit fingerprints (fingerprint-set.ts), or, with exact keys, the
 * states' canonical texts (no collisions, far more memory).
 */
import { FingerprintSet } from './fingerprint-set.ts';

export class Visited {
  private readonly texts?: Set<string>;
  private chars = 0;
  /** The fingerprint set, for collision estimates (absent with exact keys). */
  readonly fingerprints?: FingerprintSet;

  constructor(exact: boolean) {
    if (exact) this.texts = new Set();
    else this.fingerprints = new FingerprintSet();
  }

  /** Adds a state by its fingerprint, or by its key when exact; true when it was not there before. */
  add(hi: number, lo: number, key?: string): boolean {
    if (this.texts === undefined) return this.fingerprints!.add(hi, lo);
    if (key === undefined) throw new Error('explore: an exact visited set needs the state key');
    if (this.texts.has(key)) return false;
    this.texts.add(key);
    this.chars += key.length;
    return true;
  }

  /** Bytes held: the fingerprint table, or two bytes a character of the texts. */
  get bytes(): number {
    return this.fingerprints ? this.fingerprints.bytes : this.chars * 2;
  }
}
