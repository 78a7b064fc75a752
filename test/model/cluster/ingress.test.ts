// Cases from kubernetes/website content/en/docs/concepts/services-networking/ingress.md (path-matching
// examples and hostname wildcards tables) and kubernetes-sigs/ingress-controller-conformance
// features/{host_rules,path_rules,default_backend,ingress_class}.feature, restated here.
import { describe, expect, it } from 'vitest';
import { ingressClassOf, isServed, matchHost, matchPath, route } from '../../../model/cluster/ingress.ts';
import type { HTTPIngressPath, Ingress, IngressBackend, IngressClass, IngressRule, PathType } from '../../../model/k8s/objects.ts';

const svc = (name: string, number = 8080): IngressBackend => ({ service: { name, port: { number } } });
const p = (path: string, pathType: PathType = 'Prefix', to = path): HTTPIngressPath => ({ path, pathType, backend: svc(to) });
const rule = (host: string | undefined, ...paths: HTTPIngressPath[]): IngressRule => ({ host, http: { paths } });

function ing(name: string, spec: Ingress['spec'], meta: Partial<Ingress['metadata']> = {}): Ingress {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'default', ...meta }, spec };
}
function cls(name: string, controller: string, isDefault = false): IngressClass {
  const annotations = isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : undefined;
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, annotations }, spec: { controller } };
}

/** The service a request reaches, or 404. */
function serviceFor(ingresses: Ingress[], host: string, path: string): string | 404 {
  const r = route(ingresses, host, path);
  return 'status' in r ? r.status : r.backend.service!.name;
}
/** One Ingress with one host-less rule holding these paths (each path's backend named after it). */
const only = (...paths: HTTPIngressPath[]) => [ing('paths', { rules: [rule(undefined, ...paths)] })];

describe('path matching: the docs examples table', () => {
  it.each<[string, HTTPIngressPath[], string, string | 404]>([
    ['Prefix / matches all paths', [p('/')], '/anything/at/all', '/'],
    ['Exact /foo matches /foo', [p('/foo', 'Exact')], '/foo', '/foo'],
    ['Exact /foo does not match /bar', [p('/foo', 'Exact')], '/bar', 404],
    ['Exact /foo does not match /foo/', [p('/foo', 'Exact')], '/foo/', 404],
    ['Exact /foo/ does not match /foo', [p('/foo/', 'Exact')], '/foo', 404],
    ['Prefix /foo matches /foo', [p('/foo')], '/foo', '/foo'],
    ['Prefix /foo matches /foo/', [p('/foo')], '/foo/', '/foo'],
    ['Prefix /foo/ matches /foo', [p('/foo/')], '/foo', '/foo/'],
    ['Prefix /foo/ matches /foo/', [p('/foo/')], '/foo/', '/foo/'],
    ['Prefix /aaa/bb does not match /aaa/bbb', [p('/aaa/bb')], '/aaa/bbb', 404],
    ['Prefix /aaa/bbb matches /aaa/bbb', [p('/aaa/bbb')], '/aaa/bbb', '/aaa/bbb'],
    ['Prefix /aaa/bbb/ matches /aaa/bbb, ignoring the trailing slash', [p('/aaa/bbb/')], '/aaa/bbb', '/aaa/bbb/'],
    ['Prefix /aaa/bbb matches /aaa/bbb/, matching the trailing slash', [p('/aaa/bbb')], '/aaa/bbb/', '/aaa/bbb'],
    ['Prefix /aaa/bbb matches the subpath /aaa/bbb/ccc', [p('/aaa/bbb')], '/aaa/bbb/ccc', '/aaa/bbb'],
    ['Prefix /aaa/bbb does not match the string prefix /aaa/bbbxyz', [p('/aaa/bbb')], '/aaa/bbbxyz', 404],
    ['Prefix /, /aaa: /aaa/ccc takes /aaa', [p('/'), p('/aaa')], '/aaa/ccc', '/aaa'],
    ['Prefix /, /aaa, /aaa/bbb: /aaa/bbb takes /aaa/bbb', [p('/'), p('/aaa'), p('/aaa/bbb')], '/aaa/bbb', '/aaa/bbb'],
    ['Prefix /, /aaa, /aaa/bbb: /ccc takes /', [p('/'), p('/aaa'), p('/aaa/bbb')], '/ccc', '/'],
    ['Prefix /aaa does not match /ccc (default backend, here none)', [p('/aaa')], '/ccc', 404],
    ['Mixed Prefix /foo and Exact /foo: /foo prefers Exact', [p('/foo', 'Prefix', 'prefix'), p('/foo', 'Exact', 'exact')], '/foo', 'exact'],
  ])('%s', (_name, paths, request, expected) => {
    expect(serviceFor(only(...paths), 'any.example.com', request)).toBe(expected);
  });

  it('is case-sensitive for Exact and Prefix', () => {
    expect(matchPath(p('/foo', 'Exact'), '/FOO')).toBeUndefined();
    expect(matchPath(p('/foo'), '/FOO')).toBeUndefined();
  });

  it('ranks longer matches higher and, on equal length, Exact over Prefix', () => {
    expect(matchPath(p('/aaa/bbb'), '/aaa/bbb/c')!).toBeGreaterThan(matchPath(p('/aaa'), '/aaa/bbb/c')!);
    expect(matchPath(p('/foo', 'Exact'), '/foo')!).toBeGreaterThan(matchPath(p('/foo'), '/foo')!);
    expect(matchPath(p('/'), '/x')).toBe(0);
  });

  it('decides A4.1 for Exact /foo vs Prefix /foo/ on /foo: Exact (trailing slash does not lengthen a Prefix)', () => {
    expect(serviceFor(only(p('/foo/', 'Prefix', 'prefix'), p('/foo', 'Exact', 'exact')), 'h', '/foo')).toBe('exact');
    expect(serviceFor(only(p('/foo/', 'Prefix', 'prefix'), p('/foo', 'Exact', 'exact')), 'h', '/foo/')).toBe('prefix');
  });

  it('treats ImplementationSpecific as Prefix, an empty path as /', () => {
    expect(matchPath(p('/aaa', 'ImplementationSpecific'), '/aaa/b')).toBe(matchPath(p('/aaa'), '/aaa/b'));
    expect(matchPath({ pathType: 'ImplementationSpecific', backend: svc('x') }, '/anything')).toBe(0);
  });

  it('ignores the query string and fragment', () => {
    expect(matchPath(p('/foo', 'Exact'), '/foo?x=/bar#frag')).toBeDefined();
  });
});

