/**
 * Engine results as JSON text, to cross a thread or a machine (workers, shards, `svcspec merge`):
 * an invariant travels as `{"$invariant": id}` (its compiled CEL cannot) and comes back as the
 * spec's own object. Everything else in a report is plain data already (it is what check.json holds).
 */
import type { Invariant } from '../spec/types.ts';

/** An id the receiving spec does not define: the sender loaded another spec. */
export class UnknownInvariant extends Error {
  constructor(readonly id: string) {
    super(`invariant ${id} is not in this spec (the report was written with another spec or version)`);
  }
}

function isInvariant(v: unknown): v is Invariant {
  return v !== null && typeof v === 'object' && typeof (v as Invariant).id === 'string' && 'holds' in v && 'statement' in v && 'location' in v;
}

export function toWire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (isInvariant(v) ? { $invariant: v.id } : v)));
}

export function fromWire<T>(value: unknown, invariants: readonly Invariant[]): T {
  const byId = new Map(invariants.map((i) => [i.id, i]));
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$invariant') {
      const found = byId.get(String(o.$invariant));
      if (!found) throw new UnknownInvariant(String(o.$invariant));
      return found;
    }
    return Object.fromEntries(keys.map((k) => [k, revive(o[k])]));
  };
  return revive(value) as T;
}
