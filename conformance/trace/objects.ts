// API objects rebuilt from an observation (docs/contract.md section 3), so that any implementation under
// check (an adapter answering `observe`, a faulty system in the tests) can be exported as a watch
// stream, not only the reference model, whose states list their own objects (model/cluster/
// api-objects.ts). observation.ts reads these objects back into the same views: the two are
// inverse up to the fields a recording cannot carry (startedAt, probe counters, `created`).
// Who wrote an Endpoints object is not in an observation; it is inferred from the step: a write of
// that very object by the operation is a user's, any other change the endpoints controller's.
import { type ApiObject, type Observation, type Operation, timestamp } from '../../model/index.ts';
import { ENDPOINTS_CONTROLLER, MANAGED_BY_LABEL } from '../../model/cluster/endpoints-controller.ts';
import type { KubeObject } from '../../model/k8s/objects.ts';

type View<K extends keyof Observation> = Observation[K] extends (infer T)[] | undefined ? T : never;

function podObject(p: View<'pods'>, time: string): KubeObject {
  const cond = (type: string, ok: boolean) => ({ type, status: ok ? 'True' : 'False' });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: p.namespace, name: p.name, uid: p.uid, labels: { ...p.labels },
      ...(p.terminating ? { deletionTimestamp: time } : {}),
      ...(p.controller ? { ownerReferences: [{ apiVersion: 'v1', kind: p.controller.kind, name: p.controller.name, uid: '', controller: true }] } : {}),
    },
    spec: {
      ...(p.node ? { nodeName: p.node } : {}),
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
      ...(p.dns ? { dnsPolicy: p.dns.policy } : {}),
      containers: p.containers.map((c) => ({
        name: c.name,
        image: 'app',
        ...(c.ports ? { ports: c.ports.map((x) => ({ ...x })) } : {}),
        // The observation keeps the names the container's env sets, not their values.
        ...(c.envNames ? { env: c.envNames.map((name) => ({ name, value: '' })) } : {}),
      })),
    },
    status: {
      phase: p.phase,
      ...(p.ip ? { podIP: p.ip, podIPs: [{ ip: p.ip }] } : {}),
      conditions: [cond('ContainersReady', p.containers.length > 0 && p.containers.every((c) => c.ready)), cond('Ready', p.ready)],
      containerStatuses: p.containers.map((c) => ({ name: c.name, ready: c.ready, restartCount: c.restartCount })),
    },
  };
}

function serviceObject(s: View<'services'>): KubeObject {
  const spec: Record<string, unknown> = {
    type: s.type,
    ...(s.clusterIP ? { clusterIP: s.clusterIP } : {}),
    ...(s.selector ? { selector: { ...s.selector } } : {}),
    ports: s.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, targetPort: p.targetPort, protocol: p.protocol, ...(p.nodePort ? { nodePort: p.nodePort } : {}) })),
    sessionAffinity: s.sessionAffinity,
    ...(s.externalTrafficPolicy ? { externalTrafficPolicy: s.externalTrafficPolicy } : {}),
    ...(s.healthCheckNodePort ? { healthCheckNodePort: s.healthCheckNodePort } : {}),
    ...(s.internalTrafficPolicy ? { internalTrafficPolicy: s.internalTrafficPolicy } : {}),
    ...(s.externalIPs ? { externalIPs: [...s.externalIPs] } : {}),
    ...(s.loadBalancerSourceRanges ? { loadBalancerSourceRanges: [...s.loadBalancerSourceRanges] } : {}),
    ...(s.externalName ? { externalName: s.externalName } : {}),
    ...(s.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
    ...(s.allocateLoadBalancerNodePorts !== undefined ? { allocateLoadBalancerNodePorts: s.allocateLoadBalancerNodePorts } : {}),
    ...(s.loadBalancerClass ? { loadBalancerClass: s.loadBalancerClass } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: s.namespace, name: s.name, uid: s.uid },
    spec,
    status: { loadBalancer: s.loadBalancerIngress.length ? { ingress: s.loadBalancerIngress.map((i) => ({ ...i })) } : {} },
  };
}

/** The controller's Endpoints carry the label it sets on every write (v1.37 endpoints_controller.go syncService). */
function endpointsObject(e: View<'endpoints'>, byController: boolean): KubeObject {
  const addr = (a: View<'endpoints'>['subsets'][number]['addresses'][number]) => ({
    ip: a.ip,
    ...(a.hostname ? { hostname: a.hostname } : {}),
    ...(a.pod ? { targetRef: { kind: 'Pod', namespace: a.pod.namespace, name: a.pod.name } } : {}),
  });
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      namespace: e.namespace,
      name: e.name,
      ...(byController ? { labels: { [MANAGED_BY_LABEL]: ENDPOINTS_CONTROLLER } } : {}),
      // A user's write over the controller's, as the API's field manager records it.
      ...(e.userWritten ? { managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update' }] } : {}),
    },
    subsets: e.subsets.map((ss) => ({
      ...(ss.addresses.length ? { addresses: ss.addresses.map(addr) } : {}),
      ...(ss.notReadyAddresses.length ? { notReadyAddresses: ss.notReadyAddresses.map(addr) } : {}),
      ports: ss.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol })),
    })),
  };
}

/** Whether the operation wrote this very Endpoints object (a user's write). */
function userWrote(op: Operation | undefined, namespace: string, name: string): boolean {
  if (!op) return true; // the initial state: whoever made it, nothing changed it yet
  if (op.op === 'delete') return op.kind === 'Endpoints' && (op.namespace ?? 'default') === namespace && op.name === name;
  if (op.op !== 'apply') return false;
  const m = (op.object as { kind?: string; metadata?: { namespace?: string; name?: string } });
  return m.kind === 'Endpoints' && (m.metadata?.namespace ?? 'default') === namespace && m.metadata?.name === name;
}

/** The API objects an observation shows; `op` is the operation that led to it (none for the first). */
export function objectsOfObservation(obs: Observation, op?: Operation): ApiObject[] {
  const out: ApiObject[] = [];
  for (const n of obs.nodes) {
    out.push({ kind: 'Node', key: `Node//${n.name}`, source: n, writer: 'user', render: () => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name }, status: { addresses: [{ type: 'InternalIP', address: n.ip }] } }) });
  }
  for (const s of obs.services) out.push({ kind: 'Service', key: `Service/${s.namespace}/${s.name}`, source: s, writer: 'user', render: () => serviceObject(s) });
  for (const p of obs.pods) out.push({ kind: 'Pod', key: `Pod/${p.namespace}/${p.name}`, source: p, writer: 'user', render: () => podObject(p, timestamp(obs.time)) });
  for (const e of obs.endpoints) {
    const writer = e.userWritten || userWrote(op, e.namespace, e.name) ? 'user' : 'controller';
    out.push({ kind: 'Endpoints', key: `Endpoints/${e.namespace}/${e.name}`, source: e, writer, render: () => endpointsObject(e, writer === 'controller') });
  }
  return out;
}