describe('host matching', () => {
  it.each<[string | undefined, string, boolean]>([
    ['*.foo.com', 'bar.foo.com', true],
    ['*.foo.com', 'baz.bar.foo.com', false],
    ['*.foo.com', 'foo.com', false],
    ['foo.bar.com', 'foo.bar.com', true],
    ['foo.bar.com', 'FOO.Bar.com', true],
    ['foo.bar.com', 'subdomain.bar.com', false],
    ['foo.bar.com', 'foo.bar.com:8080', true],
    ['*.foo.com', 'bar.foo.com:80', true],
    [undefined, 'anything.example', true],
    [undefined, '', true],
  ])('rule host %s vs request host %s → %s', (ruleHost, requestHost, expected) => {
    expect(matchHost(ruleHost, requestHost)).toBe(expected);
  });
});

describe('route', () => {
  it("sends kubia.example.com to kubia:80 through the seed's Ingress, other hosts to 404", () => {
    const seed = ing('kubia', { rules: [{ host: 'kubia.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('kubia', 80) }] } }] });
    const r = route([seed], 'kubia.example.com', '/');
    expect(r).toEqual({ ingress: seed, backend: { service: { name: 'kubia', port: { number: 80 } } }, rule: 0, path: '/' });
    expect(serviceFor([seed], 'kubia.example.com', '/some/page')).toBe('kubia');
    expect(serviceFor([seed], 'other.example.com', '/')).toBe(404);
  });

  describe('conformance host_rules.feature', () => {
    const hostRules = [ing('host-rules', {
      rules: [rule('*.foo.com', p('/', 'Prefix', 'wildcard-foo-com')), rule('foo.bar.com', p('/', 'Prefix', 'foo-bar-com'))],
    })];
    it.each<[string, string | 404]>([
      ['foo.bar.com', 'foo-bar-com'],
      ['subdomain.bar.com', 404],
      ['bar.foo.com', 'wildcard-foo-com'],
      ['baz.bar.foo.com', 404],
      ['foo.com', 404],
    ])('%s → %s', (host, expected) => expect(serviceFor(hostRules, host, '/')).toBe(expected));
  });

  describe('conformance path_rules.feature', () => {
    const pathRules = [ing('path-rules', {
      rules: [
        rule('exact-path-rules', p('/foo', 'Exact', 'foo-exact')),
        rule('prefix-path-rules', p('/foo', 'Prefix', 'foo-prefix'), p('/aaa/bbb', 'Prefix', 'aaa-slash-bbb-prefix'), p('/aaa', 'Prefix', 'aaa-prefix')),
        rule('mixed-path-rules', p('/foo', 'Prefix', 'foo-prefix'), p('/foo', 'Exact', 'foo-exact')),
        rule('trailing-slash-path-rules', p('/aaa/bbb/', 'Prefix', 'aaa-slash-bbb-slash-prefix'), p('/foo/', 'Exact', 'foo-slash-exact')),
      ],
    })];
    it.each<[string, string, string | 404]>([
      ['exact-path-rules', '/foo', 'foo-exact'],
      ['exact-path-rules', '/foo/', 404],
      ['exact-path-rules', '/FOO', 404],
      ['exact-path-rules', '/bar', 404],
      ['prefix-path-rules', '/foo', 'foo-prefix'],
      ['prefix-path-rules', '/foo/', 'foo-prefix'],
      ['prefix-path-rules', '/FOO', 404],
      ['prefix-path-rules', '/aaa/bbb', 'aaa-slash-bbb-prefix'],
      ['prefix-path-rules', '/aaa/bbb/ccc', 'aaa-slash-bbb-prefix'],
      ['prefix-path-rules', '/aaa/ccc', 'aaa-prefix'],
      ['prefix-path-rules', '/aaaccc', 404],
      ['mixed-path-rules', '/foo', 'foo-exact'],
      ['trailing-slash-path-rules', '/aaa/bbb', 'aaa-slash-bbb-slash-prefix'],
      ['trailing-slash-path-rules', '/aaa/bbb/', 'aaa-slash-bbb-slash-prefix'],
      ['trailing-slash-path-rules', '/foo', 404],
    ])('http://%s%s → %s', (host, path, expected) => expect(serviceFor(pathRules, host, path)).toBe(expected));
  });

  it('sends every request to the defaultBackend of a rule-less Ingress (default_backend.feature)', () => {
    const db = [ing('default-backend', { defaultBackend: svc('echo-service') })];
    for (const [host, path] of [['my-host', ''], ['my-host', '/sub-path'], ['some-host', '/'], ['', '/resource']]) {
      expect(route(db, host, path)).toEqual({ ingress: db[0], backend: svc('echo-service') });
    }
  });

  it('falls back to the same Ingress defaultBackend when no path matches, else 404', () => {
    const withDefault = ing('a', { defaultBackend: svc('fallback'), rules: [rule('foo.bar.com', p('/foo'))] });
    expect(serviceFor([withDefault], 'foo.bar.com', '/bar')).toBe('fallback');
    expect(serviceFor([withDefault], 'other.com', '/foo')).toBe('fallback'); // types.go: requests matching no rule
    expect(serviceFor([ing('b', { rules: [rule('foo.bar.com', p('/foo'))] })], 'foo.bar.com', '/bar')).toBe(404);
  });

  it('prefers an exact host over a wildcard over a host-less rule, by host alone (A4.3)', () => {
    const tiers = [ing('t', { rules: [rule(undefined, p('/', 'Prefix', 'any')), rule('*.bar.com', p('/w', 'Prefix', 'wild')), rule('foo.bar.com', p('/e', 'Prefix', 'exact'))] })];
    expect(serviceFor(tiers, 'foo.bar.com', '/e')).toBe('exact');
    expect(serviceFor(tiers, 'foo.bar.com', '/w')).toBe(404); // the host-less `/` is not consulted
    expect(serviceFor(tiers, 'baz.bar.com', '/w')).toBe('wild');
    expect(serviceFor(tiers, 'x.other.com', '/w')).toBe('any');
  });

  it('merges Ingresses for the same host; the older wins an identical path', () => {
    const older = ing('z-older', { rules: [rule('foo.bar.com', p('/api', 'Prefix', 'old-api'))] }, { creationTimestamp: '2024-01-01T00:00:00Z' });
    const newer = ing('a-newer', { rules: [rule('foo.bar.com', p('/api', 'Prefix', 'new-api'), p('/web', 'Prefix', 'web'))] }, { creationTimestamp: '2024-01-02T00:00:00Z' });
    expect(serviceFor([newer, older], 'foo.bar.com', '/api')).toBe('old-api');
    expect(serviceFor([newer, older], 'foo.bar.com', '/web')).toBe('web');
    // Same creation time: namespace/name order.
    const t = '2024-01-01T00:00:00Z';
    const a = ing('a', { rules: [rule('h.com', p('/', 'Prefix', 'from-a'))] }, { creationTimestamp: t });
    const b = ing('b', { rules: [rule('h.com', p('/', 'Prefix', 'from-b'))] }, { creationTimestamp: t });
    expect(serviceFor([b, a], 'h.com', '/')).toBe('from-a');
  });

  it('takes a defaultBackend from the host owner first, then a rule-less Ingress', () => {
    const owner = ing('owner', { defaultBackend: svc('owner-default'), rules: [rule('foo.bar.com', p('/foo'))] });
    const catchAll = ing('catch-all', { defaultBackend: svc('catch-all') });
    expect(serviceFor([catchAll, owner], 'foo.bar.com', '/x')).toBe('owner-default');
    expect(serviceFor([catchAll, owner], 'elsewhere.com', '/x')).toBe('catch-all');
  });

  it('returns 404 with no Ingress at all', () => {
    expect(route([], 'foo.bar.com', '/')).toEqual({ status: 404 });
  });
});

describe('IngressClass and controllers', () => {
  const nginx = cls('nginx', 'k8s.io/ingress-nginx');
  const seed = ing('kubia', { rules: [rule('kubia.example.com', p('/'))] });

  it('resolves ingressClassName, then the legacy annotation, then the single default class', () => {
    const other = cls('other', 'example.com/other', true);
    expect(ingressClassOf(ing('x', { ingressClassName: 'nginx', defaultBackend: svc('s') }), [nginx, other])).toBe(nginx);
    expect(ingressClassOf(ing('x', { defaultBackend: svc('s') }, { annotations: { 'kubernetes.io/ingress.class': 'nginx' } }), [nginx, other])).toBe(nginx);
    expect(ingressClassOf(seed, [nginx, other])).toBe(other);
    expect(ingressClassOf(seed, [nginx, other, cls('third', 'example.com/third', true)])).toBeUndefined();
  });

  it('serves an Ingress whose class controller is installed', () => {
    const named = ing('x', { ingressClassName: 'nginx', defaultBackend: svc('s') });
    expect(isServed(named, [nginx], ['k8s.io/ingress-nginx'])).toBe(true);
    expect(isServed(named, [nginx], ['example.com/other'])).toBe(false);
    expect(isServed(named, [nginx], [])).toBe(false);
  });

  it('never serves an Ingress naming a class that does not exist (ingress_class.feature)', () => {
    const invalidClass = ing('test-ingress-class', { ingressClassName: 'some-invalid-class-name', rules: [rule('ingress-class', p('/'))] });
    expect(isServed(invalidClass, [nginx], ['k8s.io/ingress-nginx'])).toBe(false);
    expect(isServed(invalidClass, [], ['k8s.io/ingress-nginx'])).toBe(false);
  });

  it('serves a class-less Ingress only when exactly one controller is installed (A4.9)', () => {
    expect(isServed(seed, [], ['k8s.io/ingress-nginx'])).toBe(true);
    expect(isServed(seed, [nginx], ['k8s.io/ingress-nginx'])).toBe(true);
    expect(isServed(seed, [], ['k8s.io/ingress-nginx', 'example.com/other'])).toBe(false);
    expect(isServed(seed, [], [])).toBe(false);
  });

  it('routes a class-less Ingress through the default class controller only', () => {
    const byDefault = [cls('nginx', 'k8s.io/ingress-nginx', true)];
    expect(isServed(seed, byDefault, ['k8s.io/ingress-nginx', 'example.com/other'])).toBe(true);
    expect(isServed(seed, byDefault, ['example.com/other'])).toBe(false);
  });
});
