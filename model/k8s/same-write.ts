/**
 * Whether two stored objects are the same write: equal field by field, key order aside, with the
 * server's resourceVersion left out. The API server skips a write that changes nothing (the storage
 * layer compares the encoded object with the stored one: k8s.io/apiserver pkg/storage/etcd3
 * GuaranteedUpdate), so no watch event follows and no controller hears of it.
 */
export function sameWrite(a: { metadata?: object }, b: { metadata?: object }): boolean {
  const bare = (o: { metadata?: object }) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return equal(bare(a), bare(b));
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((x, i) => equal(x, bs[i]));
  }
  const ka = present(a as Record<string, unknown>), kb = present(b as Record<string, unknown>);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function present(o: Record<string, unknown>): string[] {
  return Object.keys(o).filter((k) => o[k] !== undefined).sort();
}
