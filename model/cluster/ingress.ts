/**
 * Ingress controller semantics as pure functions: which controller serves an Ingress, and where
 * an HTTP request (host, path) goes (docs/semantics.md A3, decisions on A4.1–4.4 and A4.9 below).
 * Sources: kubernetes/website content/en/docs/concepts/services-networking/ingress.md,
 * staging/src/k8s.io/api/networking/v1/types.go, kubernetes/enhancements keps/sig-network/1453-ingress-api,
 * kubernetes-sigs/ingress-controller-conformance features/*.feature.
 */
import type { HTTPIngressPath, Ingress, IngressBackend, IngressClass } from '../k8s/objects.ts';

const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** The class an Ingress asks for by name: the field wins over the deprecated annotation (types.go IngressSpec). */
function requestedClass(ing: Ingress): string | undefined {
  return ing.spec?.ingressClassName ?? ing.metadata.annotations?.[CLASS_ANNOTATION];
}

/**
 * The IngressClass an Ingress belongs to: the one it names (field, else legacy annotation), else the
 * single class annotated default. With several defaults there is none (the DefaultIngressClass admission
 * plugin refuses to choose), and a named class that does not exist is none too.
 */
export function ingressClassOf(ing: Ingress, classes: IngressClass[]): IngressClass | undefined {
  const name = requestedClass(ing);
  if (name !== undefined) return classes.find((c) => c.metadata.name === name);
  const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  return defaults.length === 1 ? defaults[0] : undefined;
}

/**
 * Whether an installed controller serves the Ingress (and so gives it an address):
 * - its class resolves → served iff `class.spec.controller` is installed;
 * - it names a class that does not exist → never served (conformance ingress_class.feature);
 * - no class at all (no name, no single default) → served iff exactly one controller is installed.
 *   Decision on A4.9: the conformance features create class-less Ingresses and expect an address,
 *   and the seed's kubia Ingress has no class; with two or more controllers nobody can tell which
 *   one should take it, so none does (types.go once said controllers "should ignore" such Ingresses).
 */
export function isServed(ing: Ingress, classes: IngressClass[], controllers: string[]): boolean {
  const cls = ingressClassOf(ing, classes);
  if (cls) return cls.spec?.controller !== undefined && controllers.includes(cls.spec.controller);
  if (requestedClass(ing) !== undefined) return false;
  return controllers.length === 1;
}

/**
 * The request's host name: lower-cased, without a `:port` (A4.4: RFC 7230 lets the Host header carry
 * one; rule hosts never do, validation forbids ':'), and without the brackets of an IPv6 literal.
 */
function hostName(requestHost: string): string {
  const h = requestHost.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colon = h.indexOf(':');
  return colon >= 0 && colon === h.lastIndexOf(':') ? h.slice(0, colon) : h;
}

/** 2 exact host, 1 one-label wildcard, 0 host-less rule (matches all), -1 no match. */
function hostRank(ruleHost: string | undefined, requestHost: string): number {
  if (!ruleHost) return 0;
  const host = hostName(requestHost), rule = ruleHost.toLowerCase();
  if (!rule.startsWith('*.')) return host === rule ? 2 : -1;
  // `*` is exactly one whole label: *.foo.com takes bar.foo.com, not foo.com nor baz.bar.foo.com.
  const label = host.slice(0, host.length - (rule.length - 1));
  return host.endsWith(rule.slice(1)) && label !== '' && !label.includes('.') ? 1 : -1;
}

/** Exact host (case-insensitive), one-label wildcard, or an absent host matching every request. */
export function matchHost(ruleHost: string | undefined, requestHost: string): boolean {
  return hostRank(ruleHost, requestHost) >= 0;
}

/** Path elements, empty ones dropped: a trailing '/' (and '//', merged as nginx does) does not count. */
const elements = (p: string) => p.split('/').filter((e) => e !== '');

