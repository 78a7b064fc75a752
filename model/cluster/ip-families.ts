/**
 * A Service's IP-family fields as the API server settles them on a single-stack IPv4 cluster
 * (the only kind the model configures): KK v1.37.2 pkg/registry/core/service/storage/alloc.go
 * initIPFamilyFields, which runs before any IP is allocated.
 *
 * - An omitted ipFamilyPolicy is the old object's on update; else RequireDualStack for a headless
 *   Service without a selector, SingleStack for any other.
 * - A headless Service without a selector may hold both families whatever the cluster has: it gets
 *   the second one unless SingleStack.
 * - Any other Service may not demand dual-stack here, nor a family the cluster lacks. So a headless
 *   Service created without a selector (RequireDualStack by default) is refused an update that adds
 *   one without also setting the policy (seen against the real control plane, docs/fidelity.md F24).
 */
import type { FieldError } from '../k8s/field-errors.ts';
import type { ServiceSpec } from '../k8s/objects.ts';

const CLUSTER_FAMILY = 'IPv4';
const other = (f: string) => (f === 'IPv4' ? 'IPv6' : 'IPv4');

/** Fills `spec` (a copy the caller owns) in place; the errors refuse the request as Invalid. */
export function initIPFamilyFields(spec: ServiceSpec, old: ServiceSpec | undefined): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const headlessSelectorless = spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0;
  spec.ipFamilyPolicy ??= old?.ipFamilyPolicy ?? (headlessSelectorless ? 'RequireDualStack' : 'SingleStack');
  let families = [...(spec.ipFamilies ?? [])];
  const errs: FieldError[] = [];
  const policy = (detail: string): FieldError => ({ type: 'Invalid', field: 'spec.ipFamilyPolicy', value: spec.ipFamilyPolicy, detail });
  if (old) {
    const oldFamilies = old.ipFamilies ?? [];
    const same = families.length === oldFamilies.length && families.every((f, i) => f === oldFamilies[i]);
    if (spec.ipFamilyPolicy === 'SingleStack') {
      if (same && families.length > 1) families = families.slice(0, 1);
    } else if (families.length > 0 && families.length < oldFamilies.length) {
      errs.push(policy("must be 'SingleStack' to release the secondary IP family"));
    }
  }
  if (spec.ipFamilyPolicy === 'SingleStack' && families.length === 2) {
    errs.push(policy("must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  if (errs.length) return errs;
  if (headlessSelectorless) {
    if (families.length === 0) families = [CLUSTER_FAMILY];
    if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') families.push(other(families[0]));
    spec.ipFamilies = families;
    return [];
  }
  if (spec.ipFamilyPolicy === 'RequireDualStack') errs.push(policy('this cluster is not configured for dual-stack services'));
  families.forEach((f, i) => {
    if (f !== CLUSTER_FAMILY) errs.push({ type: 'Invalid', field: `spec.ipFamilies[${i}]`, value: f, detail: 'not configured on this cluster' });
  });
  if (errs.length) return errs;
  spec.ipFamilies = families.length ? families : [CLUSTER_FAMILY];
  return [];
}
