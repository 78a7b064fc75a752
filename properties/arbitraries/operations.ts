/**
 * fast-check arbitraries for every operation of the contract, built from the operation catalogue
 * (spec/operations.yaml) and a scope. Operations that need run-time values (a Service's ClusterIP,
 * a nodePort, the pods a ReplicationController made) carry `$` references that the engine resolves
 * against the current observation just before running them (properties/engine/resolve.ts).
 */
import fc from 'fast-check';
import type { Operation, Supports } from '../../model/index.ts';
import { describeOp } from '../engine/describe.ts';
import type { Domains, GeneratorSpec, Scope } from '../spec/types.ts';
import { INGRESS_NAMES, envArb, httpArb, ingressArb, ingressClassArb, resolveArb } from './discovery.ts';
import { drawnGenerators } from './capabilities.ts';
import { endedPodArb, endpointsArb, labelsArb, podArb, podEndpointsArb, replicationControllerArb, serviceArb, statusPodArb } from './manifests.ts';
import { dataplaneTrafficArb } from './dataplane.ts';
import { affinityArb, discoveryArb, endpointsOverrideArb, nodePortUpdatesArb, runToCompletionArb, shortLivedArb, terminatingServingArb } from './focused.ts';
import { policiesArb } from './policies.ts';
import { type SwarmDraw, swarmArb } from './swarm.ts';

/** An operation whose toString() reads like a script line (fast-check prints it in counterexamples). */
export function named(op: Operation): Operation {
  const text = () => describeOp(op);
  Object.defineProperty(op, 'toString', { value: text, enumerable: false });
  Object.defineProperty(op, fc.toStringMethod, { value: text, enumerable: false });
  return op;
}

function podRefArb(scope: Scope): fc.Arbitrary<{ namespace: string; pod: string }> {
  const rcs = scope.replicationControllers ?? [];
  const direct = fc.record({ namespace: fc.constantFrom(...scope.namespaces), pod: fc.constantFrom(...scope.pods) });
  if (rcs.length === 0) return direct;
  const viaRc = fc.record({ namespace: fc.constantFrom(...scope.namespaces), rc: fc.constantFrom(...rcs), i: fc.nat(2) }).map(({ namespace, rc, i }) => ({
    namespace,
    pod: `$pod:${namespace}/${rc}#${i}`,
  }));
  return fc.oneof({ weight: 3, arbitrary: direct }, { weight: 1, arbitrary: viaRc });
}

/** Mostly a pod that exists (`$anyPod`), now and then any name of the scope: for env and resolve. */
function existingPodRefArb(scope: Scope): fc.Arbitrary<{ namespace: string; pod: string }> {
  const existing = fc.record({ namespace: fc.constantFrom(...scope.namespaces), i: fc.nat(5) }).map(({ namespace, i }) => ({ namespace, pod: `$anyPod:${namespace}/${i}` }));
  return fc.oneof({ weight: 1, arbitrary: podRefArb(scope) }, { weight: 2, arbitrary: existing });
}

function trafficTargetArb(scope: Scope): fc.Arbitrary<Record<string, unknown>> {
  const svc = fc.record({ namespace: fc.constantFrom(...scope.namespaces), name: fc.constantFrom(...scope.services), port: fc.constantFrom(...scope.servicePorts) });
  const nodes = scope.cluster.nodes ?? ['node-1', 'node-2'];
  return fc.oneof(
    { weight: 5, arbitrary: svc.map((s) => ({ ip: `$clusterIP:${s.namespace}/${s.name}`, port: s.port.port, ...(s.port.protocol && s.port.protocol !== 'TCP' ? { protocol: s.port.protocol } : {}) })) },
    { weight: 2, arbitrary: svc.map((s) => ({ service: s.name, namespace: s.namespace, port: s.port.port })) },
    { weight: 2, arbitrary: fc.tuple(svc, fc.constantFrom(...nodes)).map(([s, node]) => ({ node, port: `$nodePort:${s.namespace}/${s.name}` })) },
    { weight: 1, arbitrary: fc.tuple(svc, fc.constantFrom(...scope.containerPorts)).map(([s, p]) => ({ ip: `$podIP:${s.namespace}/${scope.pods[0]}`, port: p.containerPort })) },
    { weight: 1, arbitrary: svc.map((s) => ({ ip: `$lbIP:${s.namespace}/${s.name}`, port: s.port.port })) },
    ...policyTargets(scope),
  );
}