/**
 * Match strength of one path rule for a request path (query and fragment ignored), or undefined.
 * Longest match wins; the length is the rule path's with a trailing '/' ignored, because Prefix
 * `/foo/` and `/foo` are the same rule (doc table). On equal length Exact beats Prefix (odd vs even).
 * A4.1: the docs say "longest first, then Exact"; the KEP says "Exact first". Measuring length without
 * the trailing slash makes both agree: an Exact match is the whole request path, so it is never shorter
 * than a Prefix match of the same request (Exact /foo vs Prefix /foo/ on /foo → Exact, as the KEP says).
 * ImplementationSpecific is matched as Prefix (what ingress-nginx does without regex annotations);
 * its empty path means `/`.
 */
export function matchPath(rule: HTTPIngressPath, requestPath: string): number | undefined {
  const path = requestPath.split(/[?#]/)[0] || '/';
  const rulePath = rule.path || '/';
  if (rule.pathType === 'Exact') return path === rulePath ? 2 * rulePath.length + 1 : undefined;
  if (rule.pathType !== 'Prefix' && rule.pathType !== 'ImplementationSpecific') return undefined;
  const want = elements(rulePath), got = elements(path);
  // Whole elements, case-sensitive: /aaa/bb does not take /aaa/bbb.
  if (want.length > got.length || want.some((e, i) => e !== got[i])) return undefined;
  return want.length === 0 ? 0 : 2 * (want.join('/').length + 1);
}

export type RouteResult =
  | { ingress: Ingress; backend: IngressBackend; rule?: number; path?: string }
  | { status: 404 };

/**
 * Deterministic merge order, as ingress-nginx sorts Ingresses: oldest first (creationTimestamp,
 * RFC 3339 so string order is time order; a missing one sorts last), then namespace, then name.
 */
function olderFirst(a: Ingress, b: Ingress): number {
  const ta = a.metadata.creationTimestamp, tb = b.metadata.creationTimestamp;
  if (ta !== tb) return ta === undefined ? 1 : tb === undefined ? -1 : ta < tb ? -1 : 1;
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`, kb = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Route one request through the given (already served) Ingresses, merged as one controller does.
 * 1. Host (A4.3, as nginx picks a server block): the rules with an exact host match, else those with
 *    a matching wildcard, else the host-less rules. Only that tier's paths are consulted, even if a
 *    less specific tier has a path that would match.
 * 2. Path: best matchPath over that tier's paths; ties go to the older Ingress, then rule, then path order.
 * 3. No path: a `spec.defaultBackend` (types.go: it handles requests that match no rule), taken first
 *    from the Ingresses owning the host's rules, then from rule-less Ingresses (ingress-nginx's catch-all
 *    server), then from any other; each group oldest first. KEP's per-host default backend (A4.2) does
 *    not exist in v1.
 * 4. Nothing: 404 (conformance host_rules / path_rules).
 */
export function route(ingresses: Ingress[], host: string, path: string): RouteResult {
  const ordered = [...ingresses].sort(olderFirst);
  const rules = ordered.flatMap((ingress) =>
    (ingress.spec?.rules ?? []).map((rule, index) => ({ ingress, rule, index, rank: hostRank(rule.host, host) })));
  const top = Math.max(-1, ...rules.map((r) => r.rank));
  const tier = top < 0 ? [] : rules.filter((r) => r.rank === top);

  let best: { strength: number; ingress: Ingress; index: number; p: HTTPIngressPath } | undefined;
  for (const { ingress, rule, index } of tier) {
    for (const p of rule.http?.paths ?? []) {
      const strength = matchPath(p, path);
      if (strength !== undefined && (best === undefined || strength > best.strength)) best = { strength, ingress, index, p };
    }
  }
  if (best) return { ingress: best.ingress, backend: best.p.backend, rule: best.index, path: best.p.path ?? '' };

  const owners = tier.map((r) => r.ingress);
  const ruleless = ordered.filter((i) => (i.spec?.rules ?? []).length === 0);
  const fallback = [...owners, ...ruleless, ...ordered].find((i) => i.spec?.defaultBackend != null);
  return fallback ? { ingress: fallback, backend: fallback.spec.defaultBackend! } : { status: 404 };
}
