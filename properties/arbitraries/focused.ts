/**
 * Topology first, then the operations that stress it: short walkthroughs that line up what a rule
 * needs and random operations rarely do — a client started after the Service it looks up, a headless
 * name whose pods are not ready, a ClientIP client coming back within and past its timeout while its
 * endpoint goes away. Each draws its names from the scope, so it meets the other generators' objects.
 */
import fc from 'fast-check';
import type { Operation } from '../../model/index.ts';
import type { Domains, Scope } from '../spec/types.ts';
import { endpointsArb, podArb } from './manifests.ts';
import { ingressArb } from './discovery.ts';

type Obj = Record<string, any>;

const apply = (object: Obj) => ({ op: 'apply', object });

/**
 * Discovery from a pod's point of view: a Service (ClusterIP or headless, with or without a selector,
 * sometimes named kubernetes outside default, where it shadows the master service), a backend that is
 * ready or not, then a client pod started after it that resolves the Service's full name, then a
 * short one its search path completes, and reads its environment.
 */
export function discoveryArb(scope: Scope, d: Domains): fc.Arbitrary<Operation[]> {
  const [key, values] = Object.entries(scope.labels)[0];
  const domain = scope.cluster.clusterDomain ?? 'cluster.local';
  return fc.record({
    name: fc.constantFrom(...scope.services, 'kubernetes'),
    namespace: fc.constantFrom(...scope.namespaces),
    clientNamespace: fc.constantFrom(...scope.namespaces),
    headless: fc.boolean(),
    selected: fc.constantFrom(true, true, false),
    value: fc.constantFrom(...values),
    backend: podArb(scope, d),
    client: podArb(scope, d),
    backendReady: fc.boolean(),
    // The short name the client also tries, which its search path completes.
    form: fc.constantFrom('bare', 'bare', 'namespaced', 'svc'),
  }).map(({ name, namespace, clientNamespace, headless, selected, value, backend, client, backendReady, form }) => {
    const port = scope.servicePorts[0];
    const svcName = name === 'kubernetes' && namespace === 'default' ? scope.services[0] : name;
    const service = {
      apiVersion: 'v1', kind: 'Service', metadata: { name: svcName, namespace },
      spec: { ...(headless ? { clusterIP: 'None' } : {}), ...(selected ? { selector: { [key]: value } } : {}), ports: [{ port: port.port, targetPort: port.targetPort, ...(port.protocol ? { protocol: port.protocol } : {}) }] },
    };
    const b = backend as Obj;
    const probe = backendReady ? {} : { readinessProbe: { exec: { command: ['ls', '/var/ready'] } } };
    const backendPod = { ...b, metadata: { ...b.metadata, namespace, labels: { [key]: value } }, spec: { ...b.spec, hostNetwork: undefined, containers: [{ ...b.spec.containers[0], ...probe }] } };
    delete backendPod.spec.hostNetwork;
    const c = client as Obj;
    // The client uses the cluster's DNS (ClusterFirst, no dnsConfig): the short names are the cluster's to complete.
    const { dnsPolicy: _p, dnsConfig: _c, hostNetwork: _h, ...clientSpec } = c.spec;
    const clientPod = { ...c, metadata: { ...c.metadata, name: `${c.metadata.name}-client`, namespace: clientNamespace }, spec: clientSpec };
    const from = { namespace: clientNamespace, pod: clientPod.metadata.name };
    return [
      apply(service),
      apply(backendPod),
      apply(clientPod),
      { op: 'settle' },
      { op: 'resolve', from, name: `${svcName}.${namespace}.svc.${domain}`, type: 'A' },
      { op: 'resolve', from, name: { bare: svcName, namespaced: `${svcName}.${namespace}`, svc: `${svcName}.${namespace}.svc` }[form], type: 'A' },
      { op: 'env', ...from },
    ] as unknown as Operation[];
  });
}

/**
 * ClientIP session affinity over time: two ready replicas behind a Service with a short timeout; one
 * of them connects, comes back within the timeout (renewing it), again after more than the timeout
 * has passed since the first connection but not since the last, then one replica goes away.
 */