/** The addresses traffic policies govern besides nodePorts and load balancers: healthCheckNodePorts and externalIPs. */
function policyTargets(scope: Scope): { weight: number; arbitrary: fc.Arbitrary<Record<string, unknown>> }[] {
  const svc = fc.record({ namespace: fc.constantFrom(...scope.namespaces), name: fc.constantFrom(...scope.services), port: fc.constantFrom(...scope.servicePorts) });
  const nodes = scope.cluster.nodes ?? ['node-1', 'node-2'];
  return [
    { weight: 1, arbitrary: fc.tuple(svc, fc.constantFrom(...nodes)).map(([s, node]) => ({ node, port: `$healthCheckNodePort:${s.namespace}/${s.name}` })) },
    { weight: 1, arbitrary: svc.map((s) => ({ ip: `$externalIP:${s.namespace}/${s.name}`, port: s.port.port, ...(s.port.protocol && s.port.protocol !== 'TCP' ? { protocol: s.port.protocol } : {}) })) },
  ];
}

/** Pods connect to anything; external clients come in through nodes and load balancers, as in the seed. */
function connectArb(scope: Scope): fc.Arbitrary<Operation> {
  const nodes = scope.cluster.nodes ?? ['node-1', 'node-2'];
  const svc = fc.record({ namespace: fc.constantFrom(...scope.namespaces), name: fc.constantFrom(...scope.services) });
  const external = fc.record({ ip: fc.constantFrom(undefined, '198.51.100.7') }).map(({ ip }) => (ip ? { external: true, ip } : { external: true }));
  const edge = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(svc, fc.constantFrom(...nodes)).map(([s, node]) => ({ node, port: `$nodePort:${s.namespace}/${s.name}` })) },
    { weight: 1, arbitrary: fc.tuple(svc, fc.constantFrom(...scope.servicePorts)).map(([s, p]) => ({ ip: `$lbIP:${s.namespace}/${s.name}`, port: p.port })) },
    ...policyTargets(scope),
  );
  return fc.oneof(
    { weight: 5, arbitrary: fc.tuple(podRefArb(scope), trafficTargetArb(scope)).map(([from, to]) => ({ op: 'connect', from, to }) as unknown as Operation) },
    { weight: 2, arbitrary: fc.tuple(external, edge).map(([from, to]) => ({ op: 'connect', from, to }) as unknown as Operation) },
  );
}

function invalidServiceArb(scope: Scope): fc.Arbitrary<Record<string, unknown>> {
  const meta = fc.record({ name: fc.constantFrom(...scope.services), namespace: fc.constantFrom(...scope.namespaces) });
  const broken: Record<string, unknown>[] = [
    { ports: [{ port: 0 }] },
    { ports: [{ port: 70000 }] },
    { ports: [{ port: 80 }, { port: 81 }] },
    { ports: [{ port: 80, protocol: 'HTTP' }] },
    { clusterIP: '1.1.1.1', ports: [{ port: 80 }] },
    { clusterIP: '10.96.0.1', ports: [{ port: 80 }] },
    { type: 'ClusterIP', ports: [{ port: 80, nodePort: 30080 }] },
    { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] },
    { ports: [{ port: 80, targetPort: 'this-name-is-far-too-long' }] },
    { type: 'ExternalName', ports: [{ port: 80 }] },
    { externalIPs: ['127.0.0.1'], ports: [{ port: 80 }] },
    { externalIPs: ['not-an-ip'], ports: [{ port: 80 }] },
    { loadBalancerSourceRanges: ['10.0.0.0/8'], ports: [{ port: 80 }] },
    { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/33'], ports: [{ port: 80 }] },
    { internalTrafficPolicy: 'Node', ports: [{ port: 80 }] },
  ];
  return fc.tuple(meta, fc.constantFrom(...broken)).map(([m, spec]) => ({ apiVersion: 'v1', kind: 'Service', metadata: m, spec }));
}

