/**
 * Ingress and IngressClass defaulting and validation as the API server does them
 * (kubernetes/kubernetes pkg/apis/networking/validation/validation.go, pkg/apis/networking/v1/defaults.go),
 * with apimachinery's messages (staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go).
 * The DNS/port helpers below are private copies; model/k8s/validation/names.ts may replace them.
 */
import type { FieldError } from '../field-errors.ts';
import type { HTTPIngressPath, Ingress, IngressBackend, IngressClass, ObjectMeta } from '../objects.ts';

const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const MAX_CONTROLLER_BYTES = 250;
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix']; // sets.List(): sorted
const BAD_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_PATH_SUFFIXES = ['/..', '/.'];

// --- apimachinery string checks (util/validation/validation.go), private to this file ---

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // Go builds "'a', " then " or 'b', ": the double space before "or" is upstream's.
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}
const maxLen = (n: number) => `must be no more than ${n} characters`;

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const WILDCARD = `\\*\\.${SUBDOMAIN}`;
const LABEL_1035 = '[a-z]([-a-z0-9]*[a-z0-9])?';
const HTTP_PATH = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const full = (re: string) => new RegExp(`^${re}$`);

function dns1123Subdomain(v: string): string[] {
  const errs = v.length > 253 ? [maxLen(253)] : [];
  if (!full(SUBDOMAIN).test(v)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", SUBDOMAIN, 'example.com'));
  }
  return errs;
}

function wildcardSubdomain(v: string): string[] {
  const errs = v.length > 253 ? [maxLen(253)] : [];
  if (!full(WILDCARD).test(v)) {
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", WILDCARD, '*.example.com'));
  }
  return errs;
}

