/**
 * Realistic manifests over a scope's vocabulary: pods with labels that do and do not match,
 * named and numbered container ports, readiness probes with varied thresholds; Services of every
 * type with nil, empty or label selectors, numbered and named targetPorts, requested nodePorts;
 * user Endpoints; ReplicationControllers. Names come from the scope so operations meet each other.
 */
import fc from 'fast-check';
import { normalizeConfig } from '../../model/index.ts';
import type { Domains, Scope } from '../spec/types.ts';

type Obj = Record<string, unknown>;

export function labelsArb(scope: Scope): fc.Arbitrary<Record<string, string>> {
  const entries = Object.entries(scope.labels).map(([k, vs]) => fc.option(fc.constantFrom(...vs), { nil: undefined, freq: 3 }).map((v) => [k, v] as const));
  return fc.tuple(...entries).map((kv) => Object.fromEntries(kv.filter(([, v]) => v !== undefined)) as Record<string, string>);
}

export function selectorArb(scope: Scope): fc.Arbitrary<Record<string, string> | null> {
  const [firstKey, values] = Object.entries(scope.labels)[0];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...values).map((v) => ({ [firstKey]: v })) },
    { weight: 2, arbitrary: labelsArb(scope).filter((l) => Object.keys(l).length > 0) },
    { weight: 1, arbitrary: fc.constant({}) }, // {} is dropped on storage: no selector, as upstream
    { weight: 1, arbitrary: fc.constant(null) }, // no selector: the Endpoints are the user's
  );
}

function probeArb(scope: Scope, d: Domains): fc.Arbitrary<Obj | undefined> {
  return fc.record({
    kind: fc.constantFrom(...scope.probes),
    initialDelaySeconds: fc.constantFrom(...d.initialDelaySeconds),
    periodSeconds: fc.constantFrom(...d.periodSeconds),
    successThreshold: fc.constantFrom(...d.thresholds),
    failureThreshold: fc.constantFrom(...d.thresholds),
    port: fc.constantFrom(...scope.containerPorts),
  }).map(({ kind, port, ...t }) => {
    if (kind === 'none') return undefined;
    const handler =
      kind === 'exec' ? { exec: { command: ['ls', '/var/ready'] } }
      : kind === 'tcpSocket' ? { tcpSocket: { port: port.name ?? port.containerPort } }
      : { httpGet: { path: '/healthz', port: port.name ?? port.containerPort } };
    return { ...handler, ...t };
  });
}

/**
 * A container's own env: variables that override the kubelet's Service variables (the kubernetes
 * Service's, a scope Service's host), a `$(VAR)` reference to one, and a downward-API field.
 */
function containerEnvArb(scope: Scope): fc.Arbitrary<Obj[]> {
  const svc = scope.services[0].toUpperCase().replace(/-/g, '_');
  const entries: Obj[] = [
    { name: 'KUBERNETES_SERVICE_HOST', value: 'kubernetes.default.svc' },
    { name: 'KUBERNETES_SERVICE_PORT', value: '6443' },
    { name: `${svc}_SERVICE_HOST`, value: `${scope.services[0]}.example.com` },
    { name: 'API_URL', value: 'https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)' },
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
  ];
  return fc.subarray(entries, { minLength: 1 });
}

/**
 * The pod's DNS settings (pkg/kubelet/network/dns/dns.go): the policy (ClusterFirst by default)
 * and maybe a dnsConfig; None needs one with a nameserver (pod validation).
 */
function dnsArb(): fc.Arbitrary<Obj> {
  const config = fc.record({
    nameservers: fc.constantFrom(undefined, ['192.0.2.53']),
    searches: fc.constantFrom(undefined, ['example.com'], ['svc.cluster.local', 'example.com.']),
    ndots: fc.constantFrom(undefined, '1', '2', '0'),
  }).map(({ nameservers, searches, ndots }) => ({
    ...(nameservers ? { nameservers } : {}),
    ...(searches ? { searches } : {}),
    ...(ndots ? { options: [{ name: 'ndots', value: ndots }] } : {}),
  }));
  return fc.record({
    policy: fc.constantFrom(undefined, undefined, undefined, 'ClusterFirstWithHostNet', 'Default', 'None'),
    config: fc.option(config, { nil: undefined, freq: 3 }),
  }).map(({ policy, config: c }) => {
    const dnsConfig = policy === 'None' ? { ...(c ?? {}), nameservers: ['192.0.2.53'] } : c;
    return { ...(policy ? { dnsPolicy: policy } : {}), ...(dnsConfig ? { dnsConfig } : {}) };
  });
}

