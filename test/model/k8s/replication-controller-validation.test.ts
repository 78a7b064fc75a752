// Cases follow TestValidateReplicationController in kubernetes/kubernetes
// pkg/apis/core/validation/validation_test.go (restated with our own data).
import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../../model/k8s/field-errors.ts';
import type { PodSpec, ReplicationController } from '../../../model/k8s/objects.ts';
import { defaultReplicationController } from '../../../model/k8s/defaults.ts';
import { validateReplicationController } from '../../../model/k8s/validation/replication-controller.ts';

type Spec = ReplicationController['spec'];
const podSpec = (s: Partial<PodSpec> = {}): PodSpec => ({ containers: [{ name: 'kubia', image: 'luksa/kubia', ports: [{ containerPort: 8080 }] }], ...s });
function rc(spec: Partial<Spec> = {}, name = 'kubia'): ReplicationController {
  return defaultReplicationController({
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name },
    spec: { replicas: 3, selector: { app: 'kubia' }, template: { metadata: { labels: { app: 'kubia' } }, spec: podSpec() }, ...spec },
  });
}
const msgs = (r: ReplicationController, old?: ReplicationController) => validateReplicationController(r, old).map(formatFieldError);

describe('validateReplicationController', () => {
  it('accepts the seed kubia RC', () => {
    expect(msgs(rc())).toEqual([]);
  });

  it('requires a subdomain name', () => {
    expect(msgs(rc({}, 'Kubia'))[0]).toMatch(/^metadata\.name: Invalid value: "Kubia": a lowercase RFC 1123 subdomain/);
  });

  it('requires the selector to match the template labels', () => {
    expect(msgs(rc({ selector: { app: 'other' } }))).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"kubia"}: `selector` does not match template `labels`',
    ]);
  });

  it('requires a template (and then has no selector to default from)', () => {
    expect(msgs(rc({ template: undefined, selector: undefined }))).toEqual(['spec.selector: Required value', 'spec.template: Required value']);
  });

  it('refuses negative replicas and minReadySeconds', () => {
    expect(msgs(rc({ replicas: -1 }))).toEqual(['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
    expect(msgs(rc({ minReadySeconds: -5 }))).toEqual(['spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0']);
  });

  it('allows only restartPolicy Always in the template', () => {
    expect(msgs(rc({ template: { metadata: { labels: { app: 'kubia' } }, spec: podSpec({ restartPolicy: 'OnFailure' }) } }))).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]);
  });

  it('forbids activeDeadlineSeconds in the template', () => {
    expect(msgs(rc({ template: { metadata: { labels: { app: 'kubia' } }, spec: podSpec({ activeDeadlineSeconds: 60 }) } }))).toEqual([
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported',
    ]);
  });

  it('validates the pod template spec under spec.template.spec', () => {
    const spec = podSpec({ containers: [{ name: 'kubia', image: '' }] });
    expect(msgs(rc({ template: { metadata: { labels: { app: 'kubia' } }, spec } }))).toEqual(['spec.template.spec.containers[0].image: Required value']);
  });

  it('checks template label syntax under spec.template.labels (and on the RC, which defaulting labelled alike)', () => {
    const labels = { app: 'kubia', tier: '-web' };
    const detail = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    expect(msgs(rc({ template: { metadata: { labels }, spec: podSpec() } }))).toEqual([
      `metadata.labels: Invalid value: "-web": ${detail}`,
      `spec.template.labels: Invalid value: "-web": ${detail}`,
    ]);
  });

  it('allows scaling on update', () => {
    expect(msgs(rc({ replicas: 5 }), rc())).toEqual([]);
  });
});
