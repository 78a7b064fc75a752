/**
 * CEL values as @marcbachmann/cel-js represents them, and the equality both paths share.
 *
 * int = bigint, double = number, string, bool, null, list = Array, map = plain object.
 * Observations arrive as JSON, where a port is the number 80: to CEL that is a double, and
 * `p.port + 1` would be a type error (CEL has no mixed arithmetic). `toCelValue` turns integral
 * numbers into ints once per observation, so invariants read like Kubernetes CEL rules, where
 * JSON integers are ints. `fromCelValue` undoes it for JSON reports (JSON.stringify rejects bigint).
 */

export type CelKind = 'int' | 'double' | 'string' | 'bool' | 'null' | 'list' | 'map' | 'other';

/** The CEL kind of a runtime value, as the interpreter's `debugType` decides it. */
export function kindOf(v: unknown): CelKind {
  switch (typeof v) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'object': {
      if (v === null) return 'null';
      const c = (v as object).constructor;
      if (c === Object || c === undefined || c === Map) return 'map';
      if (c === Array || c === Set) return 'list';
      return 'other';
    }
    default:
      return 'other';
  }
}

/** A plain-object CEL map (the only map shape compiled code reads; see compile.ts). */
export function isMapValue(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const c = (v as object).constructor;
  return c === Object || c === undefined || c === Map;
}

/** CEL equality of two values of the same static family, as the interpreter's `isEqual`. */
export function isEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  switch (typeof a) {
    case 'bigint':
      // int and double compare numerically (CEL heterogeneous equality).
      return typeof b === 'number' ? numEq(a, b) : false;
    case 'number':
      return typeof b === 'bigint' ? numEq(a, b) : false;
    case 'object': {
      if (typeof b !== 'object') return false;
      const ka = kindOf(a);
      if (ka !== kindOf(b)) return false;
      if (ka === 'list') return listEquals(a as unknown[], b as unknown[]);
      if (ka === 'map') return mapEquals(a as Record<string, unknown>, b as Record<string, unknown>);
      return false;
    }
    default:
      return false;
  }
}

/**
 * The `==` operator on dynamic values: same-kind values compare structurally, int and double
 * numerically, and values of different kinds are simply unequal (never an error), which is
 * what the interpreter does for `dyn` operands.
 */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'object' && tb === 'object') {
    const ka = kindOf(a);
    if (ka !== kindOf(b)) return false;
    if (ka === 'list') return listEquals(a as unknown[], b as unknown[]);
    if (ka === 'map') return mapEquals(a as Record<string, unknown>, b as Record<string, unknown>);
    return false;
  }
  return (ta === 'bigint' && tb === 'number') || (ta === 'number' && tb === 'bigint') ? numEq(a, b) : false;
}

/** Exact int/double comparison (JavaScript compares bigint with number mathematically). */
function numEq(a: unknown, b: unknown): boolean {
  return a == b;
}

function listEquals(a: unknown[], b: unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!isEqual(a[i], b[i])) return false;
  return true;
}

function mapEquals(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!(k in b && isEqual(a[k], b[k]))) return false;
  return true;
}

/** The type name the interpreter prints in messages (`int`, `list`, `map`…). */
export function typeName(v: unknown): string {
  const k = kindOf(v);
  return k === 'other' ? ((v as object)?.constructor?.name ?? typeof v) : k;
}

/** Deep copy of JSON data with integral numbers as CEL ints (bigint). Non-integral numbers stay doubles. */
export function toCelValue(json: unknown): unknown {
  switch (typeof json) {
    case 'number':
      return Number.isInteger(json) ? BigInt(json) : json;
    case 'object': {
      if (json === null) return null;
      if (Array.isArray(json)) return json.map(toCelValue);
      // for…in, not Object.entries: no array of pairs per object (this runs on every transition).
      const out: Record<string, unknown> = {};
      for (const k in json) {
        if (!Object.hasOwn(json, k)) continue;
        const v = (json as Record<string, unknown>)[k];
        if (v !== undefined) out[k] = toCelValue(v);
      }
      return out;
    }
    default:
      return json;
  }
}

/** Deep copy with ints back as numbers, so a CEL result can go into a JSON report. */
export function fromCelValue(v: unknown): unknown {
  switch (typeof v) {
    case 'bigint':
      return Number(v);
    case 'object': {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map(fromCelValue);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = fromCelValue(x);
      return out;
    }
    default:
      return v;
  }
}
