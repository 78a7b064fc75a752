/**
 * Service validation on create and update (input already defaulted).
 * Source: KK pkg/apis/core/validation/validation.go (ValidateService, validateServicePort,
 * validateServiceExternalTrafficPolicy, validateServiceExternalTrafficFieldsUpdate,
 * validateServiceInternalTrafficFieldsValue, validateClientIPAffinityConfig,
 * validateLoadBalancerClassField, ValidateServiceUpdate). Errors come out in the Go code's order.
 */
import type { FieldError } from '../field-errors.ts';
import type { Service, ServiceSpec } from '../objects.ts';
import { externallyAccessible } from '../defaults.ts';
import {
  goSyntax, invalidEach, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName,
  isValidPortNum, validateCIDR, validateIP, validateNonSpecialIP,
} from './names.ts';
import {
  arr, isObj, notSupported, obj, str, validateLabels, validateObjectMeta, validateObjectMetaUpdate, type Obj,
} from './meta.ts';
import { isHeadless, serviceIPs, validateClusterIPs, validateClusterIPsUpdate } from './service-ips.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const num = (x: unknown): number => (typeof x === 'number' ? x : 0);

/** pkg/api/service NeedsHealthCheck: only LoadBalancer services with externalTrafficPolicy Local. */
export const needsHealthCheck = (spec: ServiceSpec): boolean => spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';

/** A Go-shaped intstr port: a number, or a string checked as IANA_SVC_NAME. */
export function validatePortNumOrName(port: unknown, field: string): FieldError[] {
  if (typeof port === 'string') return invalidEach(field, port, isValidPortName(port));
  const n = port === undefined || port === null ? 0 : port;
  return invalidEach(field, n, isValidPortNum(n));
}

function validateServicePort(sp: Obj, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(sp.name);
  if (requireName && !name) {
    errs.push({ type: 'Required', field: `${path}.name` });
  } else if (name) {
    errs.push(...invalidEach(`${path}.name`, name, isDNS1123Label(name)));
    if (names.has(name)) errs.push({ type: 'Duplicate', field: `${path}.name`, value: name });
    else names.add(name);
  }
  errs.push(...invalidEach(`${path}.port`, sp.port ?? 0, isValidPortNum(sp.port ?? 0)));
  const protocol = str(sp.protocol);
  if (!protocol) errs.push({ type: 'Required', field: `${path}.protocol` });
  else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(`${path}.protocol`, sp.protocol, PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort, `${path}.targetPort`));
  if (sp.appProtocol !== undefined) errs.push(...invalidEach(`${path}.appProtocol`, sp.appProtocol, isQualifiedName(str(sp.appProtocol))));
  return errs;
}

/** The key the Go code reports for a repeated (protocol, port): a core.ServicePort printed with %#v. */
function portKey(protocol: string, port: number): unknown {
  return goSyntax(`core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${port}, `
    + 'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}');
}

