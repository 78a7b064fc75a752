/**
 * Checks that must hold before defaulting can even run: a JSON object of a kind the model serves,
 * with the API group/version that kind lives in, and a name.
 * The API server turns undecodable bodies and unknown kinds into BadRequest errors worded by the
 * decoder; the model reports them as field errors instead, so every refusal has one shape.
 * Source for the name rule: KK staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go.
 */
import type { FieldError } from '../field-errors.ts';
import { KINDS } from '../objects.ts';
import { isObj, str } from './meta.ts';

export function validateObjectShape(o: unknown): FieldError[] {
  if (!isObj(o)) return [{ type: 'Invalid', field: 'object', value: Array.isArray(o) ? 'array' : typeof o, detail: 'must be a JSON object' }];
  const errs: FieldError[] = [];
  const kind = o.kind;
  if (kind === undefined || kind === null || kind === '') {
    errs.push({ type: 'Required', field: 'kind' });
  } else if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind)) {
    errs.push({ type: 'NotSupported', field: 'kind', value: kind, supported: Object.keys(KINDS) });
  } else if (o.apiVersion !== undefined && o.apiVersion !== KINDS[kind as keyof typeof KINDS].apiVersion) {
    // A manifest may omit apiVersion (the model then assumes the kind's own); a wrong one is refused.
    errs.push({ type: 'NotSupported', field: 'apiVersion', value: o.apiVersion, supported: [KINDS[kind as keyof typeof KINDS].apiVersion] });
  }
  const meta = isObj(o.metadata) ? o.metadata : {};
  // generateName satisfies the rule; the caller must turn it into a name before validation.
  if (!str(meta.name) && !str(meta.generateName)) {
    errs.push({ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' });
  }
  return errs;
}
