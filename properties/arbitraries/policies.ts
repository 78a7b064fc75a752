/**
 * Traffic policies exercised: a deployment behind a Service with policies (internalTrafficPolicy,
 * externalTrafficPolicy, an externalIP, loadBalancerSourceRanges), a client pod on a chosen node,
 * a settle, then connections over the paths the policies govern — the ClusterIP, a node's nodePort
 * and healthCheckNodePort, the externalIP, the load-balancer address — from the pod and from
 * outside. Random operations alone rarely line these up: a ready endpoint on one node and not on
 * another, and a client that asks the right address.
 */
import fc from 'fast-check';
import type { Operation } from '../../model/index.ts';
import type { Domains, Scope } from '../spec/types.ts';
import { externalIPOf } from './manifests.ts';

type Obj = Record<string, unknown>;

const SOURCE_RANGES = [['198.51.100.0/30'], ['10.244.0.0/16']];

function serviceWithPolicies(scope: Scope, namespace: string, selector: Record<string, string>): fc.Arbitrary<Obj> {
  const types = [...new Set(scope.serviceTypes ?? ['ClusterIP'])].filter((t) => t === 'ClusterIP' || t === 'NodePort' || t === 'LoadBalancer');
  return fc.record({
    name: fc.constantFrom(...scope.services),
    type: fc.constantFrom(...(types.length ? types : ['ClusterIP'])),
    port: fc.constantFrom(...scope.servicePorts),
    internalLocal: fc.boolean(),
    externalLocal: fc.boolean(),
    externalIP: fc.boolean(),
    ranges: fc.option(fc.constantFrom(...SOURCE_RANGES), { nil: undefined }),
  }).map(({ name, type, port, internalLocal, externalLocal, externalIP, ranges }) => {
    const external = type !== 'ClusterIP' || externalIP;
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: {
        type,
        selector,
        ports: [{ ...(port.name ? { name: port.name } : {}), port: port.port, targetPort: port.targetPort, ...(port.protocol ? { protocol: port.protocol } : {}) }],
        ...(internalLocal ? { internalTrafficPolicy: 'Local' } : {}),
        ...(external && externalLocal ? { externalTrafficPolicy: 'Local' } : {}),
        ...(externalIP ? { externalIPs: [externalIPOf(scope, namespace, name)] } : {}),
        ...(type === 'LoadBalancer' && ranges ? { loadBalancerSourceRanges: [...ranges] } : {}),
      },
    };
  });
}

/** Container ports of the scope, one per name, so that named targetPorts resolve. */
function allContainerPorts(scope: Scope): Obj[] {
  const seen = new Set<string>();
  return scope.containerPorts.filter((p) => !p.name || (!seen.has(p.name) && seen.add(p.name) !== undefined)).map((p) => ({ ...p }));
}

export function policiesArb(scope: Scope, _d: Domains): fc.Arbitrary<Operation[]> {
  const [key, values] = Object.entries(scope.labels)[0];
  const nodes = scope.cluster.nodes ?? ['node-1', 'node-2'];
  const rcs = scope.replicationControllers ?? ['rc'];
  const setup = fc.record({
    namespace: fc.constantFrom(...scope.namespaces),
    rc: fc.constantFrom(...rcs),
    value: fc.constantFrom(...values),
    replicas: fc.integer({ min: 1, max: 3 }),
    client: fc.constantFrom(...scope.pods),
    clientNode: fc.constantFrom(...nodes),
  });
  return setup.chain((s) => fc.tuple(fc.constant(s), serviceWithPolicies(scope, s.namespace, { [key]: s.value }), fc.array(connectionArb(scope), { minLength: 3, maxLength: 8 })))
    .map(([s, svc, connections]) => {
      const name = (svc.metadata as { name: string }).name;
      const port = ((svc.spec as { ports: { port: number; protocol?: string }[] }).ports)[0];
      const rc = {
        apiVersion: 'v1',
        kind: 'ReplicationController',
        metadata: { name: s.rc, namespace: s.namespace },
        spec: { replicas: s.replicas, selector: { [key]: s.value }, template: { metadata: { labels: { [key]: s.value } }, spec: { containers: [{ name: 'app', image: 'app', ports: allContainerPorts(scope) }] } } },
      };
      const client = { apiVersion: 'v1', kind: 'Pod', metadata: { name: s.client, namespace: s.namespace }, spec: { nodeName: s.clientNode, containers: [{ name: 'app', image: 'curl' }] } };
      const ops: Obj[] = [
        { op: 'apply', object: rc },
        { op: 'apply', object: svc },
        { op: 'apply', object: client },
        { op: 'settle' },
        ...connections.map((c) => c(s.namespace, name, s.client, port)),
      ];
      return ops as unknown as Operation[];
    });
}

type Connection = (namespace: string, service: string, client: string, port: { port: number; protocol?: string }) => Obj;

function connectionArb(scope: Scope): fc.Arbitrary<Connection> {
  const nodes = scope.cluster.nodes ?? ['node-1', 'node-2'];
  return fc.record({
    external: fc.constantFrom(false, false, true),
    externalIP: fc.constantFrom(undefined, '198.51.100.7'),
    node: fc.constantFrom(...nodes),
    target: fc.constantFrom('clusterIP', 'nodePort', 'nodePort', 'healthCheckNodePort', 'healthCheckNodePort', 'externalIP', 'externalIP', 'lbIP'),
  }).map(({ external, externalIP, node, target }) => (namespace, service, client, port) => {
    const ref = `${namespace}/${service}`;
    const proto = port.protocol && port.protocol !== 'TCP' ? { protocol: port.protocol } : {};
    const outside = external && target !== 'clusterIP';
    const from = outside ? { external: true, ...(externalIP ? { ip: externalIP } : {}) } : { namespace, pod: client };
    const to =
      target === 'clusterIP' ? { ip: `$clusterIP:${ref}`, port: port.port, ...proto }
      : target === 'nodePort' ? { node, port: `$nodePort:${ref}`, ...proto }
      : target === 'healthCheckNodePort' ? { node, port: `$healthCheckNodePort:${ref}` }
      : target === 'externalIP' ? { ip: `$externalIP:${ref}`, port: port.port, ...proto }
      : { ip: `$lbIP:${ref}`, port: port.port, ...proto };
    return { op: 'connect', from, to };
  });
}
