/**
 * Deep equality of plain data (what the API stores and what views are built from): arrays in
 * order, objects by key whatever their order, a key whose value is undefined counting as absent.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  let keys = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    if (!sameData(x[k], y[k])) return false;
    keys++;
  }
  for (const k in y) if (y[k] !== undefined) keys--;
  return keys === 0;
}

/**
 * Whether two stored objects are the same write: equal field by field, with the server's
 * resourceVersion left out. The API server skips a write that changes nothing (the storage layer
 * compares the encoded object with the stored one: k8s.io/apiserver pkg/storage/etcd3
 * GuaranteedUpdate), so no watch event follows and no controller hears of it.
 */
export function sameWrite(a: { metadata?: object }, b: { metadata?: object }): boolean {
  const bare = (o: { metadata?: object }) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return sameData(bare(a), bare(b));
}
