// Cases derived from kubernetes/kubernetes pkg/apis/networking/validation/validation.go (+ _test.go):
// field paths and wording are the API server's, rendered by field-errors.ts.
import { describe, expect, it } from 'vitest';
import { formatFieldError, invalid } from '../../../model/k8s/field-errors.ts';
import type { HTTPIngressPath, Ingress, IngressBackend, IngressClass } from '../../../model/k8s/objects.ts';
import {
  defaultIngress,
  defaultIngressClass,
  validateIngress,
  validateIngressClass,
} from '../../../model/k8s/validation/ingress.ts';

const svc = (name = 'kubia', number = 80): IngressBackend => ({ service: { name, port: { number } } });

function ingress(spec: Ingress['spec'], meta: Partial<Ingress['metadata']> = {}): Ingress {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'kubia', namespace: 'default', ...meta }, spec };
}
const withPath = (p: Partial<HTTPIngressPath>, host?: string) =>
  ingress({ rules: [{ host, http: { paths: [{ pathType: 'Prefix', path: '/', backend: svc(), ...p } as HTTPIngressPath] } }] });
const messages = (ing: Ingress, old?: Ingress) => validateIngress(ing, old).map(formatFieldError);

const P = 'spec.rules[0].http.paths[0]';
const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const WILDCARD_MSG = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('validateIngress', () => {
  it("accepts the seed's kubia Ingress (host kubia.example.com, Prefix /, kubia:80)", () => {
    const seed = withPath({ path: '/', pathType: 'Prefix', backend: svc('kubia', 80) }, 'kubia.example.com');
    expect(validateIngress(seed)).toEqual([]);
  });

  it('requires pathType (v1 has no default for it)', () => {
    expect(messages(withPath({ pathType: undefined }))).toEqual([`${P}.pathType: Required value: pathType must be specified`]);
  });

  it('rejects an unknown pathType with the supported values, sorted', () => {
    expect(messages(withPath({ pathType: 'Regex' as never }))).toEqual([
      `${P}.pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"`,
    ]);
  });

  it.each([
    ['foo', "must be an absolute path"],
    ['/foo//bar', "must not contain '//'"],
    ['/foo/./bar', "must not contain '/./'"],
    ['/foo/../bar', "must not contain '/../'"],
    ['/foo%2fbar', "must not contain '%2f'"],
    ['/foo%2Fbar', "must not contain '%2F'"],
    ['/foo/..', "cannot end with '/..'"],
    ['/foo/.', "cannot end with '/.'"],
  ])('Prefix and Exact path %s: %s', (path, detail) => {
    for (const pathType of ['Prefix', 'Exact'] as const) {
      expect(messages(withPath({ path, pathType }))).toEqual([`${P}.path: Invalid value: "${path}": ${detail}`]);
    }
  });

  it('reports every bad sequence and suffix of one path', () => {
    expect(messages(withPath({ path: '/a/../b/..' }))).toEqual([
      `${P}.path: Invalid value: "/a/../b/..": must not contain '/../'`,
      `${P}.path: Invalid value: "/a/../b/..": cannot end with '/..'`,
    ]);
  });

  it('lets ImplementationSpecific paths be empty or regex-like, but absolute when set', () => {
    expect(messages(withPath({ pathType: 'ImplementationSpecific', path: '' }))).toEqual([]);
    expect(messages(withPath({ pathType: 'ImplementationSpecific', path: '/([a-z0-9]*)//..' }))).toEqual([]);
    expect(messages(withPath({ pathType: 'ImplementationSpecific', path: 'foo' }))).toEqual([
      `${P}.path: Invalid value: "foo": must be an absolute path`,
    ]);
  });

  it('requires either defaultBackend or rules', () => {
    expect(messages(ingress({}))).toEqual(['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified']);
    expect(messages(ingress({ rules: [] }))).toEqual(['spec: Invalid value: []networking.IngressRule{}: either `defaultBackend` or `rules` must be specified']);
    expect(messages(ingress({ defaultBackend: svc() }))).toEqual([]);
  });

  it('requires a non-empty http.paths', () => {
    expect(messages(ingress({ rules: [{ host: 'foo.bar.com', http: { paths: [] } }] }))).toEqual([
      'spec.rules[0].http.paths: Required value',
    ]);
  });

  it('accepts a rule with a host and no http (host-only rules are valid)', () => {
    expect(messages(ingress({ rules: [{ host: 'foo.bar.com' }] }))).toEqual([]);
  });

  it('rejects an IP address as host', () => {
    expect(messages(withPath({}, '1.2.3.4'))).toEqual(['spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address']);
    expect(messages(withPath({}, '::1'))).toEqual([
      'spec.rules[0].host: Invalid value: "::1": must be a DNS name, not an IP address',
      `spec.rules[0].host: Invalid value: "::1": ${SUBDOMAIN_MSG}`,
    ]);
  });

  it('requires a lower-case DNS-1123 subdomain host, without a port', () => {
    expect(messages(withPath({}, 'Foo.bar.com'))).toEqual([`spec.rules[0].host: Invalid value: "Foo.bar.com": ${SUBDOMAIN_MSG}`]);
    expect(messages(withPath({}, 'foo.bar.com:8080'))).toEqual([`spec.rules[0].host: Invalid value: "foo.bar.com:8080": ${SUBDOMAIN_MSG}`]);
  });

  it('accepts *.foo.com and rejects *, *.*.foo.com and f*.foo.com as wildcards', () => {
    expect(messages(withPath({}, '*.foo.com'))).toEqual([]);
    for (const host of ['*', '*.*.foo.com', 'f*.foo.com', '*foo.com']) {
      expect(messages(withPath({}, host))).toEqual([`spec.rules[0].host: Invalid value: "${host}": ${WILDCARD_MSG}`]);
    }
  });

  it('requires exactly one of service and resource in a backend', () => {
    const both: IngressBackend = { ...svc(), resource: { kind: 'StorageBucket', name: 'b' } };
    expect(messages(ingress({ defaultBackend: both }))).toEqual([
      'spec.defaultBackend: Invalid value: "": cannot set both resource and service backends',
    ]);
    expect(messages(ingress({ defaultBackend: {} }))).toEqual([
      'spec.defaultBackend: Invalid value: "": resource or service backend is required',
    ]);
    expect(messages(ingress({ defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } } }))).toEqual([]);
    expect(messages(ingress({ defaultBackend: { resource: { kind: '', name: 'a/b' } } }))).toEqual([
      'spec.defaultBackend.resource.kind: Required value',
      "spec.defaultBackend.resource.name: Invalid value: \"a/b\": may not contain '/'",
    ]);
  });

  it('requires a service port name xor number', () => {
    const b = (port: { name?: string; number?: number }): IngressBackend => ({ service: { name: 'kubia', port } });
    expect(messages(ingress({ defaultBackend: b({ name: 'http', number: 80 }) }))).toEqual([
      'spec.defaultBackend: Invalid value: "": cannot set both port name & port number',
    ]);
    expect(messages(ingress({ defaultBackend: b({}) }))).toEqual(['spec.defaultBackend: Required value: port name or number is required']);
    expect(messages(ingress({ defaultBackend: b({ name: 'http' }) }))).toEqual([]);
    expect(messages(ingress({ defaultBackend: b({ number: 70000 }) }))).toEqual([
      'spec.defaultBackend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
    expect(messages(ingress({ defaultBackend: b({ name: 'HTTP' }) }))).toEqual([
      'spec.defaultBackend.service.port.name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.defaultBackend.service.port.name: Invalid value: "HTTP": must contain at least one letter (a-z)',
    ]);
  });

  it('requires a DNS-1035 service name', () => {
    expect(messages(ingress({ defaultBackend: { service: { name: '', port: { number: 80 } } } }))).toEqual([
      'spec.defaultBackend.service.name: Required value',
    ]);
    expect(messages(ingress({ defaultBackend: svc('1kubia') }))).toEqual([
      "spec.defaultBackend.service.name: Invalid value: \"1kubia\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('checks path backends under the path', () => {
    expect(messages(withPath({ backend: {} }))).toEqual([`${P}.backend: Invalid value: "": resource or service backend is required`]);
  });

  it('rejects a class annotation that disagrees with ingressClassName, on create only', () => {
    const both = (annotation: string) =>
      ingress({ ingressClassName: 'nginx', defaultBackend: svc() }, { annotations: { 'kubernetes.io/ingress.class': annotation } });
    expect(messages(both('nginx'))).toEqual([]);
    expect(messages(both('alb'))).toEqual([
      'annotations.kubernetes.io/ingress.class: Invalid value: "alb": must match `ingressClassName` when both are specified',
    ]);
    expect(messages(both('alb'), both('nginx'))).toEqual([]);
  });

  it('requires a DNS-1123 subdomain name and ingressClassName', () => {
    expect(messages(ingress({ defaultBackend: svc() }, { name: 'Kubia' }))).toEqual([`metadata.name: Invalid value: "Kubia": ${SUBDOMAIN_MSG}`]);
    expect(messages(ingress({ defaultBackend: svc() }, { name: undefined }))).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
    expect(messages(ingress({ defaultBackend: svc(), ingressClassName: 'Nginx' }))).toEqual([
      `spec.ingressClassName: Invalid value: "Nginx": ${SUBDOMAIN_MSG}`,
    ]);
  });

  it('keeps tolerating an invalid wildcard rule already stored, on update', () => {
    const bad = withPath({ path: '/foo//bar' }, '*.foo.com');
    expect(messages(bad)).toHaveLength(1);
    expect(messages(bad, bad)).toEqual([]);
  });

  it('renders as the API server words a refused create', () => {
    expect(invalid('Ingress', 'kubia', validateIngress(withPath({ pathType: undefined }))).message).toBe(
      `The Ingress "kubia" is invalid: ${P}.pathType: Required value: pathType must be specified`,
    );
  });

  it('defaults nothing on a v1 Ingress', () => {
    const ing = withPath({});
    expect(defaultIngress(ing)).toEqual(ing);
  });
});

describe('validateIngressClass', () => {
  const cls = (controller?: string, extra: Partial<IngressClass['spec']> = {}): IngressClass => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller, ...extra },
  });
  const msgs = (c: IngressClass, old?: IngressClass) => validateIngressClass(c, old).map(formatFieldError);

  it('accepts a domain-prefixed controller', () => {
    expect(msgs(cls('k8s.io/ingress-nginx'))).toEqual([]);
  });

  it('requires a controller', () => {
    expect(msgs(cls())).toEqual(['spec.controller: Required value']);
  });

  it('requires a domain-prefixed path', () => {
    expect(msgs(cls('ingress-nginx'))).toEqual([
      'spec.controller: Invalid value: "ingress-nginx": must be a domain-prefixed path (such as "acme.io/foo")',
    ]);
    expect(msgs(cls('K8s.io/nginx'))).toEqual([`spec.controller: Invalid value: "K8s.io": ${SUBDOMAIN_MSG}`]);
    expect(msgs(cls('k8s.io/a b'))).toEqual([
      "spec.controller: Invalid value: \"a b\": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')",
    ]);
  });

  it('limits the controller to 250 bytes', () => {
    const errs = validateIngressClass(cls(`k8s.io/${'a'.repeat(244)}`));
    expect(errs).toEqual([{ type: 'TooLong', field: 'spec.controller', detail: 'must have at most 250 bytes' }]);
    expect(validateIngressClass(cls(`k8s.io/${'a'.repeat(243)}`))).toEqual([]);
  });

  it('makes the controller immutable', () => {
    expect(msgs(cls('example.com/other'), cls('k8s.io/ingress-nginx'))).toEqual([
      'spec.controller: Invalid value: "example.com/other": field is immutable',
    ]);
    expect(msgs(cls('k8s.io/ingress-nginx'), cls('k8s.io/ingress-nginx'))).toEqual([]);
  });

  it('defaults parameters.scope to Cluster and checks the reference', () => {
    const params = { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' };
    const defaulted = defaultIngressClass(cls('k8s.io/ingress-nginx', { parameters: params }));
    expect(defaulted.spec.parameters).toEqual({ ...params, scope: 'Cluster' });
    expect(msgs(defaulted)).toEqual([]);
    expect(msgs(cls('k8s.io/ingress-nginx', { parameters: { ...params, scope: 'Namespace' } }))).toEqual([
      "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
    ]);
    expect(msgs(cls('k8s.io/ingress-nginx', { parameters: { ...params, scope: 'Cluster', namespace: 'x' } }))).toEqual([
      "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'",
    ]);
  });
});
