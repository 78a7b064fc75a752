/** Looking up a scope of a loaded spec by its name. */
import type { Scope, Spec } from './types.ts';

/** The scope of this name (a name the caller already checked, or a spec's own reference). */
export function scopeNamed(spec: Spec, name: string): Scope {
  const s = spec.scopes.find((x) => x.name === name);
  if (!s) throw new Error(`unknown scope "${name}"; spec/scopes.yaml has ${spec.scopes.map((x) => x.name).join(', ')}`);
  return s;
}
