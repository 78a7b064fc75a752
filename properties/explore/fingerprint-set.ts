/**
 * The explorer's visited set: 64-bit state fingerprints (as TLC keeps), nothing else. An
 * open-addressing hash table with linear probing over two Uint32Arrays (high and low halves),
 * doubled when three quarters full, so a state costs 8 bytes / load (11–21 bytes) however big
 * the state is. The fingerprint 0 marks an empty slot; a real 0 is stored as 1 (one more
 * collision pair among 2^64, counted in the estimate below as any other).
 */

const INITIAL_CAPACITY = 1 << 8;

export class FingerprintSet {
  private hi = new Uint32Array(INITIAL_CAPACITY);
  private lo = new Uint32Array(INITIAL_CAPACITY);
  private mask = INITIAL_CAPACITY - 1;
  size = 0;

  /** Adds the fingerprint (hi, lo); true when it was not there before. */
  add(hi: number, lo: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo === 0) lo = 1;
    if (this.size * 4 >= this.hi.length * 3) this.grow();
    // The low half is already well mixed (see fingerprint.ts): it picks the slot directly.
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const h = this.hi[i];
      const l = this.lo[i];
      if (h === 0 && l === 0) {
        this.hi[i] = hi;
        this.lo[i] = lo;
        this.size++;
        return true;
      }
      if (h === hi && l === lo) return false;
    }
  }

  /** Bytes held by the table (both arrays), for the report's bytes per state. */
  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength;
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    this.mask = this.hi.length - 1;
    for (let j = 0; j < hi.length; j++) {
      if (hi[j] === 0 && lo[j] === 0) continue;
      let i = lo[j] & this.mask;
      while (this.hi[i] !== 0 || this.lo[i] !== 0) i = (i + 1) & this.mask;
      this.hi[i] = hi[j];
      this.lo[i] = lo[j];
    }
  }

  /**
   * TLC's estimate "based on the actual fingerprints" (tlaplus/tlaplus,
   * tlc2/tool/other/CheckFP.java, after Andrei Broder): about the largest 1/|fi - fj| over the
   * stored fingerprints, i.e. 1 / the smallest gap between two of them once sorted. Sorts a copy
   * (8 bytes per state, freed after).
   */
  actualCollisionEstimate(): number {
    if (this.size < 2) return 0;
    const all = new BigUint64Array(this.size);
    let n = 0;
    for (let i = 0; i < this.hi.length; i++) {
      if (this.hi[i] !== 0 || this.lo[i] !== 0) all[n++] = (BigInt(this.hi[i]) << 32n) | BigInt(this.lo[i]);
    }
    all.sort();
    let gap = -1n;
    for (let i = 1; i < n; i++) {
      const d = all[i] - all[i - 1];
      if (gap < 0n || d < gap) gap = d;
    }
    return gap <= 0n ? 1 : 1 / Number(gap);
  }
}

/**
 * The "optimistic" estimate of a fingerprint collision among n distinct states: every pair of
 * n uniformly random 64-bit values, n(n-1)/2 / 2^64 (the birthday bound TLC prints beside the
 * estimate from the actual fingerprints).
 */
export function optimisticCollisionProbability(n: number): number {
  return (n * (n - 1)) / 2 / 2 ** 64;
}