export function podArb(scope: Scope, d: Domains, names: fc.Arbitrary<string> = fc.constantFrom(...scope.pods)): fc.Arbitrary<Obj> {
  const nodes = scope.cluster.nodes ?? ['node-1', 'node-2'];
  // Only the scope's last pod name may run on the host network: two such pods on one node would
  // need distinct host ports (the scheduler's NodePorts filter), which the model does not check.
  const hostNetworkName = scope.pods[scope.pods.length - 1];
  return fc.record({
    name: names,
    namespace: fc.constantFrom(...scope.namespaces),
    labels: labelsArb(scope),
    ports: fc.subarray([...scope.containerPorts], { minLength: 0 }).map((ps) => dedupeNames(ps)),
    probe: probeArb(scope, d),
    node: fc.option(fc.constantFrom(...nodes), { nil: undefined, freq: 3 }),
    restartPolicy: fc.constantFrom(...d.restartPolicies),
    grace: fc.constantFrom(...d.terminationGracePeriodSeconds),
    env: fc.option(containerEnvArb(scope), { nil: undefined, freq: 3 }),
    hostNetwork: fc.constantFrom(false, false, true),
    dns: dnsArb(),
  }).map(({ name, namespace, labels, ports, probe, node, restartPolicy, grace, env, hostNetwork, dns }) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: {
      ...(node ? { nodeName: node } : {}),
      ...(hostNetwork && name === hostNetworkName ? { hostNetwork: true } : {}),
      ...dns,
      restartPolicy,
      terminationGracePeriodSeconds: grace,
      containers: [{
        name: 'app',
        image: 'app',
        ...(ports.length ? { ports: ports.map((p) => ({ ...p })) } : {}),
        ...(env ? { env } : {}),
        ...(probe ? { readinessProbe: probe } : {}),
      }],
    },
  }));
}

/**
 * A pod that ended earlier, as the API shows it once the network plugin has given its IP to a
 * live pod (kubernetes/kubernetes#98611): applied with its status, as under KWOK, so the model's
 * kubelet leaves it alone. The IP is resolved against the observation when the step runs.
 */
