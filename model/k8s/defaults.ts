/**
 * API-server defaulting for the core/v1 kinds the model serves, paraphrasing
 * KK pkg/apis/core/v1/defaults.go (SetDefaults_Service, _Pod, _PodSpec, _Probe, _HTTPGetAction,
 * _Endpoints, _ReplicationController) plus the declarative defaults in
 * staging/src/k8s.io/api/core/v1/types.go (ContainerPort.protocol, ServicePort.protocol,
 * ReplicationControllerSpec.replicas) and the namespace the request path supplies.
 * Every function is pure: it returns a new object and never mutates its input. Fields the model
 * does not know are carried through untouched. Copies are made with cloneData (structuredClone's
 * result, ~4x faster on manifests: defaulting runs on every `apply`).
 */
import { cloneData } from './clone.ts';
import type { Container, Endpoints, Node, Pod, PodSpec, Probe, ReplicationController, Service } from './objects.ts';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Namespaced kinds get the request's namespace; a manifest without one lands in "default". */
function withNamespace<T extends { metadata: { namespace?: string } }>(o: T): T {
  if (!isObj(o.metadata)) o.metadata = {};
  if (!o.metadata.namespace) o.metadata.namespace = 'default';
  return o;
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  const probe = p as Probe;
  // Zero means "unset" in Go, so an explicit 0 is defaulted too.
  probe.initialDelaySeconds ??= 0;
  if (!probe.timeoutSeconds) probe.timeoutSeconds = 1;
  if (!probe.periodSeconds) probe.periodSeconds = 10;
  if (!probe.successThreshold) probe.successThreshold = 1;
  if (!probe.failureThreshold) probe.failureThreshold = 3;
  if (isObj(probe.httpGet)) {
    if (!probe.httpGet.path) probe.httpGet.path = '/';
    if (!probe.httpGet.scheme) probe.httpGet.scheme = 'HTTP';
  }
}

function defaultContainer(c: unknown, hostNetwork: boolean): void {
  if (!isObj(c)) return;
  const ctr = c as Container;
  if (Array.isArray(ctr.ports)) {
    for (const p of ctr.ports) {
      if (!isObj(p)) continue;
      if (!p.protocol) p.protocol = 'TCP';
      // SetDefaults_Pod: with host networking every container port is also a host port.
      if (hostNetwork && !p.hostPort && typeof p.containerPort === 'number') p.hostPort = p.containerPort;
    }
  }
  defaultProbe(ctr.readinessProbe);
  defaultProbe(ctr.livenessProbe);
  defaultProbe(ctr.startupProbe);
}

/** SetDefaults_PodSpec (every pod spec, templates included). */
function defaultPodSpec(spec: PodSpec, hostNetwork: boolean): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = 30;
  }
  for (const list of [spec.containers, spec.initContainers]) {
    if (Array.isArray(list)) for (const c of list) defaultContainer(c, hostNetwork);
  }
}

export function defaultPod(obj: Pod): Pod {
  const pod = withNamespace(cloneData(obj));
  if (!isObj(pod.spec)) pod.spec = {} as PodSpec;
  const hostNetwork = pod.spec.hostNetwork === true;
  defaultPodSpec(pod.spec, hostNetwork);
  // SetDefaults_Pod only: pod templates do not get it.
  pod.spec.enableServiceLinks ??= true;
  return pod;
}

/** pkg/api/v1/service ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with externalIPs. */
export function externallyAccessible(spec: { type?: string; externalIPs?: unknown }): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort'
    || (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
}

export function defaultService(obj: Service): Service {
  const svc = withNamespace(cloneData(obj));
  if (!isObj(svc.spec)) svc.spec = {};
  const spec = svc.spec;
  // An empty selector is no selector: Go's omitempty drops `selector: {}` when the object is stored
  // (kubernetes/kubernetes#25836), and the ServiceSpec docs say "If empty or not present, the
  // service is assumed to have an external process managing its endpoints".
  if (spec.selector === null || (isObj(spec.selector) && Object.keys(spec.selector).length === 0)) delete spec.selector;
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && typeof spec.sessionAffinityConfig?.clientIP?.timeoutSeconds !== 'number') {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports) {
      if (!isObj(p)) continue;
      if (!p.protocol) p.protocol = 'TCP';
      if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
    }
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (!spec.internalTrafficPolicy && ['ClusterIP', 'NodePort', 'LoadBalancer'].includes(spec.type)) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  return svc;
}

export function defaultEndpoints(obj: Endpoints): Endpoints {
  const ep = withNamespace(cloneData(obj));
  if (Array.isArray(ep.subsets)) {
    for (const ss of ep.subsets) {
      if (!isObj(ss) || !Array.isArray(ss.ports)) continue;
      for (const p of ss.ports) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
    }
  }
  return ep;
}

export function defaultReplicationController(obj: ReplicationController): ReplicationController {
  const rc = withNamespace(cloneData(obj));
  if (!isObj(rc.spec)) rc.spec = {};
  const spec = rc.spec;
  const template = isObj(spec.template) ? spec.template : undefined;
  const labels = template && isObj(template.metadata) ? template.metadata.labels : undefined;
  // SetDefaults_ReplicationController: an RC selects, and is labelled like, the pods it makes.
  if (isObj(labels)) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    if (!isObj(rc.metadata.labels) || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...labels };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  // Templates get SetDefaults_PodSpec only; hostPort defaulting belongs to SetDefaults_Pod.
  if (template && isObj(template.spec)) defaultPodSpec(template.spec, false);
  return rc;
}

/** Nodes are cluster-scoped: the API server drops a namespace sent with one (rest.BeforeCreate). */
export function defaultNode(obj: Node): Node {
  const node = cloneData(obj);
  if (!isObj(node.metadata)) node.metadata = {};
  delete node.metadata.namespace;
  return node;
}
