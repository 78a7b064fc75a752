/**
 * Container-level checks shared by Pods and pod templates: names, images, ports, env, probes.
 * Source: KK pkg/apis/core/validation/validation.go (validateContainers, validateInitContainers,
 * validateContainerCommon, validateContainerPorts, ValidateEnv, validateProbe, validateLivenessProbe,
 * validateStartupProbe, validateHandler, validateHTTPGetAction, ValidatePortNumOrName,
 * checkHostPortConflicts, validateContainerOnlyForPod).
 */
import type { FieldError } from '../field-errors.ts';
import { invalidEach, isDNS1123Label, isValidPortName, isValidPortNum } from './names.ts';
import { arr, isObj, nonNegative, notSupported, obj, str, type Obj } from './meta.ts';
import { validatePortNumOrName } from './service.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  // Port names are unique within one container's list (the Go set is per container).
  const names = new Set<string>();
  arr(ports).map(obj).forEach((p, i) => {
    const at = `${path}[${i}]`;
    const name = str(p.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...invalidEach(`${at}.name`, name, msgs));
      else if (names.has(name)) errs.push({ type: 'Duplicate', field: `${at}.name`, value: name });
      else names.add(name);
    }
    if (!p.containerPort) errs.push({ type: 'Required', field: `${at}.containerPort` });
    else errs.push(...invalidEach(`${at}.containerPort`, p.containerPort, isValidPortNum(p.containerPort)));
    if (p.hostPort) errs.push(...invalidEach(`${at}.hostPort`, p.hostPort, isValidPortNum(p.hostPort)));
    if (!p.protocol) errs.push({ type: 'Required', field: `${at}.protocol` });
    else if (!PROTOCOLS.includes(str(p.protocol))) errs.push(notSupported(`${at}.protocol`, p.protocol, PROTOCOLS));
  });
  return errs;
}

/**
 * Env names under RelaxedEnvironmentVariableValidation (on by default since v1.32): any
 * printable ASCII except '='.
 */
function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(env).map(obj).forEach((e, i) => {
    const name = str(e.name);
    if (!name) errs.push({ type: 'Required', field: `${path}[${i}].name` });
    else if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(name)) {
      errs.push({ type: 'Invalid', field: `${path}[${i}].name`, value: name, detail: "a valid environment variable name must consist only of printable ASCII characters other than '='" });
    }
  });
  return errs;
}

/** Exactly one handler; each handler's own fields. */
function validateHandler(probe: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const) {
    const h = probe[kind];
    if (h === undefined || h === null) continue;
    if (count > 0) {
      errs.push({ type: 'Forbidden', field: `${path}.${kind}`, detail: 'may not specify more than 1 handler type' });
      continue;
    }
    count++;
    const o = obj(h);
    if (kind === 'exec' && arr(o.command).length === 0) errs.push({ type: 'Required', field: `${path}.exec.command` });
    if (kind === 'httpGet') {
      if (!str(o.path)) errs.push({ type: 'Required', field: `${path}.httpGet.path` });
      errs.push(...validatePortNumOrName(o.port, `${path}.httpGet.port`));
      if (o.scheme !== 'HTTP' && o.scheme !== 'HTTPS') errs.push(notSupported(`${path}.httpGet.scheme`, o.scheme ?? '', ['HTTP', 'HTTPS']));
    }
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(o.port, `${path}.tcpSocket.port`));
    // gRPC ports are numbers only.
    if (kind === 'grpc') errs.push(...invalidEach(`${path}.grpc.port`, o.port ?? 0, isValidPortNum(o.port ?? 0)));
  }
  if (count === 0) errs.push({ type: 'Required', field: path, detail: 'must specify a handler type' });
  return errs;
}

type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

function validateProbe(probe: unknown, kind: ProbeKind, path: string): FieldError[] {
  if (probe === undefined || probe === null) return [];
  const p = obj(probe);
  const errs = validateHandler(p, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...nonNegative(p[f], `${path}.${f}`));
  }
  // A restart or "started" decision must not wait for a run of successes.
  if (kind !== 'readinessProbe' && p.successThreshold !== 1) {
    errs.push({ type: 'Invalid', field: `${path}.successThreshold`, value: p.successThreshold ?? 0, detail: 'must be 1' });
  }
  return errs;
}

function validateContainerCommon(c: Obj, path: string, isPod: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push({ type: 'Required', field: `${path}.name` });
  else errs.push(...invalidEach(`${path}.name`, name, isDNS1123Label(name)));
  const image = str(c.image);
  if (!image) errs.push({ type: 'Required', field: `${path}.image` });
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  const pull = c.imagePullPolicy;
  if (pull !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(str(pull))) {
    errs.push(notSupported(`${path}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
  }
  // Pods only (templates are exempt for compatibility): no surrounding whitespace in images.
  if (isPod && image && image !== image.trim()) {
    errs.push({ type: 'Invalid', field: `${path}.image`, value: image, detail: 'must not have leading or trailing whitespace' });
  }
  return errs;
}

/** Two ports may not claim the same (protocol, hostIP, hostPort). */
function hostPortConflicts(containers: Obj[], path: string, seen = new Set<string>()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    arr(c.ports).map(obj).forEach((p, pi) => {
      if (!p.hostPort) return;
      const key = `${str(p.protocol)}/${str(p.hostIP)}/${String(p.hostPort)}`;
      if (seen.has(key)) errs.push({ type: 'Duplicate', field: `${path}[${ci}].ports[${pi}].hostPort`, value: key });
      else seen.add(key);
    });
  });
  return errs;
}

export function validateContainers(list: unknown, path: string, isPod: boolean): FieldError[] {
  const containers = arr(list).map(obj);
  if (containers.length === 0) return [{ type: 'Required', field: path }];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, at, isPod));
    if (names.has(str(c.name))) errs.push({ type: 'Duplicate', field: `${at}.name`, value: str(c.name) });
    else names.add(str(c.name));
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) errs.push(...validateProbe(c[kind], kind, `${at}.${kind}`));
    if (c.restartPolicy !== undefined) errs.push({ type: 'Forbidden', field: `${at}.restartPolicy`, detail: 'may not be set for non-init containers' });
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

/** Init containers: names unique across both lists; probes only for sidecars (restartPolicy Always). */
export function validateInitContainers(list: unknown, regular: unknown, path: string, isPod: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(arr(regular).map((c) => str(obj(c).name)));
  arr(list).map(obj).forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, at, isPod));
    const sidecar = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && !sidecar) errs.push(notSupported(`${at}.restartPolicy`, c.restartPolicy, ['Always']));
    const name = str(c.name);
    if (names.has(name)) errs.push({ type: 'Duplicate', field: `${at}.name`, value: name });
    else if (name) names.add(name);
    errs.push(...hostPortConflicts([c], path));
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (sidecar) errs.push(...validateProbe(c[kind], kind, `${at}.${kind}`));
      else if (isObj(c[kind])) errs.push({ type: 'Forbidden', field: `${at}.${kind}`, detail: 'may not be set for init containers without restartPolicy=Always' });
    }
  });
  return errs;
}