function invalidPodArb(scope: Scope): fc.Arbitrary<Record<string, unknown>> {
  const broken: Record<string, unknown>[] = [
    { containers: [] },
    { containers: [{ name: 'app', image: 'x' }, { name: 'app', image: 'y' }] },
    { containers: [{ name: 'app', image: 'x', readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } } }] },
    { containers: [{ name: 'app', image: 'x', readinessProbe: { exec: { command: ['true'] }, periodSeconds: -1 } }] },
    { containers: [{ name: 'App_1', image: 'x' }] },
  ];
  return fc.tuple(fc.constantFrom(...scope.pods), fc.constantFrom(...broken)).map(([name, spec]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec }));
}

/** The seed's Ingress walkthrough: a deployment, an Ingress routing a host to its Service, a request to that host. */
function exposeArb(scope: Scope, d: Domains): fc.Arbitrary<Operation[]> {
  const hosts = scope.hosts ?? ['kubia.example.com', 'foo.example.com'];
  return fc.tuple(deployArb(scope, d), fc.constantFrom(...hosts), fc.constantFrom('Prefix', 'Exact')).map(([ops, host, pathType]) => {
    const svc = (ops.find((o) => (o as { object?: { kind?: string } }).object?.kind === 'Service') as unknown as { object: { metadata: { name: string; namespace: string }; spec: { ports: { port: number }[] } } }).object;
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'edge', namespace: svc.metadata.namespace },
      spec: { rules: [{ host, http: { paths: [{ path: '/', pathType, backend: { service: { name: svc.metadata.name, port: { number: svc.spec.ports[0].port } } } }] } }] },
    };
    const request = { op: 'http', from: { external: true }, host, path: '/' };
    return [...withoutProbes(ops), { op: 'apply', object: ingress }, { op: 'settle' }, request, { ...request }] as unknown as Operation[];
  });
}

/** The seed's kubia setup: a ReplicationController and a Service over its label, in either order. */
function deployArb(scope: Scope, d: Domains): fc.Arbitrary<Operation[]> {
  const [key] = Object.keys(scope.labels);
  return fc.tuple(replicationControllerArb(scope, d), serviceArb(scope), fc.integer({ min: 2, max: 3 }), fc.boolean()).map(([rc, svc, replicas, serviceFirst]) => {
    const r = rc as { metadata: { namespace: string }; spec: { selector: Record<string, string> } };
    const s = svc as { metadata: { namespace: string }; spec: Record<string, unknown> };
    const service = s.spec.type === 'ExternalName' ? { ...s, spec: { ports: [{ port: scope.servicePorts[0].port, targetPort: scope.servicePorts[0].targetPort }] } } : s;
    // Moved to the RC's namespace: a Service named kubernetes must not land on default's own.
    const meta = { ...s.metadata, namespace: r.metadata.namespace } as { name: string; namespace: string };
    if (meta.name === 'kubernetes' && meta.namespace === 'default') meta.name = scope.services[0];
    const selected = { ...service, metadata: meta, spec: { ...service.spec, selector: { [key]: r.spec.selector[key] } } };
    const ops = [
      { op: 'apply', object: { ...rc, spec: { ...(rc as { spec: object }).spec, replicas } } },
      { op: 'apply', object: selected },
    ] as unknown as Operation[];
    return serviceFirst ? ops.reverse() : ops;
  });
}

/** A deployment's ReplicationController with its pods' readiness probes taken out: they serve as soon as they run. */
function withoutProbes(ops: Operation[]): Operation[] {
  return ops.map((o) => {
    const obj = (o as unknown as { object: Record<string, any> }).object;
    if (obj.kind !== 'ReplicationController') return o;
    const containers = obj.spec.template.spec.containers.map(({ readinessProbe: _, ...c }: Record<string, unknown>) => c);
    return { ...o, object: { ...obj, spec: { ...obj.spec, template: { ...obj.spec.template, spec: { ...obj.spec.template.spec, containers } } } } } as unknown as Operation;
  });
}