function validateAffinity(spec: ServiceSpec): FieldError[] {
  const affinity = spec.sessionAffinity;
  if (!affinity) return [{ type: 'Required', field: 'spec.sessionAffinity' }];
  if (affinity === 'None') {
    return spec.sessionAffinityConfig != null
      ? [{ type: 'Forbidden', field: 'spec.sessionAffinityConfig', detail: 'must not be set when session affinity is None' }] : [];
  }
  if (affinity !== 'ClientIP') return [notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None'])];
  const detail = 'when session affinity type is ClientIP';
  const cfg = spec.sessionAffinityConfig;
  if (!isObj(cfg)) return [{ type: 'Required', field: 'spec.sessionAffinityConfig', detail }];
  if (!isObj(cfg.clientIP)) return [{ type: 'Required', field: 'spec.sessionAffinityConfig.clientIP', detail }];
  const t = cfg.clientIP.timeoutSeconds;
  if (t === undefined || t === null) return [{ type: 'Required', field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', detail }];
  // The message says "less than 86400" although 86400 itself is accepted (MaxClientIPServiceAffinitySeconds).
  return typeof t === 'number' && t > 0 && t <= 86400 ? []
    : [{ type: 'Invalid', field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', value: t, detail: 'must be greater than 0 and less than 86400' }];
}

function validateTrafficPolicies(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (etp) errs.push({ type: 'Invalid', field: 'spec.externalTrafficPolicy', value: etp, detail: 'may only be set for externally-accessible services' });
  } else if (!etp) {
    errs.push({ type: 'Required', field: 'spec.externalTrafficPolicy' });
  } else if (etp !== 'Cluster' && etp !== 'Local') {
    errs.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  }
  const hc = spec.healthCheckNodePort;
  if (!needsHealthCheck(spec)) {
    if (hc) errs.push({ type: 'Invalid', field: 'spec.healthCheckNodePort', value: hc, detail: "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'" });
  } else if (hc) {
    // 0 means "not allocated yet": the allocator assigns it (the API server allocates before validating).
    errs.push(...invalidEach('spec.healthCheckNodePort', hc, isValidPortNum(hc)));
  }
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') {
      errs.push({ type: 'Required', field: 'spec.internalTrafficPolicy' });
    }
  } else if (itp !== 'Cluster' && itp !== 'Local') {
    errs.push(notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  }
  return errs;
}

function validateServiceSpec(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const ports = arr(spec.ports).map(obj);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push({ type: 'Required', field: 'spec.ports' });
  const ips = serviceIPs(spec);
  if ((spec.type === 'LoadBalancer' || spec.type === 'NodePort') && headless) {
    errs.push({ type: 'Invalid', field: 'spec.clusterIPs[0]', value: ips[0], detail: `may not be set to 'None' for ${spec.type} services` });
  } else if (spec.type === 'ExternalName') {
    const forbidden = (field: string): FieldError => ({ type: 'Forbidden', field, detail: 'may not be set for ExternalName services' });
    if (ips.length > 0) errs.push(forbidden('spec.clusterIPs'));
    if (arr(spec.ipFamilies).length > 0) errs.push(forbidden('spec.ipFamilies'));
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(forbidden('spec.ipFamilyPolicy'));
    // A CNAME may end in '.' to mark it fully qualified.
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname) errs.push(...invalidEach('spec.externalName', cname, isDNS1123Subdomain(cname)));
    else errs.push({ type: 'Required', field: 'spec.externalName' });
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateAffinity(spec));
  errs.push(...validateClusterIPs(spec));
  arr(spec.externalIPs).forEach((ip, i) => {
    const e = validateIP(`spec.externalIPs[${i}]`, ip);
    errs.push(...(e.length > 0 ? e : validateNonSpecialIP(`spec.externalIPs[${i}]`, str(ip))));
  });
  const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!spec.type) errs.push({ type: 'Required', field: 'spec.type' });
  else if (!TYPES.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (num(p.nodePort) !== 0) errs.push({ type: 'Forbidden', field: `spec.ports[${i}].nodePort`, detail: "may not be used when `type` is 'ClusterIP'" });
    });
  }
  // The same nodePort may serve different protocols, never the same one twice.
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (num(p.nodePort) === 0) return;
    const key = `${str(p.protocol)}/${num(p.nodePort)}`;
    if (nodePorts.has(key)) errs.push({ type: 'Duplicate', field: `spec.ports[${i}].nodePort`, value: p.nodePort });
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${str(p.protocol)}/${num(p.port)}`;
    if (seen.has(key)) errs.push({ type: 'Duplicate', field: `spec.ports[${i}]`, value: portKey(str(p.protocol), num(p.port)) });
    seen.add(key);
  });
  const ranges = arr(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    // The capitalised path is the API server's own spelling.
    if (spec.type !== 'LoadBalancer') errs.push({ type: 'Forbidden', field: 'spec.LoadBalancerSourceRanges', detail: "may only be used when `type` is 'LoadBalancer'" });
    ranges.forEach((r, i) => errs.push(...validateCIDR(`spec.LoadBalancerSourceRanges[${i}]`, str(r).trim())));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null && spec.type !== 'LoadBalancer') {
    errs.push({ type: 'Forbidden', field: 'spec.allocateLoadBalancerNodePorts', detail: "may only be used when `type` is 'LoadBalancer'" });
  }
  if (spec.type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    // Unreachable after defaulting; the path without "spec." is the API server's.
    errs.push({ type: 'Required', field: 'allocateLoadBalancerNodePorts' });
  }
  if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass !== null) {
    if (spec.type === 'LoadBalancer') errs.push(...invalidEach('spec.loadBalancerClass', spec.loadBalancerClass, isQualifiedName(str(spec.loadBalancerClass))));
    else errs.push({ type: 'Forbidden', field: 'spec.loadBalancerClass', detail: "may only be used when `type` is 'LoadBalancer'" });
  }
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

function validateServiceUpdate(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  const errs = validateClusterIPsUpdate(spec, old);
  if (old.type === 'LoadBalancer' && spec.type === 'LoadBalancer' && (spec.loadBalancerClass ?? null) !== (old.loadBalancerClass ?? null)) {
    errs.push({ type: 'Invalid', field: 'spec.loadBalancerClass', value: spec.loadBalancerClass, detail: 'may not change once set' });
  }
  // A healthCheckNodePort of 0 is refilled from the old object (as patchAllocatedValues does).
  if (needsHealthCheck(old) && needsHealthCheck(spec) && spec.healthCheckNodePort && spec.healthCheckNodePort !== old.healthCheckNodePort) {
    errs.push({ type: 'Forbidden', field: 'spec.healthCheckNodePort', detail: 'field is immutable' });
  }
  return errs;
}

/** ValidateService / ValidateServiceUpdate: update-only checks first, then the full create checks. */
export function validateService(svc: Service, old?: Service): FieldError[] {
  const spec = obj(svc.spec) as ServiceSpec;
  const errs: FieldError[] = [];
  if (old) {
    errs.push(...validateObjectMetaUpdate(svc.metadata, old.metadata));
    errs.push(...validateServiceUpdate(spec, obj(old.spec) as ServiceSpec));
  }
  errs.push(...validateObjectMeta(svc.metadata, true, isDNS1035Label));
  errs.push(...validateServiceSpec(spec));
  return errs;
}
