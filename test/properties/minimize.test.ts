/**
 * The single-step deletion pass (properties/engine/minimize.ts): whatever the failure, the result
 * still fails the same way, is a subsequence of the input, and no single deletion keeps the failure.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { OneMinimal } from '../../properties/engine/minimize.ts';

/** Fails when the sequence holds `needle` as a subsequence; the failing prefix ends at its last match. */
function failingPrefix(seq: readonly number[], needle: readonly number[]): number | undefined {
  let j = 0;
  for (let i = 0; i < seq.length; i++) {
    if (seq[i] === needle[j]) j++;
    if (j === needle.length) return i + 1;
  }
  return undefined;
}

function minimize(seq: readonly number[], fails: (s: readonly number[]) => number | undefined, budget = 10_000) {
  const m = new OneMinimal(seq, budget);
  for (let c = m.candidate(); c; c = m.candidate()) m.tried(fails(c));
  return m;
}

describe('OneMinimal', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 })])(
    'leaves a failing sequence from which no single step can go',
    (seq, needle) => {
      const len = failingPrefix(seq, needle);
      fc.pre(len !== undefined);
      const m = minimize(seq.slice(0, len), (s) => failingPrefix(s, needle));
      expect(m.oneMinimal).toBe(true);
      expect(failingPrefix(m.result, needle)).toBe(m.result.length);
      for (let i = 0; i < m.result.length; i++) expect(failingPrefix(m.result.filter((_, j) => j !== i), needle)).toBeUndefined();
      // `kept` names where each remaining step stood in the input.
      expect(m.kept.map((i) => seq[i])).toEqual(m.result);
      expect(m.kept.every((i, j) => j === 0 || i > m.kept[j - 1])).toBe(true);
    },
  );

  it('takes a second pass when a later deletion lets an earlier step go', () => {
    // Fails when it holds a 1, and a 2 or no 3: the 2 of [2, 3, 1] is needed until the 3 is gone.
    const fails = (s: readonly number[]) => (s.includes(1) && (s.includes(2) || !s.includes(3)) ? s.length : undefined);
    const m = minimize([2, 3, 1], fails);
    expect(m.oneMinimal).toBe(true);
    expect(m.result).toEqual([1]);
    expect(m.kept).toEqual([2]);
  });

  it('says so when the budget ran out before every deletion was tried', () => {
    const m = minimize([1, 2, 3, 4, 5], () => undefined, 2);
    expect(m.oneMinimal).toBe(false);
    expect(m.attemptsMade).toBe(2);
  });
});
