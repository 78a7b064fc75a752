import { describe, expect, it } from 'vitest';
import { sameData, sameWrite } from '../../../model/k8s/same-write.ts';

describe('sameData', () => {
  it('compares objects by key whatever the order, arrays in order, and takes an undefined value as absent', () => {
    expect(sameData({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameData({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(sameData([1, 2], [2, 1])).toBe(false);
    expect(sameData({ a: 1 }, { a: 1, b: 0 })).toBe(false);
    expect(sameData({ a: { b: 1 } }, { a: { b: '1' } })).toBe(false);
    expect(sameData({ 0: 'x' }, ['x'])).toBe(false);
    expect(sameData(null, {})).toBe(false);
  });

  it('sameWrite leaves the server\'s resourceVersion out, nothing else', () => {
    const svc = (rv: string, port: number) => ({ metadata: { name: 'web', resourceVersion: rv }, spec: { ports: [{ port }] } });
    expect(sameWrite(svc('1', 80), svc('2', 80))).toBe(true);
    expect(sameWrite(svc('1', 80), svc('1', 81))).toBe(false);
  });
});