/** Connections a load-spreading rule needs before it judges (spec/invariants.yaml traffic/spreads-load). */
export const BURST_CONNECTIONS = 31;

/** A burst fills the run (it judges every connection past the 31st), leaving room for its setup. */
function burstLength(scope: Scope): number {
  return Math.max(BURST_CONNECTIONS + 1, scope.maxSteps - 3);
}

/** A deployment whose pods are ready at once, then a burst of connections from one of them to its Service. */
function connectBurstArb(scope: Scope, d: Domains): fc.Arbitrary<Operation[]> {
  return deployArb(scope, d).map((ops) => {
    const [rc, svcOp] = withoutProbes(ops).map((o) => (o as unknown as { object: Record<string, any> }).object).sort((a) => (a.kind === 'ReplicationController' ? -1 : 1));
    const { sessionAffinity: _a, sessionAffinityConfig: _c, clusterIP: _i, externalTrafficPolicy: _e, ...spec } = svcOp.spec;
    const { nodePort: _p, ...firstPort } = svcOp.spec.ports[0];
    const svc: Record<string, any> = { ...svcOp, spec: { ...spec, type: 'ClusterIP', ports: [firstPort] } };
    const ns = rc.metadata.namespace ?? 'default';
    const port = svc.spec.ports[0];
    const connect = {
      op: 'connect',
      from: { namespace: ns, pod: `$pod:${ns}/${rc.metadata.name}#0` },
      to: { ip: `$clusterIP:${ns}/${svc.metadata.name}`, port: port.port, ...(port.protocol && port.protocol !== 'TCP' ? { protocol: port.protocol } : {}) },
    };
    return [{ op: 'apply', object: rc }, { op: 'apply', object: svc }, { op: 'settle' }, ...Array.from({ length: burstLength(scope) }, () => ({ ...connect }))] as unknown as Operation[];
  });
}

/** A pod whose exec readiness probe succeeds, fails, then succeeds again, each for long enough that readiness must follow. */
function probeCycleArb(scope: Scope, d: Domains): fc.Arbitrary<Operation[]> {
  const probe = fc.record({
    initialDelaySeconds: fc.constantFrom(...d.initialDelaySeconds),
    periodSeconds: fc.constantFrom(...d.periodSeconds),
    successThreshold: fc.constantFrom(...d.thresholds),
    failureThreshold: fc.constantFrom(...d.thresholds),
  });
  return fc.tuple(podArb(scope, d), probe, fc.boolean()).map(([pod, pr, restart]) => {
    const p = pod as Record<string, any>;
    const container = { ...p.spec.containers[0], readinessProbe: { exec: { command: ['ls', '/var/ready'] }, ...pr } };
    const ref = { namespace: p.metadata.namespace, pod: p.metadata.name };
    return [
      { op: 'apply', object: { ...p, spec: { ...p.spec, restartPolicy: 'Always', containers: [container] } } },
      { op: 'probe', ...ref, result: 'success' },
      { op: 'advance', seconds: pr.initialDelaySeconds + (pr.successThreshold + 1) * pr.periodSeconds },
      { op: 'settle' }, // in async timing the kubelet's status writes are steps of their own
      ...(restart ? [{ op: 'exit', ...ref, code: 1 }, { op: 'settle' }] : []),
      { op: 'probe', ...ref, result: 'failure' },
      { op: 'advance', seconds: (pr.failureThreshold + 1) * pr.periodSeconds },
      { op: 'settle' },
      // Ready again, and left so for the rest of the run.
      { op: 'probe', ...ref, result: 'success' },
      { op: 'advance', seconds: (pr.successThreshold + 1) * pr.periodSeconds },
      { op: 'settle' },
    ] as unknown as Operation[];
  });
}

/**
 * The seed's external-service: a selectorless Service, the user's Endpoints for it on a port of
 * their choosing (kube-proxy forwards to that port, whatever the Service's targetPort), and a pod
 * connecting to it.
 */
