/**
 * The one entry point for API-server admission of a manifest: shape check, defaulting, then the
 * kind's validation (with the stored object on update). Refusals are worded as the API server words
 * them: `The Service "x" is invalid: ...` (invalid() in field-errors.ts), after dropping exact
 * repeats as field.ErrorList.ToAggregate does.
 */
import type { AnyObject, KubeObject } from '../objects.ts';
import { formatFieldError, invalid, type ApiError, type FieldError } from '../field-errors.ts';
import { defaultEndpoints, defaultNode, defaultPod, defaultReplicationController, defaultService } from '../defaults.ts';
import { dedupe } from './meta.ts';
import { validateObjectShape } from './shape.ts';
import { validatePod } from './pod.ts';
import { validateService } from './service.ts';
import { validateEndpoints } from './endpoints.ts';
import { validateReplicationController } from './replication-controller.ts';
import { validateNode } from './node.ts';
import { defaultIngress, defaultIngressClass, validateIngress, validateIngressClass } from './ingress.ts';

export interface KindValidation {
  default(obj: KubeObject): KubeObject;
  validate(obj: KubeObject, old?: KubeObject): FieldError[];
}

// Each kind's pair is typed for its own object; the table erases that to KubeObject.
const entry = <T extends KubeObject>(d: (o: T) => T, v: (o: T, old?: T) => FieldError[]): KindValidation => ({
  default: (o) => d(o as T),
  validate: (o, old) => v(o as T, old as T | undefined),
});

const TABLE: Record<string, KindValidation> = {
  Pod: entry(defaultPod, validatePod),
  Service: entry(defaultService, validateService),
  Endpoints: entry(defaultEndpoints, validateEndpoints),
  ReplicationController: entry(defaultReplicationController, validateReplicationController),
  Node: entry(defaultNode, validateNode),
  Ingress: entry(defaultIngress, validateIngress),
  IngressClass: entry(defaultIngressClass, validateIngressClass),
};

export function validationFor(kind: string): KindValidation | undefined {
  return Object.hasOwn(TABLE, kind) ? TABLE[kind] : undefined;
}

export type AdmissionResult =
  | { ok: true; object: AnyObject }
  | { ok: false; errors: FieldError[]; error: ApiError };

function refuse(o: unknown, errors: FieldError[]): AdmissionResult {
  const rec = (typeof o === 'object' && o !== null ? o : {}) as { kind?: unknown; metadata?: { name?: unknown } };
  const kind = typeof rec.kind === 'string' && rec.kind ? rec.kind : 'Object';
  const name = typeof rec.metadata?.name === 'string' ? rec.metadata.name : '';
  const unique = dedupe(errors, formatFieldError);
  return { ok: false, errors: unique, error: invalid(kind, name, unique) };
}

/**
 * Default and validate a manifest. `old` is the stored object when this is an update.
 * `prepareForUpdate` is the registry's PrepareForUpdate (patchAllocatedValues, dropTypeDependentFields):
 * it runs between defaulting and validation, so server-set values the update omits (clusterIP,
 * nodePorts, healthCheckNodePort) are copied from `old` before the immutability rules look at them.
 */
export function defaultAndValidate(obj: unknown, old?: AnyObject, prepareForUpdate?: (defaulted: never) => KubeObject): AdmissionResult {
  const shape = validateObjectShape(obj);
  if (shape.length > 0) return refuse(obj, shape);
  const kv = validationFor((obj as KubeObject).kind);
  if (!kv) return refuse(obj, [{ type: 'NotSupported', field: 'kind', value: (obj as KubeObject).kind, supported: Object.keys(TABLE) }]);
  const defaulted = kv.default(obj as KubeObject);
  const prepared = prepareForUpdate ? prepareForUpdate(defaulted as never) : defaulted;
  const errors = kv.validate(prepared, old);
  return errors.length > 0 ? refuse(prepared, errors) : { ok: true, object: prepared as AnyObject };
}

export { validateObjectShape } from './shape.ts';
export { validatePod } from './pod.ts';
export { validateService } from './service.ts';
export { validateEndpoints } from './endpoints.ts';
export { validateReplicationController } from './replication-controller.ts';
export { validateNode } from './node.ts';
export { defaultEndpoints, defaultNode, defaultPod, defaultReplicationController, defaultService } from '../defaults.ts';
