/**
 * A data plane's own walkthrough (the dataplane scope): what a kube-proxy replacement decides,
 * lined up as random operations rarely do. Backend pods applied with their status on the scope's
 * nodes (ready or not, maybe not running), a selectorless Service with the policies a proxy
 * applies (ClientIP affinity, internalTrafficPolicy Local, an externalIP), the Endpoints an
 * endpoints controller would have written for it, a running client pod, then connections to the
 * ClusterIP, the Service by name, the externalIP or a backend's own address, with time passing
 * between some of them (affinity renewed, or idled out).
 */
import fc from 'fast-check';
import type { Operation } from '../../model/index.ts';
import type { Domains, Scope } from '../spec/types.ts';
import { externalIPOf, statusPodManifest, statusPodPlacement } from './manifests.ts';

type Obj = Record<string, unknown>;

export function dataplaneTrafficArb(scope: Scope, d: Domains): fc.Arbitrary<Operation[]> {
  const [key, values] = Object.entries(scope.labels)[0];
  return fc.record({
    namespace: fc.constantFrom(...scope.namespaces),
    service: fc.constantFrom(...scope.services),
    value: fc.constantFrom(...values),
    port: fc.constantFrom(...scope.servicePorts),
    // The scope's last pod name is the client; the others are backends.
    backends: fc.array(fc.constantFrom<'ready' | 'unready' | 'Succeeded'>('ready', 'ready', 'ready', 'unready', 'Succeeded'), { minLength: scope.pods.length - 1, maxLength: scope.pods.length - 1 }),
    affinity: fc.constantFrom(undefined, undefined, 10, 30),
    internalLocal: fc.constantFrom(false, false, true),
    externalIP: fc.boolean(),
    connections: fc.array(fc.record({ target: fc.constantFrom('clusterIP', 'clusterIP', 'service', 'externalIP', 'podIP'), backend: fc.nat(scope.pods.length - 2), wait: fc.option(fc.constantFrom(...d.advanceSeconds), { nil: undefined, freq: 3 }), outside: fc.boolean() }), { minLength: 2, maxLength: 5 }),
  }).map(({ namespace, service, value, port, backends, affinity, internalLocal, externalIP, connections }) => {
    const client = scope.pods[scope.pods.length - 1];
    const names = scope.pods.slice(0, -1);
    const protocol = port.protocol && port.protocol !== 'TCP' ? { protocol: port.protocol } : {};
    const targetPort = typeof port.targetPort === 'number' ? port.targetPort : port.port;
    const svc = {
      apiVersion: 'v1', kind: 'Service', metadata: { name: service, namespace },
      spec: {
        ports: [{ ...(port.name ? { name: port.name } : {}), port: port.port, targetPort, ...protocol }],
        ...(affinity ? { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: affinity } } } : {}),
        ...(internalLocal ? { internalTrafficPolicy: 'Local' } : {}),
        ...(externalIP ? { externalIPs: [externalIPOf(scope, namespace, service)] } : {}),
      },
    };
    const address = (name: string) => {
      const at = statusPodPlacement(scope, namespace, name);
      return { ip: at.ip, nodeName: at.node, targetRef: { kind: 'Pod', namespace, name } };
    };
    // What the endpoints controller would write: running pods, ready ones as addresses.
    const running = names.filter((_, i) => backends[i] !== 'Succeeded');
    const ready = running.filter((n) => backends[names.indexOf(n)] === 'ready').map(address);
    const notReady = running.filter((n) => backends[names.indexOf(n)] === 'unready').map(address);
    const endpoints = {
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: service, namespace },
      subsets: running.length ? [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports: [{ ...(port.name ? { name: port.name } : {}), port: targetPort, ...protocol }] }] : [],
    };
    const ops: Obj[] = [
      ...names.map((n, i) => ({ op: 'apply', object: statusPodManifest(scope, namespace, n, { [key]: value }, backends[i]) })),
      { op: 'apply', object: statusPodManifest(scope, namespace, client, {}, 'ready') },
      { op: 'apply', object: svc },
      { op: 'apply', object: endpoints },
    ];
    for (const c of connections) {
      if (c.wait !== undefined) ops.push({ op: 'advance', seconds: c.wait });
      const from = c.outside && c.target === 'externalIP' ? { external: true } : { namespace, pod: client };
      const to =
        c.target === 'clusterIP' ? { ip: `$clusterIP:${namespace}/${service}`, port: port.port, ...protocol }
        : c.target === 'service' ? { service, namespace, port: port.port, ...protocol }
        : c.target === 'externalIP' ? { ip: externalIPOf(scope, namespace, service), port: port.port, ...protocol }
        : { ip: statusPodPlacement(scope, namespace, names[c.backend]).ip, port: targetPort, ...protocol };
      ops.push({ op: 'connect', from, to });
    }
    return ops as unknown as Operation[];
  });
}