function externalServiceArb(scope: Scope): fc.Arbitrary<Operation[]> {
  const ports = [...new Set(scope.servicePorts.flatMap((p) => [p.port, ...(typeof p.targetPort === 'number' ? [p.targetPort] : [])]))];
  return fc.tuple(
    fc.record({ name: fc.constantFrom(...scope.services), namespace: fc.constantFrom(...scope.namespaces) }),
    fc.constantFrom(...scope.servicePorts),
    fc.constantFrom(...ports),
    fc.uniqueArray(fc.constantFrom('11.11.11.11', '22.22.22.22'), { minLength: 1, maxLength: 2 }),
    podRefArb(scope),
  ).map(([meta, sp, endpointPort, ips, from]) => {
    const protocol = sp.protocol && sp.protocol !== 'TCP' ? { protocol: sp.protocol } : {};
    const service = { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { ports: [{ ...(sp.name ? { name: sp.name } : {}), port: sp.port, targetPort: sp.targetPort, ...protocol }] } };
    const endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: meta, subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ ...(sp.name ? { name: sp.name } : {}), port: endpointPort, ...protocol }] }] };
    return [
      { op: 'apply', object: service },
      { op: 'apply', object: endpoints },
      { op: 'connect', from: { ...from, namespace: meta.namespace }, to: { ip: `$clusterIP:${meta.namespace}/${meta.name}`, port: sp.port, ...protocol } },
    ] as unknown as Operation[];
  });
}

/** A pod connects to a Service, time passes, and it connects again: what ClientIP affinity remembers, renews and forgets. */
function reconnectArb(scope: Scope, d: Domains): fc.Arbitrary<Operation[]> {
  return fc.tuple(podRefArb(scope), trafficTargetArb(scope).filter((t) => 'service' in t || String(t.ip).startsWith('$clusterIP:')), fc.constantFrom(...d.advanceSeconds)).map(([from, to, seconds]) => [
    { op: 'connect', from, to },
    { op: 'advance', seconds },
    { op: 'connect', from, to },
  ] as unknown as Operation[]);
}

/** Deletions of the kinds an implementation supports (all four without a list). */
function deleteArb(scope: Scope, kinds: readonly string[] | undefined): fc.Arbitrary<Operation> {
  const supported = (k: string) => !kinds || kinds.includes(k);
  const serviceKinds = (['Service', 'Endpoints'] as const).filter(supported);
  return fc.oneof(
    ...(supported('Pod') ? [podRefArb(scope).map((r) => ({ op: 'delete', kind: 'Pod', namespace: r.namespace, name: r.pod }) as Operation)] : []),
    ...(serviceKinds.length ? [fc.record({ namespace: fc.constantFrom(...scope.namespaces), name: fc.constantFrom(...scope.services), kind: fc.constantFrom(...serviceKinds) }).map((r) => ({ op: 'delete', ...r }) as Operation)] : []),
    ...(supported('ReplicationController') ? [fc.record({ namespace: fc.constantFrom(...scope.namespaces), name: fc.constantFrom(...(scope.replicationControllers ?? ['rc'])) }).map((r) => ({ op: 'delete', kind: 'ReplicationController', ...r }) as Operation)] : []),
    ...(supported('Ingress') && scope.cluster.ingressControllers?.length ? [fc.record({ namespace: fc.constantFrom(...scope.namespaces), name: fc.constantFrom(...INGRESS_NAMES) }).map((r) => ({ op: 'delete', kind: 'Ingress', ...r }) as Operation)] : []),
  );
}