export function affinityArb(scope: Scope, d: Domains): fc.Arbitrary<Operation[]> {
  const [key, values] = Object.entries(scope.labels)[0];
  return fc.record({
    name: fc.constantFrom(...scope.services),
    namespace: fc.constantFrom(...scope.namespaces),
    rc: fc.constantFrom(...(scope.replicationControllers ?? ['rc'])),
    value: fc.constantFrom(...values),
    timeout: fc.constantFrom(10, 30),
    gone: fc.nat(1),
  }).map(({ name, namespace, rc, value, timeout, gone }) => {
    const port = scope.servicePorts[0];
    const controller = {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: rc, namespace },
      spec: { replicas: 2, selector: { [key]: value }, template: { metadata: { labels: { [key]: value } }, spec: { containers: [{ name: 'app', image: 'app', ports: scope.containerPorts.slice(0, 1).map((p) => ({ ...p })) }] } } },
    };
    const service = {
      apiVersion: 'v1', kind: 'Service', metadata: { name, namespace },
      spec: { selector: { [key]: value }, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: timeout } }, ports: [{ port: port.port, targetPort: port.targetPort, ...(port.protocol ? { protocol: port.protocol } : {}) }] },
    };
    const connect = { op: 'connect', from: { namespace, pod: `$pod:${namespace}/${rc}#0` }, to: { service: name, namespace, port: port.port, ...(port.protocol && port.protocol !== 'TCP' ? { protocol: port.protocol } : {}) } };
    const step = Math.ceil(timeout * 0.6);
    return [
      apply(controller), apply(service), { op: 'settle' },
      connect, { op: 'advance', seconds: step }, { ...connect }, { op: 'advance', seconds: step }, { ...connect },
      { op: 'delete', kind: 'Pod', namespace, name: `$pod:${namespace}/${rc}#${gone}` }, { op: 'settle' }, { ...connect },
    ] as unknown as Operation[];
  });
}

/**
 * A Service's nodePorts through the update paths: a NodePort or LoadBalancer Service with two ports
 * (a LoadBalancer maybe without node ports, allocateLoadBalancerNodePorts false, or with a class
 * the cluster's cloud does not serve), its nodePorts swapped between its ports, then re-applied as
 * kubectl apply does, nodePorts omitted; maybe then turned into an ExternalName Service, deleted, or both.
 */