export function endedPodArb(scope: Scope): fc.Arbitrary<Obj> {
  return fc.record({
    name: fc.constantFrom(...scope.pods),
    namespace: fc.constantFrom(...scope.namespaces),
    labels: labelsArb(scope),
    phase: fc.constantFrom('Succeeded', 'Failed'),
    holder: fc.record({ namespace: fc.constantFrom(...scope.namespaces), pod: fc.constantFrom(...scope.pods) }),
  }).map(({ name, namespace, labels, phase, holder }) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${name}-ended`, namespace, labels },
    spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'app', ports: scope.containerPorts.slice(0, 1).map((p) => ({ ...p })) }] },
    status: { phase, podIP: `$podIP:${holder.namespace}/${holder.pod}` },
  }));
}

/**
 * Where a status-managed pod of the scope lives, fixed by its namespace and name so that applying it
 * again (a status change: the spec is immutable) and Endpoints naming it agree: node i of the
 * scope's cluster, and an address of that node's pod range no other pod of the scope gets (nor,
 * in practice, a kubelet-run pod: those are addressed from the bottom of the range).
 */
export function statusPodPlacement(scope: Scope, namespace: string, name: string): { node: string; ip: string } {
  const nodes = normalizeConfig(scope.cluster).nodes;
  const ns = Math.max(0, scope.namespaces.indexOf(namespace));
  const pod = Math.max(0, scope.pods.indexOf(name));
  const node = nodes[(ns + pod) % nodes.length];
  // From the top of the range down: clear of the addresses host-local IPAM hands kubelet-run pods from the bottom up.
  const n = (node.podRange.base + node.podRange.size - 2 - ns * scope.pods.length - pod) >>> 0;
  return { node: node.name, ip: [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.') };
}

export type StatusPodState = 'ready' | 'unready' | 'pending' | 'Succeeded' | 'Failed';

/**
 * A pod applied with its status, as under KWOK: no kubelet runs it, the caller writes what the API
 * shows. Its spec is a function of its name, so applying it again changes only labels and status
 * (a pod's spec is immutable).
 */
export function statusPodManifest(scope: Scope, namespace: string, name: string, labels: Record<string, string>, state: StatusPodState): Obj {
  const { node, ip } = statusPodPlacement(scope, namespace, name);
  const ports = dedupeNames([...scope.containerPorts]).map((p) => ({ ...p }));
  const running = state === 'ready' || state === 'unready';
  const ready = state === 'ready';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { nodeName: node, restartPolicy: 'Always', terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'app', ...(ports.length ? { ports } : {}) }] },
    status: {
      phase: running ? 'Running' : state === 'pending' ? 'Pending' : state,
      ...(state === 'pending' ? {} : { podIP: ip }),
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'app', ready, restartCount: 0 }],
    },
  };
}

/** Status-managed pods of the scope: Running and Ready or not, Pending (scheduled, no address yet), or ended. */
export function statusPodArb(scope: Scope): fc.Arbitrary<Obj> {
  return fc.record({
    name: fc.constantFrom(...scope.pods),
    namespace: fc.constantFrom(...scope.namespaces),
    labels: labelsArb(scope),
    state: fc.constantFrom<StatusPodState>('ready', 'ready', 'ready', 'unready', 'unready', 'pending', 'Succeeded', 'Failed'),
  }).map(({ name, namespace, labels, state }) => statusPodManifest(scope, namespace, name, labels, state));
}

/**
 * Endpoints a user writes for a Service name, listing pods of the scope where statusPodArb places
 * them (address, targetRef, nodeName), some ready and some not, on one or two of the scope's
 * Service ports named as serviceArb names them: what an endpoints controller would have written.
 */
export function podEndpointsArb(scope: Scope): fc.Arbitrary<Obj> {
  const pod = fc.record({ name: fc.constantFrom(...scope.pods), ready: fc.constantFrom(true, true, false) });
  return fc.record({
    name: fc.constantFrom(...scope.services),
    namespace: fc.constantFrom(...scope.namespaces),
    pods: fc.uniqueArray(pod, { minLength: 1, maxLength: scope.pods.length, selector: (p) => p.name }),
    ports: fc.uniqueArray(fc.constantFrom(...scope.servicePorts), { minLength: 1, maxLength: 2, selector: (p) => `${p.port}/${p.protocol ?? 'TCP'}` }),
  }).map(({ name, namespace, pods, ports }) => {
    const address = (p: { name: string }) => {
      const at = statusPodPlacement(scope, namespace, p.name);
      return { ip: at.ip, nodeName: at.node, targetRef: { kind: 'Pod', namespace, name: p.name } };
    };
    const ready = pods.filter((p) => p.ready).map(address);
    const notReady = pods.filter((p) => !p.ready).map(address);
    return {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace },
      subsets: [{
        ...(ready.length ? { addresses: ready } : {}),
        ...(notReady.length ? { notReadyAddresses: notReady } : {}),
        ports: ports.map((p, i) => ({
          ...(ports.length > 1 ? { name: p.name ?? `p${i}` } : p.name ? { name: p.name } : {}),
          port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
          ...(p.protocol ? { protocol: p.protocol } : {}),
        })),
      }],
    };
  });
}

/** Port names are unique within a container: keep the first of each name. */
function dedupeNames<T extends { name?: string }>(ports: T[]): T[] {
  const seen = new Set<string>();
  return ports.filter((p) => !p.name || (!seen.has(p.name) && seen.add(p.name) !== undefined));
}

/**
 * loadBalancerSourceRanges to draw: one that admits the default external client (198.51.100.1) but
 * not 198.51.100.7 nor any pod, one that admits the pods' range only.
 */
const LB_SOURCE_RANGES: readonly (readonly string[])[] = [['198.51.100.0/30'], ['10.244.0.0/16']];

/** One externalIP per Service of the scope (TEST-NET-1), so two Services never claim the same address. */
export function externalIPOf(scope: Scope, namespace: string, name: string): string {
  const i = Math.max(0, scope.namespaces.indexOf(namespace)) * scope.services.length + Math.max(0, scope.services.indexOf(name));
  return `192.0.2.${10 + i}`;
}

export function serviceArb(scope: Scope): fc.Arbitrary<Obj> {
  const { min } = { min: 30000 };
  return fc.record({
    name: fc.constantFrom(...scope.services),
    namespace: fc.constantFrom(...scope.namespaces),
    type: fc.constantFrom(...(scope.serviceTypes ?? ['ClusterIP'])),
    selector: scope.selectors === false ? fc.constant(null) : selectorArb(scope),
    ports: fc.uniqueArray(fc.constantFrom(...scope.servicePorts), { minLength: 1, maxLength: 2, selector: (p) => `${p.port}/${p.protocol ?? 'TCP'}` }),
    nodePort: fc.option(fc.integer({ min, max: min + 9 }), { nil: undefined, freq: 4 }),
    affinity: fc.constantFrom('None', 'None', 'ClientIP'),
    local: fc.boolean(),
    internalLocal: fc.constantFrom(false, false, true),
    externalIP: fc.constantFrom(false, false, false, true),
    sourceRanges: fc.constantFrom(undefined, undefined, ...LB_SOURCE_RANGES),
    publish: fc.constantFrom(false, false, false, true),
    lb: loadBalancerFieldsArb,
    omitTargetPort: fc.boolean(),
    shadowsKubernetes: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
  }).map(({ name: scopeName, namespace, type, selector, ports, nodePort, affinity, local, internalLocal, externalIP, sourceRanges, publish, lb, omitTargetPort, shadowsKubernetes }) => {
    // Now and then a Service named kubernetes outside default: it shadows default/kubernetes in the
    // environment of that namespace's pods (kubelet_pods.go getServiceEnvVarMap).
    const name = shadowsKubernetes && namespace !== 'default' ? 'kubernetes' : scopeName;
    const external = type === 'NodePort' || type === 'LoadBalancer';
    const spec: Obj = {
      ...(type === 'Headless' ? { clusterIP: 'None' } : { type }),
      ...(selector ? { selector } : {}),
      ports: ports.map((p, i) => ({
        ...(ports.length > 1 ? { name: p.name ?? `p${i}` } : p.name ? { name: p.name } : {}),
        port: p.port,
        // A targetPort equal to the port may be left out: the API server defaults it.
        ...(omitTargetPort && p.targetPort === p.port ? {} : { targetPort: p.targetPort }),
        ...(p.protocol ? { protocol: p.protocol } : {}),
        ...(external && nodePort && i === 0 ? { nodePort } : {}),
      })),
      sessionAffinity: affinity,
      ...(external && local ? { externalTrafficPolicy: 'Local' } : {}),
      ...(internalLocal ? { internalTrafficPolicy: 'Local' } : {}),
      ...(externalIP && type !== 'Headless' ? { externalIPs: [externalIPOf(scope, namespace, name)] } : {}),
      ...(type === 'LoadBalancer' && sourceRanges ? { loadBalancerSourceRanges: [...sourceRanges] } : {}),
      ...(publish ? { publishNotReadyAddresses: true } : {}),
      ...(type === 'LoadBalancer' ? lb : {}),
    };
    if (type === 'ExternalName') return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { type, externalName: 'db.example.com' } };
    return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
  });
}

/** A LoadBalancer's own fields: mostly none; sometimes no automatic nodePorts, or a class the cloud's controller does not serve. */
const loadBalancerFieldsArb: fc.Arbitrary<Obj> = fc.constantFrom<Obj>(
  {}, {}, {}, {},
  { allocateLoadBalancerNodePorts: false },
  { loadBalancerClass: 'example.com/internal-lb' },
);

export function endpointsArb(scope: Scope): fc.Arbitrary<Obj> {
  return fc.record({
    name: fc.constantFrom(...scope.services),
    namespace: fc.constantFrom(...scope.namespaces),
    ips: fc.uniqueArray(fc.constantFrom('11.11.11.11', '22.22.22.22', '33.33.33.33'), { minLength: 1, maxLength: 2 }),
    port: fc.constantFrom(...scope.servicePorts),
  }).map(({ name, namespace, ips, port }) => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace },
    subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ ...(port.name ? { name: port.name } : {}), port: typeof port.targetPort === 'number' ? port.targetPort : port.port, ...(port.protocol ? { protocol: port.protocol } : {}) }] }],
  }));
}

export function replicationControllerArb(scope: Scope, d: Domains): fc.Arbitrary<Obj> {
  const [key, values] = Object.entries(scope.labels)[0];
  return fc.record({
    name: fc.constantFrom(...(scope.replicationControllers ?? ['rc'])),
    namespace: fc.constantFrom(...scope.namespaces),
    value: fc.constantFrom(...values),
    replicas: fc.integer({ min: 0, max: 3 }),
    pod: podArb(scope, d),
  }).map(({ name, namespace, value, replicas, pod }) => {
    const spec = (pod as { spec: Obj }).spec;
    const { nodeName: _n, hostNetwork: _h, ...template } = spec;
    return {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name, namespace },
      spec: { replicas, selector: { [key]: value }, template: { metadata: { labels: { [key]: value } }, spec: { ...template, restartPolicy: 'Always' } } },
    };
  });
}