function generatorArb(g: GeneratorSpec, scope: Scope, d: Domains, supports?: Supports): fc.Arbitrary<Operation> {
  const apply = (a: fc.Arbitrary<Record<string, unknown>>) => a.map((object) => ({ op: 'apply', object }) as unknown as Operation);
  switch (g.name) {
    case 'apply-pod': return apply(podArb(scope, d));
    case 'ended-pod': return apply(endedPodArb(scope));
    case 'apply-service': return apply(serviceArb(scope));
    case 'update-service': return apply(serviceArb(scope).map((s) => ({ ...s, spec: { ...(s.spec as object), $update: true } })));
    case 'swap-node-ports':
      return fc.record({ namespace: fc.constantFrom(...scope.namespaces), name: fc.constantFrom(...scope.services) }).map((ref) => ({ op: 'apply', object: { kind: 'Service', $swapNodePorts: ref } }) as unknown as Operation);
    case 'apply-endpoints': return apply(endpointsArb(scope));
    case 'apply-rc': return apply(replicationControllerArb(scope, d));
    case 'relabel-pod':
      return fc.tuple(podRefArb(scope), labelsArb(scope)).map(([ref, labels]) => ({ op: 'apply', object: { kind: 'Pod', $relabel: { ...ref, labels } } }) as unknown as Operation);
    case 'delete': return deleteArb(scope, supports?.kinds);
    case 'delete-kubernetes-service': return fc.constant({ op: 'delete', kind: 'Service', namespace: 'default', name: 'kubernetes' } as Operation);
    case 'probe': return fc.tuple(podRefArb(scope), fc.constantFrom('success' as const, 'failure' as const)).map(([r, result]) => ({ op: 'probe', ...r, result }) as Operation);
    case 'listen': return fc.tuple(podRefArb(scope), fc.boolean()).map(([r, listening]) => ({ op: 'listen', ...r, listening }) as Operation);
    case 'exit': return fc.tuple(podRefArb(scope), fc.constantFrom(...d.exitCodes)).map(([r, code]) => ({ op: 'exit', ...r, code }) as Operation);
    case 'advance': return fc.constantFrom(...d.advanceSeconds).map((seconds) => ({ op: 'advance', seconds }) as Operation);
    case 'connect': return connectArb(scope);
    case 'ping': {
      const named = fc.tuple(fc.constantFrom(...scope.services), fc.constantFrom(...scope.namespaces)).map(([svc, ns]) => `$clusterIP:${ns}/${svc}`);
      const held = fc.nat(7).map((i) => `$anyClusterIP:*/${i}`);
      return fc.tuple(existingPodRefArb(scope), fc.oneof({ weight: 1, arbitrary: named }, { weight: 3, arbitrary: held })).map(([from, ip]) => ({ op: 'ping', from, ip }) as Operation);
    }
    case 'settle': return fc.constant({ op: 'settle' } as Operation);
    case 'internal-step': return fc.nat(15).map((i) => ({ op: 'sync', controller: 'kubelet', target: `$internal#${i}` }) as Operation);
    case 'env': return envArb(existingPodRefArb(scope));
    case 'resolve': return resolveArb(scope, existingPodRefArb(scope));
    case 'apply-ingress': return apply(ingressArb(scope));
    case 'apply-ingress-class': return apply(ingressClassArb());
    case 'http': return httpArb(scope);
    case 'invalid-service': return apply(invalidServiceArb(scope));
    case 'invalid-pod': return apply(invalidPodArb(scope));
    case 'status-pod': return apply(statusPodArb(scope));
    case 'pod-endpoints': return apply(podEndpointsArb(scope));
    default: throw new Error(`spec/operations.yaml names generator "${g.name}", which properties/arbitraries does not build`);
  }
}

/** The operations one generator draws: several for the walkthrough generators, else one. */
export function chunkOf(g: GeneratorSpec, scope: Scope, d: Domains, supports?: Supports): fc.Arbitrary<Operation[]> {
  switch (g.name) {
    case 'deploy': return deployArb(scope, d);
    case 'expose-ingress': return exposeArb(scope, d);
    case 'external-service': return externalServiceArb(scope);
    case 'reconnect': return reconnectArb(scope, d);
    case 'connect-burst': return connectBurstArb(scope, d);
    case 'probe-cycle': return probeCycleArb(scope, d);
    case 'exercise-policies': return policiesArb(scope, d);
    case 'discovery': return discoveryArb(scope, d);
    case 'affinity': return affinityArb(scope, d);
    case 'dataplane-traffic': return dataplaneTrafficArb(scope, d);
    case 'node-port-updates': return nodePortUpdatesArb(scope);
    case 'run-to-completion': return runToCompletionArb(scope, d);
    case 'endpoints-override': return endpointsOverrideArb(scope);
    case 'short-lived': return shortLivedArb(scope, d, supports?.kinds);
    case 'terminating-serving': return terminatingServingArb(scope, d);
    default: return generatorArb(g, scope, d, supports).map((op) => [op]);
  }
}

