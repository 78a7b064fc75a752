/**
 * ReplicationController validation (input already defaulted).
 * Source: KK pkg/apis/core/validation/validation.go (ValidateReplicationController,
 * ValidateReplicationControllerSpec, ValidateNonEmptySelector, ValidatePodTemplateSpecForRC,
 * ValidatePodTemplateSpec). Paths are the API server's, including `spec.template.labels` for the
 * template's label syntax next to `spec.template.metadata.labels` for the selector mismatch.
 */
import type { FieldError } from '../field-errors.ts';
import type { ReplicationController } from '../objects.ts';
import { goStringMap, isDNS1123Subdomain } from './names.ts';
import {
  isObj, nonNegative, notSupported, obj, validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate,
} from './meta.ts';
import { validatePodSpec } from './pod.ts';

/** Equality-based selection: every selector pair must be among the labels. */
const matches = (selector: Record<string, unknown>, labels: Record<string, unknown>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

export function validateReplicationController(rc: ReplicationController, old?: ReplicationController): FieldError[] {
  const errs: FieldError[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(rc.metadata, old.metadata));
  errs.push(...validateObjectMeta(rc.metadata, true, isDNS1123Subdomain));
  const spec = obj(rc.spec);
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const selector = obj(spec.selector);
  if (Object.keys(selector).length === 0) errs.push({ type: 'Required', field: 'spec.selector' });
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  if (!isObj(spec.template)) {
    errs.push({ type: 'Required', field: 'spec.template' });
    return errs;
  }
  const meta = obj(spec.template.metadata);
  const labels = obj(meta.labels);
  if (Object.keys(selector).length > 0 && !matches(selector, labels)) {
    errs.push({
      type: 'Invalid', field: 'spec.template.metadata.labels',
      value: goStringMap(isObj(meta.labels) ? (meta.labels as Record<string, string>) : null),
      detail: '`selector` does not match template `labels`',
    });
  }
  errs.push(...validateLabels(meta.labels, 'spec.template.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'spec.template.annotations'));
  errs.push(...validatePodSpec(spec.template.spec, 'spec.template.spec', false));
  const tspec = obj(spec.template.spec);
  // An RC replaces pods; a pod that may end would leave the count short.
  if (tspec.restartPolicy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', tspec.restartPolicy ?? '', ['Always']));
  if (tspec.activeDeadlineSeconds !== undefined && tspec.activeDeadlineSeconds !== null) {
    errs.push({ type: 'Forbidden', field: 'spec.template.spec.activeDeadlineSeconds', detail: 'activeDeadlineSeconds in ReplicationController is not Supported' });
  }
  return errs;
}
