/**
 * Generators for discovery and the edge: environment reads, DNS lookups under every spelling the
 * seed uses (kubia, kubia.default, kubia.default.svc, the full name, absolute), Ingresses and
 * IngressClasses over the scope's hosts and paths, and HTTP requests through them.
 */
import fc from 'fast-check';
import type { Operation } from '../../model/index.ts';
import type { Scope } from '../spec/types.ts';

const DEFAULT_HOSTS = ['kubia.example.com', 'foo.example.com'];
const DEFAULT_PATHS = ['/', '/foo', '/foo/bar'];
const CONTROLLER = 'k8s.io/ingress-nginx';

export function resolveArb(scope: Scope, pod: fc.Arbitrary<{ namespace: string; pod: string }>): fc.Arbitrary<Operation> {
  const domain = scope.cluster.clusterDomain ?? 'cluster.local';
  const name = fc.tuple(fc.constantFrom(...scope.services), fc.constantFrom(...scope.namespaces), fc.nat(4)).map(([svc, ns, form]) =>
    [svc, `${svc}.${ns}`, `${svc}.${ns}.svc`, `${svc}.${ns}.svc.${domain}`, `${svc}.${ns}.svc.${domain}.`][form],
  );
  return fc.tuple(pod, name, fc.constantFrom('A' as const, 'A' as const, 'SRV' as const)).map(([from, n, type]) => ({ op: 'resolve', from, name: n, type }) as Operation);
}

export function envArb(pod: fc.Arbitrary<{ namespace: string; pod: string }>): fc.Arbitrary<Operation> {
  return pod.map((r) => ({ op: 'env', ...r }) as Operation);
}

/** The Ingress names generators use (expose-ingress's `edge` among them), so deletes meet them. */
export const INGRESS_NAMES = ['web', 'edge'] as const;

export function ingressArb(scope: Scope): fc.Arbitrary<Record<string, unknown>> {
  const hosts = scope.hosts ?? DEFAULT_HOSTS;
  const paths = scope.paths ?? DEFAULT_PATHS;
  const rule = fc.record({
    host: fc.option(fc.constantFrom(...hosts), { nil: undefined, freq: 4 }),
    path: fc.constantFrom(...paths),
    pathType: fc.constantFrom('Prefix', 'Prefix', 'Exact'),
    service: fc.constantFrom(...scope.services),
    port: fc.constantFrom(...scope.servicePorts),
  });
  return fc.record({
    name: fc.constantFrom(...INGRESS_NAMES),
    namespace: fc.constantFrom(...scope.namespaces),
    rules: fc.array(rule, { minLength: 1, maxLength: 3 }),
    defaultBackend: fc.option(fc.constantFrom(...scope.services), { nil: undefined, freq: 3 }),
    className: fc.option(fc.constantFrom('nginx', 'missing'), { nil: undefined, freq: 2 }),
  }).map(({ name, namespace, rules, defaultBackend, className }) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace },
    spec: {
      ...(className ? { ingressClassName: className } : {}),
      ...(defaultBackend ? { defaultBackend: { service: { name: defaultBackend, port: { number: scope.servicePorts[0].port } } } } : {}),
      rules: rules.map((r) => ({
        ...(r.host ? { host: r.host } : {}),
        http: { paths: [{ path: r.path, pathType: r.pathType, backend: { service: { name: r.service, port: { number: r.port.port } } } }] },
      })),
    },
  }));
}

export function ingressClassArb(): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({ name: fc.constantFrom('nginx', 'other'), controller: fc.constantFrom(CONTROLLER, 'example.com/other'), isDefault: fc.boolean() }).map(({ name, controller, isDefault }) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name, ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    spec: { controller },
  }));
}

export function httpArb(scope: Scope): fc.Arbitrary<Operation> {
  const hosts = scope.hosts ?? DEFAULT_HOSTS;
  const paths = scope.paths ?? DEFAULT_PATHS;
  return fc.record({ host: fc.constantFrom(...hosts, 'unknown.example.com'), path: fc.constantFrom(...paths, '/foo/', '/other') }).map(({ host, path }) => ({ op: 'http', from: { external: true }, host, path }) as Operation);
}
