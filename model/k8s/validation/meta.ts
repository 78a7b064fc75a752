/**
 * ObjectMeta, labels, annotations and small shared checks.
 * Sources: KK staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ValidateObjectMetaAccessor,
 * ValidateAnnotations), .../pkg/apis/meta/v1/validation/validation.go (ValidateLabels, ValidateLabelName).
 */
import type { FieldError } from '../field-errors.ts';
import { invalidEach, isDNS1123Label, isNegativeErrorMsg, isQualifiedName, isValidLabelValue } from './names.ts';

/** Manifests arrive as JSON: read them defensively so a wrong type yields an error, never a crash. */
export type Obj = Record<string, unknown>;
export const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
export const obj = (x: unknown): Obj => (isObj(x) ? x : {});
export const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
export const str = (x: unknown): string => (typeof x === 'string' ? x : '');

export type NameFn = (name: string) => string[];

export function validateLabels(labels: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(obj(labels))) {
    errs.push(...invalidEach(field, k, isQualifiedName(k)));
    errs.push(...invalidEach(field, v, isValidLabelValue(str(v))));
  }
  return errs;
}

/** Annotation keys are qualified names, compared case-insensitively; values are free text. */
export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(obj(annotations))) {
    errs.push(...invalidEach(field, k, isQualifiedName(k.toLowerCase())));
    size += k.length + str(v).length;
  }
  if (size > 256 * 1024) errs.push({ type: 'TooLong', field, detail: `must have at most ${256 * 1024} bytes` });
  return errs;
}

/**
 * ValidateObjectMeta on create. The name must already be generated (generateName resolved by the
 * caller, as the API server does before validating).
 */
export function validateObjectMeta(meta: unknown, namespaced: boolean, nameFn: NameFn, path = 'metadata'): FieldError[] {
  const m = obj(meta);
  const errs: FieldError[] = [];
  const generateName = str(m.generateName);
  if (generateName) {
    // Prefix form: a trailing '-' is masked because random characters will follow it.
    const masked = generateName.endsWith('-') ? `${generateName.slice(0, -2)}a` : generateName;
    errs.push(...invalidEach(`${path}.generateName`, generateName, nameFn(masked)));
  }
  const name = str(m.name);
  if (!name) errs.push({ type: 'Required', field: `${path}.name`, detail: 'name or generateName is required' });
  else errs.push(...invalidEach(`${path}.name`, name, nameFn(name)));
  const ns = str(m.namespace);
  if (namespaced) {
    if (!ns) errs.push({ type: 'Required', field: `${path}.namespace` });
    else errs.push(...invalidEach(`${path}.namespace`, ns, isDNS1123Label(ns)));
  } else if (ns) {
    errs.push({ type: 'Forbidden', field: `${path}.namespace`, detail: 'not allowed on this type' });
  }
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  return errs;
}

/**
 * ValidateObjectMetaUpdate, reduced to what this model can observe: name and namespace are
 * immutable ("field is immutable"). resourceVersion is not required, because `apply` replaces the
 * whole object the way `kubectl apply` does (which always sends one).
 */
export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown, path = 'metadata'): FieldError[] {
  const m = obj(meta);
  const o = obj(oldMeta);
  const errs: FieldError[] = [];
  for (const key of ['name', 'namespace', 'uid'] as const) {
    if (o[key] !== undefined && m[key] !== undefined && m[key] !== o[key]) {
      errs.push({ type: 'Invalid', field: `${path}.${key}`, value: m[key], detail: 'field is immutable' });
    }
  }
  return errs;
}

/** apimachinery ValidateNonnegativeField. */
export function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [{ type: 'Invalid', field, value, detail: isNegativeErrorMsg }] : [];
}

/** field.NotSupported with its list of allowed values (in the order the Go code lists them). */
export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  return { type: 'NotSupported', field, value, supported };
}

/** The API server joins errors after dropping exact repeats (field.ErrorList.ToAggregate). */
export function dedupe(errors: FieldError[], format: (e: FieldError) => string): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = format(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