/** On a generated operation (not enumerable, not copied): the name of the generator that drew it. */
export const GENERATOR = Symbol('svcspec.generator');

export function generatorOf(op: Operation): string | undefined {
  return (op as { [GENERATOR]?: string })[GENERATOR];
}

function tagged(op: Operation, name: string): Operation {
  if (generatorOf(op) !== name) Object.defineProperty(op, GENERATOR, { value: name, enumerable: false, configurable: true });
  return op;
}

/** One generator's chunks, each operation tagged with the generator's name. */
function taggedChunkOf(g: GeneratorSpec, scope: Scope, d: Domains, supports?: Supports): fc.Arbitrary<Operation[]> {
  return chunkOf(g, scope, d, supports).map((ops) => ops.map((op) => tagged(op, g.name)));
}

/**
 * The scope's generators (spec/scopes.yaml `generators`, else every one that is not opt-in), those an
 * implementation with `supports` can answer, weighted; each draws a short run of operations.
 */
export function chunkArb(generators: readonly GeneratorSpec[], scope: Scope, d: Domains, supports?: Supports): fc.Arbitrary<Operation[]> {
  const drawn = drawnGenerators(generators, scope, supports);
  if (drawn.length === 0) throw new NoGenerators(scope.name);
  return fc.oneof(...drawn.map((g) => ({ weight: g.weight, arbitrary: taggedChunkOf(g, scope, d, supports) })));
}

/** Nothing to draw: the implementation supports none of the scope's generators. */
export class NoGenerators extends Error {
  constructor(readonly scope: string) {
    super(`no generator of scope ${scope} uses only the operations and kinds the implementation supports`);
  }
}

/** On a sequence drawn under swarm testing (not enumerable, not copied): the run's configuration. */
export const SWARM = Symbol('svcspec.swarm');

export function swarmOfRun(ops: readonly Operation[]): SwarmDraw | undefined {
  return (ops as { [SWARM]?: SwarmDraw })[SWARM];
}

/**
 * Sequences of up to `maxSteps` operations, packed from whole chunks: a chunk that does not fit in
 * what is left is skipped, not cut, so a walkthrough always reaches the steps it was drawn for.
 * Shrinking removes whole chunks, then simplifies them. With `swarm` (the catalogue's weights, that
 * keep chances are relative to), each sequence first draws its own subset of the generators and
 * their weights (./swarm.ts), and never shrinks that draw.
 */
export function sequenceArb(generators: readonly GeneratorSpec[], scope: Scope, d: Domains, maxSteps: number, supports?: Supports, swarm?: ReadonlyMap<string, number>): fc.Arbitrary<Operation[]> {
  if (!swarm) return packed(chunkArb(generators, scope, d, supports), maxSteps);
  const drawn = drawnGenerators(generators, scope, supports);
  if (drawn.length === 0) throw new NoGenerators(scope.name);
  const chunks = new Map(drawn.map((g) => [g.name, taggedChunkOf(g, scope, d, supports)]));
  return swarmArb(drawn, swarm).chain((s) => {
    const chunk = fc.oneof(...s.kept.map((g) => ({ weight: g.weight, arbitrary: chunks.get(g.name)! })));
    return packed(chunk, maxSteps).map((ops) => Object.defineProperty(ops, SWARM, { value: s, enumerable: false }));
  });
}

function packed(chunk: fc.Arbitrary<Operation[]>, maxSteps: number): fc.Arbitrary<Operation[]> {
  return fc.array(chunk, { minLength: 1, maxLength: maxSteps, size: 'max' }).map((chunks) => {
    const ops: Operation[] = [];
    for (const c of chunks) if (ops.length + c.length <= maxSteps) ops.push(...c);
    return ops;
  });
}
