/**
 * Pod validation on create and update (input already defaulted).
 * Source: KK pkg/apis/core/validation/validation.go (ValidatePodCreate, validatePodMetadataAndSpec,
 * ValidatePodSpec, validateRestartPolicy, validateDNSPolicy, validatePodDNSConfig,
 * validatePodHostNetworkDeps, validateReadinessGates, ValidatePodUpdate, ValidateContainerUpdates).
 */
import type { FieldError } from '../field-errors.ts';
import type { Pod } from '../objects.ts';
import { invalidEach, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, validateIP } from './names.ts';
import { arr, isObj, notSupported, obj, str, validateObjectMeta, validateObjectMetaUpdate, type Obj } from './meta.ts';
import { validateContainers, validateInitContainers } from './containers.ts';

const RESTART = ['Always', 'OnFailure', 'Never'];
const DNS = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function validateDNSConfig(spec: Obj, path: string): FieldError[] {
  const cfg = spec.dnsConfig;
  if (spec.dnsPolicy === 'None') {
    if (!isObj(cfg)) return [{ type: 'Required', field: path, detail: 'must provide `dnsConfig` when `dnsPolicy` is None' }];
    if (arr(cfg.nameservers).length === 0) {
      return [{ type: 'Required', field: `${path}.nameservers`, detail: 'must provide at least one DNS nameserver when `dnsPolicy` is None' }];
    }
  }
  if (!isObj(cfg)) return [];
  const errs: FieldError[] = [];
  const servers = arr(cfg.nameservers);
  if (servers.length > 3) errs.push({ type: 'Invalid', field: `${path}.nameservers`, value: servers, detail: 'must not have more than 3 nameservers' });
  servers.forEach((ns, i) => errs.push(...validateIP(`${path}.nameservers[${i}]`, ns)));
  const searches = arr(cfg.searches).map(str);
  if (searches.length > 32) errs.push({ type: 'Invalid', field: `${path}.searches`, value: searches, detail: 'must not have more than 32 search paths' });
  if (searches.join(' ').length > 2048) {
    errs.push({ type: 'Invalid', field: `${path}.searches`, value: searches, detail: 'must not have more than 2048 characters (including spaces) in the search list' });
  }
  searches.forEach((s, i) => {
    const trimmed = s.replace(/\.$/, '');
    errs.push(...invalidEach(`${path}.searches[${i}]`, trimmed, isDNS1123Subdomain(trimmed)));
  });
  arr(cfg.options).forEach((o, i) => {
    if (!str(obj(o).name)) errs.push({ type: 'Required', field: `${path}.options[${i}]`, detail: 'must not be empty' });
  });
  return errs;
}

/** ValidatePodSpec, for Pods (isPod) and for pod templates. */
export function validatePodSpec(specIn: unknown, path: string, isPod: boolean): FieldError[] {
  const spec = obj(specIn);
  const errs: FieldError[] = [];
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    errs.push({ type: 'Required', field: `${path}.terminationGracePeriodSeconds` });
  }
  errs.push(...validateContainers(spec.containers, `${path}.containers`, isPod));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, `${path}.initContainers`, isPod));
  if (spec.hostNetwork === true) {
    // With host networking the container listens on the node: hostPort must equal containerPort
    // (a template may leave it 0, the Pod's defaulting fills it in).
    arr(spec.containers).map(obj).forEach((c, ci) => arr(c.ports).map(obj).forEach((p, pi) => {
      const hp = p.hostPort ?? 0;
      if ((isPod || hp !== 0) && hp !== p.containerPort) {
        errs.push({ type: 'Invalid', field: `${path}.containers[${ci}].ports[${pi}].hostPort`, value: hp, detail: 'must match `containerPort` when `hostNetwork` is true' });
      }
    }));
  }
  const restart = str(spec.restartPolicy);
  if (!restart) errs.push({ type: 'Required', field: `${path}.restartPolicy` });
  else if (!RESTART.includes(restart)) errs.push(notSupported(`${path}.restartPolicy`, spec.restartPolicy, RESTART));
  const dns = str(spec.dnsPolicy);
  if (!dns) errs.push({ type: 'Required', field: `${path}.dnsPolicy` });
  else if (!DNS.includes(dns)) errs.push(notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS));
  errs.push(...validateDNSConfig(spec, `${path}.dnsConfig`));
  arr(spec.readinessGates).forEach((g, i) => {
    const t = str(obj(g).conditionType);
    errs.push(...invalidEach(`${path}.readinessGates[${i}].conditionType`, t, isQualifiedName(t)));
  });
  for (const [key, check] of [['nodeName', isDNS1123Subdomain], ['hostname', isDNS1123Label], ['subdomain', isDNS1123Label]] as const) {
    const v = str(spec[key]);
    if (v) errs.push(...invalidEach(`${path}.${key}`, v, check(v)));
  }
  return errs;
}

const UPDATABLE = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

const canon = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (isObj(v)
  ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));

/**
 * A pod's spec is fixed after creation except for container images (and a few fields the model
 * does not use). The API server appends a go-cmp diff to the message; this model appends a
 * simplified one: one `-old`/`+new` line pair per changed top-level spec field.
 */
function validatePodSpecUpdate(spec: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['containers', 'initContainers'] as const) {
    const now = arr(spec[key]).map(obj);
    const was = arr(old[key]).map(obj);
    if (now.length !== was.length) return [{ type: 'Forbidden', field: `spec.${key}`, detail: 'pod updates may not add or remove containers' }];
  }
  const munged: Obj = { ...spec };
  for (const key of ['containers', 'initContainers'] as const) {
    if (!Array.isArray(spec[key])) continue;
    const was = arr(old[key]).map(obj);
    munged[key] = arr(spec[key]).map((c, i) => ({ ...obj(c), image: was[i]?.image }));
  }
  for (const key of ['activeDeadlineSeconds', 'tolerations'] as const) {
    if (old[key] === undefined) delete munged[key];
    else munged[key] = old[key];
  }
  const keys = [...new Set([...Object.keys(munged), ...Object.keys(old)])].sort();
  const changed = keys.filter((k) => canon(munged[k]) !== canon(old[k]));
  if (changed.length === 0) return errs;
  const diff = changed.map((k) => `- ${k}: ${canon(old[k]) ?? '<unset>'}\n+ ${k}: ${canon(munged[k]) ?? '<unset>'}`).join('\n');
  errs.push({ type: 'Forbidden', field: 'spec', detail: `pod updates may not change fields other than ${UPDATABLE.join(',')}\n${diff}` });
  return errs;
}

export function validatePod(pod: Pod, old?: Pod): FieldError[] {
  const errs: FieldError[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(pod.metadata, old.metadata));
  errs.push(...validateObjectMeta(pod.metadata, true, isDNS1123Subdomain));
  errs.push(...validatePodSpec(pod.spec, 'spec', true));
  if (old) errs.push(...validatePodSpecUpdate(obj(pod.spec), obj(old.spec)));
  return errs;
}
