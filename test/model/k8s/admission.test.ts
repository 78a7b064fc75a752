// The single entry point: shape check -> defaulting -> validation, refusals worded as the API server's
// StatusReasonInvalid (`The Service "x" is invalid: ...`, several errors joined in brackets).
import { describe, expect, it } from 'vitest';
import { defaultAndValidate, validateObjectShape, validationFor } from '../../../model/k8s/validation/index.ts';
import { formatFieldError } from '../../../model/k8s/field-errors.ts';
import type { AnyObject, Service } from '../../../model/k8s/objects.ts';

const seed = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubia' }, spec: { selector: { app: 'kubia' }, ports: [{ port: 80, targetPort: 8080 }] } };
const shape = (o: unknown) => validateObjectShape(o).map(formatFieldError);

describe('validateObjectShape', () => {
  it('needs a name (or generateName) before anything else', () => {
    expect(shape({ kind: 'Pod', metadata: {} })).toEqual(['metadata.name: Required value: name or generateName is required']);
    expect(shape({ kind: 'Pod' })).toEqual(['metadata.name: Required value: name or generateName is required']);
    expect(shape({ kind: 'Pod', metadata: { generateName: 'kubia-' } })).toEqual([]);
  });

  it('needs a known kind, in its own API version', () => {
    expect(shape({ metadata: { name: 'x' } })).toEqual(['kind: Required value']);
    expect(shape({ kind: 'Deployment', metadata: { name: 'x' } })).toEqual([
      'kind: Unsupported value: "Deployment": supported values: "Pod", "Service", "Endpoints", "ReplicationController", "Node", "Ingress", "IngressClass"',
    ]);
    expect(shape({ kind: 'Service', apiVersion: 'apps/v1', metadata: { name: 'x' } })).toEqual(['apiVersion: Unsupported value: "apps/v1": supported values: "v1"']);
    expect(shape({ kind: 'Service', metadata: { name: 'x' } })).toEqual([]);
  });

  it('refuses a non-object', () => {
    expect(shape('kind: Pod')).toEqual(['object: Invalid value: "string": must be a JSON object']);
  });
});

describe('defaultAndValidate', () => {
  it('returns the defaulted object when valid', () => {
    const r = defaultAndValidate(seed);
    expect(r.ok).toBe(true);
    if (r.ok) expect((r.object as Service).spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }] });
  });

  it('words a single refusal as the API server does', () => {
    const r = defaultAndValidate({ ...seed, spec: { ...seed.spec, ports: [{ port: 0, targetPort: 8080 }] } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.reason).toBe('Invalid');
      expect(r.error.message).toBe('The Service "kubia" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive');
      expect(r.error.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be between 1 and 65535, inclusive', field: 'spec.ports[0].port' }]);
    }
  });

  it('joins several errors in brackets', () => {
    // Port 0 with targetPort defaulted from it: two distinct errors.
    const r = defaultAndValidate({ ...seed, spec: { ports: [{ port: 0 }] } });
    expect(!r.ok && r.error.message).toBe('The Service "kubia" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, '
      + 'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]');
  });

  it('drops exact repeats, as field.ErrorList.ToAggregate does', () => {
    // Two labels with the same bad value yield the same text on the same path (metadata.labels).
    const r = defaultAndValidate({ kind: 'Node', metadata: { name: 'node-1', labels: { a: 'x_', b: 'x_' } } });
    expect(!r.ok && r.errors.map(formatFieldError)).toEqual([
      "metadata.labels: Invalid value: \"x_\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });

  it('refuses an object that fails the shape check without defaulting it', () => {
    const r = defaultAndValidate({ kind: 'Service', spec: {} });
    expect(!r.ok && r.error.message).toBe('The Service "" is invalid: metadata.name: Required value: name or generateName is required');
  });

  it('validates an update against the stored object', () => {
    const first = defaultAndValidate({ ...seed, spec: { ...seed.spec, clusterIP: '10.96.0.5' } });
    expect(first.ok).toBe(true);
    const stored = (first as { object: AnyObject }).object;
    const r = defaultAndValidate({ ...seed, spec: { ...seed.spec, clusterIP: '10.96.0.6' } }, stored);
    expect(!r.ok && r.error.message).toBe('The Service "kubia" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set');
  });

  it('runs prepareForUpdate between defaulting and validation', () => {
    const stored = (defaultAndValidate({ ...seed, spec: { ...seed.spec, clusterIP: '10.96.0.5' } }) as { object: AnyObject }).object;
    // Without the copy the omitted IP reads as an attempt to unset it; with it, the update passes.
    const bare = defaultAndValidate(seed, stored);
    expect(!bare.ok && bare.error.message).toBe('The Service "kubia" is invalid: spec.clusterIPs[0]: Invalid value: []string(nil): primary clusterIP can not be unset');
    const copyIP = (s: Service): Service => ({ ...s, spec: { ...s.spec, clusterIP: (stored as Service).spec.clusterIP } });
    const r = defaultAndValidate(seed, stored, copyIP as (d: never) => Service);
    expect(r.ok && (r.object as Service).spec.clusterIP).toBe('10.96.0.5');
  });

  it('serves every kind in KINDS, Ingress included', () => {
    for (const kind of ['Pod', 'Service', 'Endpoints', 'ReplicationController', 'Node', 'Ingress', 'IngressClass']) {
      expect(validationFor(kind)).toBeDefined();
    }
    expect(validationFor('Deployment')).toBeUndefined();
  });

  it('admits the seed objects of every kind this module owns', () => {
    const objects = [
      { kind: 'Pod', metadata: { name: 'kubia-manual' }, spec: { containers: [{ name: 'kubia', image: 'luksa/kubia', ports: [{ containerPort: 8080 }] }] } },
      { kind: 'Endpoints', metadata: { name: 'external-service' }, subsets: [{ addresses: [{ ip: '11.11.11.11' }], ports: [{ port: 80 }] }] },
      { kind: 'ReplicationController', metadata: { name: 'kubia' }, spec: { replicas: 3, template: { metadata: { labels: { app: 'kubia' } }, spec: { containers: [{ name: 'kubia', image: 'luksa/kubia' }] } } } },
      { kind: 'Node', metadata: { name: 'node-1' } },
    ];
    for (const o of objects) expect(defaultAndValidate(o)).toMatchObject({ ok: true });
  });
});
