/**
 * API validation errors, worded as apimachinery's field.Error prints them
 * (k8s.io/apimachinery/pkg/util/validation/field/errors.go): `<path>: <Kind>: <detail>`,
 * joined as `[e1, e2]` inside `The <Kind> "<name>" is invalid: ...` (StatusReasonInvalid).
 */

export type FieldErrorType = 'Required' | 'Invalid' | 'Duplicate' | 'NotSupported' | 'Forbidden' | 'TooLong' | 'TooMany';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The offending value (Invalid, Duplicate, NotSupported). */
  value?: unknown;
  detail?: string;
  /** For NotSupported: the values allowed. */
  supported?: string[];
}

export interface ApiError {
  reason: 'Invalid' | 'AlreadyExists' | 'NotFound' | 'Conflict' | 'Forbidden' | 'BadRequest' | 'InternalError';
  message: string;
  causes?: { reason: string; message: string; field: string }[];
}

/** Go's %#v / %q rendering as the API server shows it: strings quoted, numbers bare. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return `[]string{${value.map((v) => JSON.stringify(v)).join(', ')}}`;
  }
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  Duplicate: 'Duplicate value',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
};

const CAUSE_REASON: Record<FieldErrorType, string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  Duplicate: 'FieldValueDuplicate',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
};

/** The error text without the field path, as it appears in a status cause. */
export function errorBody(e: FieldError): string {
  const kind = TYPE_TEXT[e.type];
  switch (e.type) {
    case 'Required':
    case 'Forbidden':
    case 'TooLong':
    case 'TooMany':
      // apimachinery omits the value for these: `Too long: must have at most 250 bytes`.
      return e.detail ? `${kind}: ${e.detail}` : kind;
    case 'NotSupported': {
      const allowed = (e.supported ?? []).map((s) => JSON.stringify(s)).join(', ');
      return `${kind}: ${formatValue(e.value)}: supported values: ${allowed}`;
    }
    case 'Duplicate':
      return `${kind}: ${formatValue(e.value)}`;
    default:
      return e.detail ? `${kind}: ${formatValue(e.value)}: ${e.detail}` : `${kind}: ${formatValue(e.value)}`;
  }
}

export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** `The Service "kubia" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive` */
export function invalid(kind: string, name: string, errors: FieldError[]): ApiError {
  const parts = errors.map(formatFieldError);
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return {
    reason: 'Invalid',
    message: `The ${kind} "${name}" is invalid: ${joined}`,
    causes: errors.map((e) => ({ reason: CAUSE_REASON[e.type], message: errorBody(e), field: e.field })),
  };
}

export function notFound(resource: string, name: string): ApiError {
  return { reason: 'NotFound', message: `${resource} "${name}" not found` };
}

export function alreadyExists(resource: string, name: string): ApiError {
  return { reason: 'AlreadyExists', message: `${resource} "${name}" already exists` };
}
