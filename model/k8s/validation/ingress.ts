/**
 * Ingress and IngressClass defaulting and validation as the API server does them
 * (kubernetes/kubernetes pkg/apis/networking/validation/validation.go, pkg/apis/networking/v1/defaults.go),
 * with apimachinery's messages (staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go).
 * Name, label and port checks are apimachinery's, from names.ts.
 */
import type { FieldError } from '../field-errors.ts';
import type { HTTPIngressPath, Ingress, IngressBackend, IngressClass, ObjectMeta } from '../objects.ts';
import { byteLen, goSyntax, invalidEach, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, maxLenError, regexError } from './names.ts';

const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const MAX_CONTROLLER_BYTES = 250;
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix']; // sets.List(): sorted
const BAD_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_PATH_SUFFIXES = ['/..', '/.'];

// --- string checks names.ts does not have: wildcard hosts, HTTP paths, path segments, IP literals ---

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const WILDCARD = `\\*\\.${SUBDOMAIN}`;
const HTTP_PATH = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const full = (re: string) => new RegExp(`^${re}$`);

function wildcardSubdomain(v: string): string[] {
  const errs = byteLen(v) > 253 ? [maxLenError(253)] : [];
  if (!full(WILDCARD).test(v)) {
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", WILDCARD, '*.example.com'));
  }
  return errs;
}

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
  const errs: FieldError[] = isDNS1123Subdomain(host).map((detail) => ({ type: 'Invalid', field, value: host, detail }));
  if (!full(HTTP_PATH).test(path)) errs.push({ type: 'Invalid', field, value: path, detail: regexError('Invalid path', HTTP_PATH) });
  return errs;
}


/** ValidateObjectMeta's name part (apimachinery api/validation/objectmeta.go); namespace is the caller's. */
function validateName(meta: ObjectMeta | undefined): FieldError[] {
  if (!meta?.name) {
    return meta?.generateName ? [] : [{ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' }];
  }
  return invalidEach('metadata.name', meta.name, isDNS1123Subdomain(meta.name));
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
    const errs = r.apiGroup != null ? invalidEach(`${f}.apiGroup`, r.apiGroup, isDNS1123Subdomain(r.apiGroup)) : [];
    for (const key of ['kind', 'name'] as const) {
      const v = r[key] ?? '';
      errs.push(...(v === '' ? [{ type: 'Required', field: `${f}.${key}` } as FieldError] : invalidEach(`${f}.${key}`, v, pathSegmentName(v))));
    }
    return errs;
  }
  if (!hasService) return [{ type: 'Invalid', field, value: '', detail: 'resource or service backend is required' }];
  const svc = b!.service!;
  const errs: FieldError[] = svc.name
    ? invalidEach(`${field}.service.name`, svc.name, isDNS1035Label(svc.name))
    : [{ type: 'Required', field: `${field}.service.name` }];
  const name = svc.port?.name ?? '', num = svc.port?.number ?? 0;
  if (name !== '' && num !== 0) errs.push({ type: 'Invalid', field, value: '', detail: 'cannot set both port name & port number' });
  else if (name !== '') errs.push(...invalidEach(`${field}.service.port.name`, name, isValidPortName(name)));
  else if (num !== 0) errs.push(...invalidEach(`${field}.service.port.number`, num, isValidPortNum(num)));
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
      errs.push(...invalidEach(`${f}.host`, host, wildcard ? wildcardSubdomain(host) : isDNS1123Subdomain(host)));
    }
    if (wildcard && opts.allowInvalidWildcardHostRule) return;
    errs.push(...validateRuleValue(rule.http, `${f}.http`));
  });
  (s.tls ?? []).forEach((t, i) => {
    (t.hosts ?? []).forEach((h, j) => {
      errs.push(...invalidEach(`spec.tls[${i}].hosts[${j}]`, h, h.includes('*') ? wildcardSubdomain(h) : isDNS1123Subdomain(h)));
    });
    if (!opts.allowInvalidSecretName && t.secretName) errs.push(...invalidEach(`spec.tls[${i}].secretName`, t.secretName, isDNS1123Subdomain(t.secretName)));
  });
  if (s.ingressClassName != null) errs.push(...invalidEach('spec.ingressClassName', s.ingressClassName, isDNS1123Subdomain(s.ingressClassName)));
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
    allowInvalidSecretName: (old?.spec?.tls ?? []).some((t) => !!t.secretName && isDNS1123Subdomain(t.secretName).length > 0),
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
  const errs = p.apiGroup != null ? invalidEach(`${f}.apiGroup`, p.apiGroup, isDNS1123Subdomain(p.apiGroup)) : [];
  for (const key of ['kind', 'name'] as const) {
    const v = p[key] ?? '';
    errs.push(...(v === '' ? [{ type: 'Required', field: `${f}.${key}` } as FieldError] : invalidEach(`${f}.${key}`, v, pathSegmentName(v))));
  }
  if (p.scope == null) return [...errs, { type: 'Required', field: `${f}.scope` }];
  if (p.scope === 'Namespace') {
    if (p.namespace == null) errs.push({ type: 'Required', field: `${f}.namespace`, detail: "`parameters.scope` is set to 'Namespace'" });
    else errs.push(...invalidEach(`${f}.namespace`, p.namespace, isDNS1123Label(p.namespace)));
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
