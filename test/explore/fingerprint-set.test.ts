/**
 * The visited set of 64-bit fingerprints: membership survives growth, a fingerprint is new once,
 * the all-zero fingerprint (the empty-slot mark) is still a member, and the collision estimates
 * are TLC's.
 */
import { describe, expect, it } from 'vitest';
import { FingerprintSet, optimisticCollisionProbability } from '../../properties/explore/fingerprint-set.ts';
import { fingerprintText } from '../../properties/explore/fingerprint.ts';

describe('FingerprintSet', () => {
  it('adds each fingerprint once, across many growths', () => {
    const set = new FingerprintSet();
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const f = fingerprintText(`state ${i}`);
      expect(set.add(f.hi, f.lo)).toBe(true);
    }
    for (let i = 0; i < n; i += 7) {
      const f = fingerprintText(`state ${i}`);
      expect(set.add(f.hi, f.lo)).toBe(false);
    }
    expect(set.size).toBe(n);
    // Three quarters full at most, 8 bytes a slot.
    expect(set.bytes).toBeGreaterThanOrEqual((n * 8 * 4) / 3);
    expect(set.bytes).toBeLessThanOrEqual(n * 8 * 4);
  });

  it('keeps the fingerprint 0 (the empty-slot mark) as a member', () => {
    const set = new FingerprintSet();
    expect(set.add(0, 0)).toBe(true);
    expect(set.add(0, 0)).toBe(false);
    expect(set.size).toBe(1);
  });

  it('tells fingerprints apart by both halves', () => {
    const set = new FingerprintSet();
    expect(set.add(1, 5)).toBe(true);
    expect(set.add(2, 5)).toBe(true);
    expect(set.add(1, 6)).toBe(true);
    expect(set.add(2, 5)).toBe(false);
  });

  it('estimates collisions as TLC does', () => {
    expect(optimisticCollisionProbability(1)).toBe(0);
    expect(optimisticCollisionProbability(2 ** 20)).toBeCloseTo((2 ** 20 * (2 ** 20 - 1)) / 2 / 2 ** 64, 25);
    const set = new FingerprintSet();
    set.add(0, 100);
    set.add(0, 104);
    set.add(7, 0);
    // The closest two are 4 apart.
    expect(set.actualCollisionEstimate()).toBe(1 / 4);
  });

  it('gives different strings different fingerprints, and the same string the same one', () => {
    const a = { ...fingerprintText('P default/a;ready') };
    const b = { ...fingerprintText('P default/a;ready ') };
    expect(a).not.toEqual(b);
    expect({ ...fingerprintText('P default/a;ready') }).toEqual(a);
  });
});
