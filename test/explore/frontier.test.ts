/**
 * The frontier keeps a parent number and an action per state, not states: a state is
 * re-executed from its nearest ancestor on the last path, and any path is rebuilt from the links.
 */
import { describe, expect, it } from 'vitest';
import { Frontier } from '../../properties/explore/frontier.ts';

/** States are strings of the actions taken: replaying appends one. */
const replay = (s: string, a: number) => `${s}${a}`;

describe('Frontier', () => {
  it('re-materialises every state of a level from the parent links, re-executing shared prefixes once', () => {
    const f = new Frontier<string>('', replay);
    // Level 1: 1 ← 0 by 0, 2 ← 0 by 1. Level 2: 3, 4 ← 1 by 2, 3; 5 ← 2 by 4. Level 3: 6 ← 3 by 5, 7 ← 5 by 6.
    for (const [p, a] of [[0, 0], [0, 1], [1, 2], [1, 3], [2, 4], [3, 5], [5, 6]] as const) f.add(p, a);
    expect(f.size).toBe(8);
    expect([f.state(1, 1), f.state(2, 1)]).toEqual(['0', '1']);
    expect([f.state(3, 2), f.state(4, 2), f.state(5, 2)]).toEqual(['02', '03', '14']);
    const before = f.replayed;
    expect([f.state(6, 3), f.state(7, 3)]).toEqual(['025', '146']);
    // 6 needs 1, 3, 6 (the last path ended at 5); 7 needs 2, 5, 7.
    expect(f.replayed - before).toBe(6);
    expect(f.path(7)).toEqual([1, 4, 6]);
    expect(f.path(0)).toEqual([]);
  });

  it('grows past its first allocation', () => {
    const f = new Frontier<string>('', replay);
    for (let i = 1; i < 10_000; i++) f.add(i - 1, i % 10);
    expect(f.size).toBe(10_000);
    expect(f.path(9_999).length).toBe(9_999);
    expect(f.bytes).toBeGreaterThanOrEqual(10_000 * 8);
  });
});