export function nodePortUpdatesArb(scope: Scope): fc.Arbitrary<Operation[]> {
  const distinct = scope.servicePorts.filter((p, i, all) => all.findIndex((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP')) === i);
  return fc.record({
    name: fc.constantFrom(...scope.services),
    namespace: fc.constantFrom(...scope.namespaces),
    type: fc.constantFrom('NodePort', 'LoadBalancer'),
    lb: fc.constantFrom('plain', 'noNodePorts', 'noNodePorts', 'classed'),
    ports: fc.uniqueArray(fc.constantFrom(...distinct), { minLength: Math.min(2, distinct.length), maxLength: 2 }),
    end: fc.constantFrom('kept', 'externalName', 'deleted', 'externalNameDeleted'),
  }).map(({ name, namespace, type, lb, ports, end }) => {
    const extra = type !== 'LoadBalancer' ? {} : lb === 'noNodePorts' ? { allocateLoadBalancerNodePorts: false } : lb === 'classed' ? { loadBalancerClass: 'example.com/internal' } : {};
    const spec = { type, ...extra, ports: ports.map((p, i) => ({ name: `p${i}`, port: p.port, targetPort: p.targetPort, ...(p.protocol ? { protocol: p.protocol } : {}) })) };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
    const externalName = { ...service, spec: { type: 'ExternalName', externalName: 'db.example.com' } };
    return [
      apply(service),
      { op: 'apply', object: { kind: 'Service', $swapNodePorts: { namespace, name } } },
      apply({ ...service, spec: { ...spec, $update: true } }),
      ...(end === 'externalName' || end === 'externalNameDeleted' ? [apply(externalName)] : []),
      ...(end === 'deleted' || end === 'externalNameDeleted' ? [{ op: 'delete', kind: 'Service', namespace, name }] : []),
    ] as unknown as Operation[];
  });
}

/**
 * A pod that runs to completion: restartPolicy Never or OnFailure, its container exits with a code
 * that ends it (Succeeded or Failed), then it is deleted — a terminal pod goes at once.
 */
export function runToCompletionArb(scope: Scope, d: Domains): fc.Arbitrary<Operation[]> {
  return fc.tuple(podArb(scope, d), fc.constantFrom(['Never', 0], ['Never', 1], ['OnFailure', 0])).map(([pod, [restartPolicy, code]]) => {
    const p = pod as Obj;
    const ref = { namespace: p.metadata.namespace, pod: p.metadata.name };
    return [
      apply({ ...p, spec: { ...p.spec, restartPolicy } }),
      { op: 'settle' },
      { op: 'exit', ...ref, code },
      { op: 'settle' },
      { op: 'delete', kind: 'Pod', namespace: ref.namespace, name: ref.pod },
    ] as unknown as Operation[];
  });
}

/**
 * A user writes the Endpoints of a Service that has a selector: the controller keeps them as written
 * (it watches Endpoints only for deletion) until its next sync of the Service — here a change to
 * the Service (its session affinity, or its selector's value), or the user's deletion of the Endpoints.
 */
export function endpointsOverrideArb(scope: Scope): fc.Arbitrary<Operation[]> {
  const [key, values] = Object.entries(scope.labels)[0];
  return fc.record({
    endpoints: endpointsArb(scope),
    value: fc.constantFrom(...values),
    port: fc.constantFrom(...scope.servicePorts),
    end: fc.constantFrom('affinity', 'selector', 'deleteEndpoints'),
  }).map(({ endpoints, value, port, end }) => {
    const { name, namespace } = endpoints.metadata as { name: string; namespace: string };
    const spec = { selector: { [key]: value }, ports: [{ ...(port.name ? { name: port.name } : {}), port: port.port, targetPort: port.targetPort, ...(port.protocol ? { protocol: port.protocol } : {}) }] };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
    const other = values.find((v) => v !== value) ?? value;
    const changed = end === 'affinity' ? { ...spec, sessionAffinity: 'ClientIP' } : { ...spec, selector: { [key]: other } };
    return [
      apply(service),
      apply(endpoints),
      end === 'deleteEndpoints' ? { op: 'delete', kind: 'Endpoints', namespace, name } : apply({ ...service, spec: changed }),
    ] as unknown as Operation[];
  });
}

/**
 * An object deleted right after it is applied: a pod bound to a node that does not exist, still
 * Pending, goes through its grace period from there, and (in async timing) an Ingress is deleted
 * before its controller gives it an address — the machines' ends that a random delete rarely reaches.
 */
export function shortLivedArb(scope: Scope, d: Domains, kinds?: readonly string[]): fc.Arbitrary<Operation[]> {
  const supported = (k: string) => !kinds || kinds.includes(k);
  // Maybe bound to a node that does not exist: it stays Pending, and its deletion is still graceful.
  const pod = fc.tuple(podArb(scope, d), fc.boolean()).map(([p, nowhere]) => {
    const o = p as Obj;
    const { name, namespace } = o.metadata as { name: string; namespace: string };
    const spec = { ...o.spec, terminationGracePeriodSeconds: 30, ...(nowhere ? { nodeName: 'node-gone' } : {}) };
    return [apply({ ...o, spec }), { op: 'delete', kind: 'Pod', namespace, name }] as unknown as Operation[];
  });
  const ingress = ingressArb(scope).map((i) => {
    const { name, namespace } = i.metadata as { name: string; namespace: string };
    return [apply(i), { op: 'delete', kind: 'Ingress', namespace, name }] as unknown as Operation[];
  });
  const withIngress = supported('Ingress') && !!scope.cluster.ingressControllers?.length;
  return supported('Pod') && withIngress ? fc.oneof(pod, ingress) : withIngress ? ingress : pod;
}

/**
 * A Service's pod through the endpoint-membership machine's rarer edges: it fails its readiness
 * probe (notReady), succeeds again and is deleted with a grace period before the controller syncs
 * in async timing (notReady → terminatingServing; ready → terminatingServing in sync), then the
 * Service publishes not-ready addresses (terminatingServing → ready).
 */
export function terminatingServingArb(scope: Scope, d: Domains): fc.Arbitrary<Operation[]> {
  const [key, values] = Object.entries(scope.labels)[0];
  return fc.record({ pod: podArb(scope, d), value: fc.constantFrom(...values), port: fc.constantFrom(...scope.servicePorts), name: fc.constantFrom(...scope.services) }).map(({ pod, value, port, name }) => {
    const p = pod as Obj;
    const { namespace, name: podName } = p.metadata as { namespace: string; name: string };
    const container = { ...p.spec.containers[0], readinessProbe: { exec: { command: ['ls', '/var/ready'] }, periodSeconds: 1, successThreshold: 1, failureThreshold: 1 } };
    const spec = { selector: { [key]: value }, ports: [{ ...(port.name ? { name: port.name } : {}), port: port.port, targetPort: port.targetPort, ...(port.protocol ? { protocol: port.protocol } : {}) }] };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
    const ref = { namespace, pod: podName };
    return [
      apply(service),
      apply({ ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, [key]: value } }, spec: { ...p.spec, restartPolicy: 'Always', terminationGracePeriodSeconds: 30, containers: [container] } }),
      { op: 'probe', ...ref, result: 'failure' },
      { op: 'advance', seconds: 2 },
      { op: 'settle' },
      { op: 'advance', seconds: 1 }, // unready a while: readiness/failing-probe-unready is judged at each step
      { op: 'settle' },
      { op: 'probe', ...ref, result: 'success' },
      { op: 'advance', seconds: 2 },
      { op: 'delete', kind: 'Pod', namespace, name: podName },
      { op: 'settle' },
      apply({ ...service, spec: { ...spec, publishNotReadyAddresses: true } }),
      { op: 'settle' },
    ] as unknown as Operation[];
  });
}