function dns1123Label(v: string): string[] {
  const errs = v.length > 63 ? [maxLen(63)] : [];
  if (!full(LABEL).test(v)) {
    errs.push(full(SUBDOMAIN).test(v) ? 'must not contain dots'
      : regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", LABEL, 'my-name', '123-abc'));
  }
  return errs;
}

/** Service names (core validation ValidateServiceName = NameIsDNS1035Label). */
function dns1035Label(v: string): string[] {
  const errs = v.length > 63 ? [maxLen(63)] : [];
  if (!full(LABEL_1035).test(v)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", LABEL_1035, 'my-name', 'abc-123'));
  }
  return errs;
}

function portName(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 15) errs.push(maxLen(15));
  if (!/^[-a-z0-9]+$/.test(v)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (v.startsWith('-') || v.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

const portNum = (n: number) => (Number.isInteger(n) && n >= 1 && n <= 65535 ? [] : ['must be between 1 and 65535, inclusive']);

/** api/validate/content IsPathSegmentName. */
function pathSegmentName(v: string): string[] {
  if (v === '.' || v === '..') return [`may not be '${v}'`];
  return ['/', '%'].filter((c) => v.includes(c)).map((c) => `may not contain '${c}'`);
}

/** netutils.ParseIPSloppy: IPv4 (leading zeros allowed) or IPv6. */
function isIP(v: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return v.split('.').every((p) => Number(p) <= 255);
  if (!v.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(v)) return false;
  try {
    new URL(`http://[${v}]/`); // WHATWG URL parses IPv6 literals strictly, as Go's net.ParseIP does
    return true;
  } catch {
    return false;
  }
}

function domainPrefixedPath(field: string, v: string): FieldError[] {
  const slash = v.indexOf('/');
  const host = v.slice(0, slash), path = v.slice(slash + 1);
  if (slash < 0 || host === '' || path === '') {
    return [{ type: 'Invalid', field, value: v, detail: 'must be a domain-prefixed path (such as "acme.io/foo")' }];
  }
  const errs: FieldError[] = dns1123Subdomain(host).map((detail) => ({ type: 'Invalid', field, value: host, detail }));
  if (!full(HTTP_PATH).test(path)) errs.push({ type: 'Invalid', field, value: path, detail: regexError('Invalid path', HTTP_PATH) });
  return errs;
}

/** A value Go prints with %#v: formatValue() String()s non-objects, so a function carrying the text prints it. */
function goSyntax(text: string): unknown {
  return Object.assign(() => text, { toString: () => text });
}

const invalids = (field: string, value: unknown, msgs: string[]): FieldError[] =>
  msgs.map((detail) => ({ type: 'Invalid', field, value, detail }));

/** ValidateObjectMeta's name part (apimachinery api/validation/objectmeta.go); namespace is the caller's. */
function validateName(meta: ObjectMeta | undefined): FieldError[] {
  if (!meta?.name) {
    return meta?.generateName ? [] : [{ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' }];
  }
  return invalids('metadata.name', meta.name, dns1123Subdomain(meta.name));
}

// --- defaulting ---

/** networking/v1 has no Ingress defaults (v1beta1 defaulted pathType; v1 requires it). Returned unchanged. */
export function defaultIngress(obj: Ingress): Ingress {
  return obj;
}

/** SetDefaults_IngressClass: parameters without a scope are cluster-scoped. */
export function defaultIngressClass(obj: IngressClass): IngressClass {
  const params = obj.spec?.parameters as Record<string, unknown> | undefined;
  if (!params || typeof params !== 'object' || params.scope != null) return obj;
  return { ...obj, spec: { ...obj.spec, parameters: { ...params, scope: 'Cluster' } } };
}

// --- Ingress ---

interface Options { allowInvalidWildcardHostRule: boolean; allowInvalidSecretName: boolean }

function validateBackend(b: IngressBackend | undefined, field: string): FieldError[] {
  const hasResource = b?.resource != null, hasService = b?.service != null;
  if (hasResource && hasService) return [{ type: 'Invalid', field, value: '', detail: 'cannot set both resource and service backends' }];
  if (hasResource) {
    const r = b!.resource!, f = `${field}.resource`;
    const errs = r.apiGroup != null ? invalids(`${f}.apiGroup`, r.apiGroup, dns1123Subdomain(r.apiGroup)) : [];
    for (const key of ['kind', 'name'] as const) {
      const v = r[key] ?? '';
      errs.push(...(v === '' ? [{ type: 'Required', field: `${f}.${key}` } as FieldError] : invalids(`${f}.${key}`, v, pathSegmentName(v))));
    }
    return errs;
  }
  if (!hasService) return [{ type: 'Invalid', field, value: '', detail: 'resource or service backend is required' }];
  const svc = b!.service!;
  const errs: FieldError[] = svc.name
    ? invalids(`${field}.service.name`, svc.name, dns1035Label(svc.name))
    : [{ type: 'Required', field: `${field}.service.name` }];
  const name = svc.port?.name ?? '', num = svc.port?.number ?? 0;
  if (name !== '' && num !== 0) errs.push({ type: 'Invalid', field, value: '', detail: 'cannot set both port name & port number' });
  else if (name !== '') errs.push(...invalids(`${field}.service.port.name`, name, portName(name)));
  else if (num !== 0) errs.push(...invalids(`${field}.service.port.number`, num, portNum(num)));
  else errs.push({ type: 'Required', field, detail: 'port name or number is required' });
  return errs;
}

function validatePath(p: HTTPIngressPath, field: string): FieldError[] {
  if (p.pathType == null) return [{ type: 'Required', field: `${field}.pathType`, detail: 'pathType must be specified' }];
  const path = p.path ?? '', f = `${field}.path`;
  const errs: FieldError[] = [];
  switch (p.pathType) {
    case 'Exact':
    case 'Prefix':
      if (!path.startsWith('/')) errs.push({ type: 'Invalid', field: f, value: path, detail: 'must be an absolute path' });
      for (const seq of BAD_PATH_SEQUENCES) {
        if (path.includes(seq)) errs.push({ type: 'Invalid', field: f, value: path, detail: `must not contain '${seq}'` });
      }
      for (const suf of BAD_PATH_SUFFIXES) {
        if (path.endsWith(suf)) errs.push({ type: 'Invalid', field: f, value: path, detail: `cannot end with '${suf}'` });
      }
      break;
    case 'ImplementationSpecific':
      // Anything goes (regexes included) as long as a non-empty path is absolute.
      if (path !== '' && !path.startsWith('/')) errs.push({ type: 'Invalid', field: f, value: path, detail: 'must be an absolute path' });
      break;
    default:
      errs.push({ type: 'NotSupported', field: `${field}.pathType`, value: p.pathType, supported: PATH_TYPES });
  }
  return [...errs, ...validateBackend(p.backend, `${field}.backend`)];
}

function validateSpec(spec: Ingress['spec'] | undefined, opts: Options): FieldError[] {
  const s = spec ?? {};
  const rules = Array.isArray(s.rules) ? s.rules : [];
  const errs: FieldError[] = [];
  if (rules.length === 0 && s.defaultBackend == null) {
    const value = goSyntax(Array.isArray(s.rules) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)');
    errs.push({ type: 'Invalid', field: 'spec', value, detail: 'either `defaultBackend` or `rules` must be specified' });
  }
  if (s.defaultBackend != null) errs.push(...validateBackend(s.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const f = `spec.rules[${i}]`, host = rule.host ?? '';
    let wildcard = false;
    if (host !== '') {
      if (isIP(host)) errs.push({ type: 'Invalid', field: `${f}.host`, value: host, detail: 'must be a DNS name, not an IP address' });
      wildcard = host.includes('*');
      errs.push(...invalids(`${f}.host`, host, wildcard ? wildcardSubdomain(host) : dns1123Subdomain(host)));
    }
    if (wildcard && opts.allowInvalidWildcardHostRule) return;
    errs.push(...validateRuleValue(rule.http, `${f}.http`));
  });
  (s.tls ?? []).forEach((t, i) => {
    (t.hosts ?? []).forEach((h, j) => {
      errs.push(...invalids(`spec.tls[${i}].hosts[${j}]`, h, h.includes('*') ? wildcardSubdomain(h) : dns1123Subdomain(h)));
    });
    if (!opts.allowInvalidSecretName && t.secretName) errs.push(...invalids(`spec.tls[${i}].secretName`, t.secretName, dns1123Subdomain(t.secretName)));
  });
  if (s.ingressClassName != null) errs.push(...invalids('spec.ingressClassName', s.ingressClassName, dns1123Subdomain(s.ingressClassName)));
  return errs;
}

function validateRuleValue(http: { paths?: HTTPIngressPath[] } | undefined, field: string): FieldError[] {
  if (http == null) return [];
  const paths = http.paths ?? [];
  const errs: FieldError[] = paths.length === 0 ? [{ type: 'Required', field: `${field}.paths` }] : [];
  paths.forEach((p, i) => errs.push(...validatePath(p, `${field}.paths[${i}]`)));
  return errs;
}

/** ValidateIngressCreate (no `old`) or ValidateIngressUpdate. */
export function validateIngress(ing: Ingress, old?: Ingress): FieldError[] {
  // On update, invalid data already stored is ratcheted (allowInvalidWildcardHostRule / allowInvalidSecretName).
  const opts: Options = {
    allowInvalidWildcardHostRule: (old?.spec?.rules ?? []).some(
      (r) => (r.host ?? '').includes('*') && validateRuleValue(r.http, 'x').length > 0),
    allowInvalidSecretName: (old?.spec?.tls ?? []).some((t) => !!t.secretName && dns1123Subdomain(t.secretName).length > 0),
  };
  const errs = [...validateName(ing.metadata), ...validateSpec(ing.spec, opts)];
  const annotation = ing.metadata?.annotations?.[CLASS_ANNOTATION];
  const className = ing.spec?.ingressClassName;
  // Create only: both set is fine when they agree (older releases rejected both outright).
  if (!old && annotation !== undefined && className != null && annotation !== className) {
    errs.push({ type: 'Invalid', field: `annotations.${CLASS_ANNOTATION}`, value: annotation, detail: 'must match `ingressClassName` when both are specified' });
  }
  return errs;
}

// --- IngressClass ---

function validateParameters(params: unknown): FieldError[] {
  if (params == null || typeof params !== 'object') return [];
  const p = params as { apiGroup?: string; kind?: string; name?: string; scope?: string; namespace?: string };
  const f = 'spec.parameters';
  const errs = p.apiGroup != null ? invalids(`${f}.apiGroup`, p.apiGroup, dns1123Subdomain(p.apiGroup)) : [];
  for (const key of ['kind', 'name'] as const) {
    const v = p[key] ?? '';
    errs.push(...(v === '' ? [{ type: 'Required', field: `${f}.${key}` } as FieldError] : invalids(`${f}.${key}`, v, pathSegmentName(v))));
  }
  if (p.scope == null) return [...errs, { type: 'Required', field: `${f}.scope` }];
  if (p.scope === 'Namespace') {
    if (p.namespace == null) errs.push({ type: 'Required', field: `${f}.namespace`, detail: "`parameters.scope` is set to 'Namespace'" });
    else errs.push(...invalids(`${f}.namespace`, p.namespace, dns1123Label(p.namespace)));
  } else if (p.scope === 'Cluster') {
    if (p.namespace != null) errs.push({ type: 'Forbidden', field: `${f}.namespace`, detail: "`parameters.scope` is set to 'Cluster'" });
  } else {
    errs.push({ type: 'NotSupported', field: `${f}.scope`, value: p.scope, supported: ['Cluster', 'Namespace'] });
  }
  return errs;
}

/** ValidateIngressClass (no `old`) or ValidateIngressClassUpdate (controller immutable first). */
export function validateIngressClass(cls: IngressClass, old?: IngressClass): FieldError[] {
  const controller = cls.spec?.controller ?? '';
  const errs: FieldError[] = [];
  if (old && (old.spec?.controller ?? '') !== controller) {
    errs.push({ type: 'Invalid', field: 'spec.controller', value: controller, detail: 'field is immutable' });
  }
  errs.push(...validateName(cls.metadata));
  if (controller === '') {
    errs.push({ type: 'Required', field: 'spec.controller' });
  } else {
    if (new TextEncoder().encode(controller).length > MAX_CONTROLLER_BYTES) {
      // apimachinery's TooLong omits the value from the message.
      errs.push({ type: 'TooLong', field: 'spec.controller', detail: `must have at most ${MAX_CONTROLLER_BYTES} bytes` });
    }
    errs.push(...domainPrefixedPath('spec.controller', controller));
  }
  return [...errs, ...validateParameters(cls.spec?.parameters)];
}
