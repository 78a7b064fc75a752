/**
 * The endpoints controller (docs/semantics.md B1). Most cases use status-managed pods, as KK
 * pkg/controller/endpoint/endpoints_controller_test.go puts pods with a given status straight
 * into the informer (IPs 1.2.3.4, 1.2.3.5, …; ports named port0, port1 at 8080, 8081); the rest
 * use kubelet-run pods to show the same rules driven by probes and deletion.
 */
import { describe, expect, it } from 'vitest';
import { Cluster, container, execProbe, fromPod, kubiaService, pod, podStatus, service, type Manifest } from './harness.ts';

/** The upstream fixture pod: labels foo=bar, `ports` container ports port<j> = 8080+j. */
function fixturePod(ns: string, id: number, opts: { ports?: number; ready?: boolean; phase?: string; ip?: string | null } = {}): Manifest {
  const ports = Array.from({ length: opts.ports ?? 1 }, (_, j) => ({ name: `port${j}`, containerPort: 8080 + j }));
  const ip = opts.ip === null ? undefined : (opts.ip ?? `1.2.3.${4 + id}`);
  return pod(`pod${id}`, {
    namespace: ns, labels: { foo: 'bar' }, node: 'node-1',
    containers: [{ name: 'c', image: 'img', ports }],
    status: podStatus(ip, opts.phase ?? 'Running', opts.ready ?? true),
  });
}
const fooService = (ns: string, spec: Manifest) => service('foo', { selector: { foo: 'bar' }, ports: [{ port: 80, targetPort: 8080 }], ...spec }, { namespace: ns });

describe('which Services the controller manages', () => {
  it('lists only pods of the Service’s own namespace (TestSyncEndpointsItems)', () => {
    const c = new Cluster();
    for (let i = 0; i < 3; i++) c.apply(fixturePod('other', i, { ports: 2 }));
    for (let i = 0; i < 5; i++) c.apply(fixturePod('blah', i, { ports: 2, ip: `1.2.4.${4 + i}` }));
    c.apply(fooService('other', { ports: [{ name: 'port0', port: 80, targetPort: 8080 }, { name: 'port1', port: 88, targetPort: 8088 }] }));
    // 8088 is declared by no container: an integer targetPort is used verbatim.
    expect(c.endpoints('foo', 'other')?.subsets).toEqual([{
      addresses: [0, 1, 2].map((i) => ({ ip: `1.2.3.${4 + i}`, pod: { namespace: 'other', name: `pod${i}` } })),
      notReadyAddresses: [],
      ports: [{ name: 'port0', port: 8080, protocol: 'TCP' }, { name: 'port1', port: 8088, protocol: 'TCP' }],
    }]);
  });

  it('writes no Endpoints for a Service without selector, and leaves the user’s alone', () => {
    const c = new Cluster();
    c.apply(fixturePod('default', 0));
    c.apply(service('external-service', { ports: [{ port: 80 }] }));
    expect(c.endpoints('external-service')).toBeUndefined();
    const subsets = [{ addresses: [{ ip: '11.11.11.11' }, { ip: '22.22.22.22' }], ports: [{ port: 80 }] }];
    c.apply({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external-service' }, subsets });
    c.apply(fixturePod('default', 1)); // pod churn does not make the controller touch it
    expect(c.members('external-service')).toEqual({ ready: ['11.11.11.11', '22.22.22.22'], notReady: [] });
  });

  it('routes a selectorless Service to the user’s Endpoints of the same name (the seed’s external-service)', () => {
    const c = new Cluster();
    c.apply(pod('client', { labels: { app: 'client' } }));
    c.apply(service('external-service', { ports: [{ port: 80 }] }));
    c.apply({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external-service' },
      subsets: [{ addresses: [{ ip: '11.11.11.11' }, { ip: '22.22.22.22' }], ports: [{ port: 80 }] }] });
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = c.connect(fromPod('client'), { service: 'external-service', port: 80 });
      expect(r).toMatchObject({ ok: true, port: 80 });
      expect(r.pod).toBeUndefined(); // not a pod
      seen.add(r.ip);
    }
    expect([...seen].sort()).toEqual(['11.11.11.11', '22.22.22.22']);
  });

  it('deletes the Endpoints of a deleted Service, the user’s included (syncService on a missing Service)', () => {
    const c = new Cluster();
    c.apply(fixturePod('default', 0));
    c.apply(fooService('default', {}));
    c.apply(service('manual', { ports: [{ port: 80 }] }));
    c.apply({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '11.11.11.11' }], ports: [{ port: 80 }] }] });
    c.delete('Service', 'foo');
    c.delete('Service', 'manual');
    expect(c.endpoints('foo')).toBeUndefined();
    expect(c.endpoints('manual')).toBeUndefined();
  });

  // Upstream's TestSyncEndpointsItemsEmptySelectorSelectsAllMixed hands the controller a Service whose
  // selector is a non-nil empty map; through the API that never happens: storage drops `{}`
  // (omitempty, kubernetes/kubernetes#25836), so the controller sees no selector and skips it.
  it('treats an empty selector {} applied through the API as no selector: no Endpoints for the pods of the namespace', () => {
    const c = new Cluster();
    c.apply(fixturePod('other', 0));
    c.apply(fixturePod('other', 1, { ready: false }));
    c.apply(fooService('other', { selector: {} }));
    expect(c.endpoints('foo', 'other')).toBeUndefined();
  });

  // The v1.37 controller watches Endpoints for deletion only (NewEndpointController): a user's write
  // stays, marked, until something makes it sync the Service (docs/fidelity.md F1).
  it("keeps a user's Endpoints of a Service with a selector until its next sync, then overwrites them", () => {
    const c = new Cluster();
    c.apply(fixturePod('default', 0));
    c.apply(fooService('default', {}));
    c.apply({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'foo' }, subsets: [{ addresses: [{ ip: '6.7.8.9' }], ports: [{ port: 1000 }] }] });
    expect(c.members('foo')).toEqual({ ready: ['6.7.8.9'], notReady: [] });
    expect(c.endpoints('foo')?.userWritten).toBe(true);
    c.apply(fixturePod('default', 1));
    expect(c.members('foo')).toEqual({ ready: ['pod0', 'pod1'], notReady: [] });
    expect(c.endpoints('foo')?.userWritten).toBeUndefined();
  });

  it("resyncs at once when a user deletes a managed Service's Endpoints", () => {
    const c = new Cluster();
    c.apply(fixturePod('default', 0));
    c.apply(fooService('default', {}));
    c.delete('Endpoints', 'foo');
    expect(c.members('foo')).toEqual({ ready: ['pod0'], notReady: [] });
  });

  it('ignores an ExternalName Service, selector or not', () => {
    const c = new Cluster();
    c.apply(fixturePod('default', 0));
    c.apply(service('ext', { type: 'ExternalName', externalName: 'db.example.com', selector: { foo: 'bar' } }));
    expect(c.endpoints('ext')).toBeUndefined();
  });

  it('follows a selector change: pods it no longer selects leave, newly selected ones join', () => {
    const c = new Cluster();
    c.apply(fixturePod('default', 0));
    c.apply({ ...fixturePod('default', 1), metadata: { name: 'other', labels: { foo: 'baz' } } });
    c.apply(fooService('default', {}));
    expect(c.members('foo').ready).toEqual(['pod0']);
    c.apply(fooService('default', { selector: { foo: 'baz' } }));
    expect(c.members('foo').ready).toEqual(['other']);
  });

  it('stops managing the Endpoints once the selector is removed, leaving them as they were', () => {
    const c = new Cluster();
    c.apply(fixturePod('default', 0));
    c.apply(fooService('default', {}));
    c.apply(service('foo', { ports: [{ port: 80, targetPort: 8080 }] }));
    c.delete('Pod', 'pod0');
    expect(c.members('foo').ready).toEqual(['pod0']); // syncService returns early for a nil selector
  });

  it('lists a headless Service without ports with an empty port list (TestSyncEndpointsHeadlessService)', () => {
    const c = new Cluster();
    c.apply(fixturePod('headless', 0));
    c.apply(service('foo', { clusterIP: 'None', selector: { foo: 'bar' }, ports: [] }, { namespace: 'headless' }));
    expect(c.endpoints('foo', 'headless')?.subsets).toEqual([
      { addresses: [{ ip: '1.2.3.4', pod: { namespace: 'headless', name: 'pod0' } }], notReadyAddresses: [], ports: [] },
    ]);
  });
});

describe('which pods are listed, and where (TestSyncServiceAddresses)', () => {
  // phase, Ready condition, being deleted, publishNotReadyAddresses → [in addresses, in notReadyAddresses]
  const table: [string, boolean, boolean, boolean, number, number][] = [
    ['Running', true, false, false, 1, 0], ['Running', true, true, false, 0, 0],
    ['Unknown', true, false, false, 1, 0], ['Unknown', true, true, false, 0, 0],
    ['Pending', true, false, false, 1, 0], ['Pending', true, true, false, 0, 0],
    ['Unknown', false, false, false, 0, 1], ['Pending', false, false, false, 0, 1],
    ['Failed', false, false, false, 0, 0], ['Succeeded', false, false, false, 0, 0],
    ['Running', false, false, true, 1, 0], ['Running', false, true, true, 1, 0],
    ['Unknown', false, false, true, 1, 0], ['Unknown', false, true, true, 1, 0],
    ['Pending', false, false, true, 1, 0], ['Pending', false, true, true, 1, 0],
    ['Failed', false, false, true, 0, 0], ['Succeeded', false, false, true, 0, 0],
  ];
  it.each(table)('phase %s, ready %s, deleting %s, publishNotReady %s → %i ready, %i not ready', (phase, ready, deleting, tolerate, nReady, nNotReady) => {
    const c = new Cluster();
    c.apply(fooService('ns', { publishNotReadyAddresses: tolerate }));
    c.apply(fixturePod('ns', 0, { phase, ready, ip: '10.1.1.1' }));
    if (deleting) c.delete('Pod', 'pod0', 'ns');
    const m = c.members('foo', 'ns');
    expect([m.ready.length, m.notReady.length]).toEqual([nReady, nNotReady]);
  });

  it('leaves out pods without an IP', () => {
    const c = new Cluster();
    c.apply(fooService('default', {}));
    c.apply(fixturePod('default', 0, { ip: null, phase: 'Pending', ready: false }));
    c.apply(pod('unschedulable', { labels: { foo: 'bar' }, node: 'no-such-node' })); // kubelet-run, never bound
    expect(c.members('foo')).toEqual({ ready: [], notReady: [] });
  });

  it('follows a status-managed pod’s status as re-applied', () => {
    const c = new Cluster();
    c.apply(fooService('default', {}));
    c.apply(fixturePod('default', 0, { ready: false }));
    expect(c.members('foo')).toEqual({ ready: [], notReady: ['pod0'] });
    c.apply(fixturePod('default', 0, { ready: true }));
    expect(c.members('foo')).toEqual({ ready: ['pod0'], notReady: [] });
    c.apply(fixturePod('default', 0, { phase: 'Failed', ready: false }));
    expect(c.members('foo')).toEqual({ ready: [], notReady: [] });
  });

  it('moves a kubelet-run pod from notReadyAddresses to addresses when its probe succeeds', () => {
    const c = new Cluster();
    c.apply(kubiaService());
    c.apply(pod('kubia-1', { containers: [container('app', { readinessProbe: execProbe() })] }));
    expect(c.members('kubia')).toEqual({ ready: [], notReady: ['kubia-1'] });
    c.ok({ op: 'probe', namespace: 'default', pod: 'kubia-1', result: 'success' });
    c.advance(10);
    expect(c.members('kubia')).toEqual({ ready: ['kubia-1'], notReady: [] });
  });

  it('drops a terminating kubelet-run pod at once, unless publishNotReadyAddresses keeps it until it is gone', () => {
    const c = new Cluster();
    c.apply(kubiaService());
    c.apply(kubiaService('tolerant', { publishNotReadyAddresses: true }));
    c.apply(pod('kubia-1'));
    c.delete('Pod', 'kubia-1');
    expect(c.members('kubia').ready).toEqual([]);
    expect(c.members('tolerant').ready).toEqual(['kubia-1']);
    c.advance(30);
    expect(c.members('tolerant').ready).toEqual([]);
  });
});

describe('ports', () => {
  const named = (n: number, name = 'http', protocol = 'TCP') => [{ name: 'c', image: 'img', ports: [{ name, containerPort: n, protocol }] }];

  it('resolves a named targetPort per pod, repacking pods with different numbers into different subsets', () => {
    const c = new Cluster();
    c.apply(service('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] }));
    c.apply(pod('a', { labels: { app: 'web' }, containers: named(8080) }));
    c.apply(pod('b', { labels: { app: 'web' }, containers: named(9090) }));
    c.apply(pod('c', { labels: { app: 'web' }, containers: named(8080) }));
    const subsets = c.endpoints('web')?.subsets ?? [];
    const byPort = Object.fromEntries(subsets.map((s) => [s.ports[0].port, s.addresses.map((a) => a.pod?.name).sort()]));
    expect(byPort).toEqual({ 8080: ['a', 'c'], 9090: ['b'] });
  });

  it('skips a pod for a port whose name it lacks, and leaves it out entirely when no port resolves', () => {
    const c = new Cluster();
    c.apply(service('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9100, targetPort: 'metrics' }] }));
    c.apply(pod('both', { labels: { app: 'web' }, containers: [{ name: 'c', image: 'img', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9100 }] }] }));
    c.apply(pod('http-only', { labels: { app: 'web' }, containers: named(8080) }));
    c.apply(pod('neither', { labels: { app: 'web' }, containers: named(7000, 'admin') }));
    const subsets = c.endpoints('web')?.subsets ?? [];
    const who = (portName: string) => subsets.filter((s) => s.ports.some((p) => p.name === portName)).flatMap((s) => s.addresses.map((a) => a.pod?.name)).sort();
    expect(who('http')).toEqual(['both', 'http-only']);
    expect(who('metrics')).toEqual(['both']);
    expect(c.members('web').ready).not.toContain('neither');
  });

  it('re-resolves the endpoint ports when the Service’s targetPort changes', () => {
    const c = new Cluster();
    c.apply(kubiaService());
    c.apply(pod('kubia-1'));
    c.apply(kubiaService('kubia', { ports: [{ port: 80, targetPort: 9090 }] }));
    expect(c.endpoints('kubia')?.subsets[0].ports).toEqual([{ port: 9090, protocol: 'TCP' }]);
  });

  it('does not resolve a named port of another protocol', () => {
    const c = new Cluster();
    c.apply(service('dns', { selector: { app: 'dns' }, ports: [{ port: 53, protocol: 'UDP', targetPort: 'dns' }] }));
    c.apply(pod('tcp-only', { labels: { app: 'dns' }, containers: named(53, 'dns', 'TCP') }));
    expect(c.endpoints('dns')?.subsets).toEqual([]);
  });

  it('packs several ports of pods that resolve them alike into one subset', () => {
    const c = new Cluster();
    c.apply(service('kubia', { selector: { app: 'kubia' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] }));
    c.apply(pod('kubia-1'));
    c.apply(pod('kubia-2'));
    const subsets = c.endpoints('kubia')?.subsets ?? [];
    expect(subsets).toHaveLength(1);
    expect(subsets[0].ports.map((p) => [p.name, p.port]).sort()).toEqual([['http', 8080], ['https', 8443]]);
    expect(subsets[0].addresses.map((a) => a.pod?.name).sort()).toEqual(['kubia-1', 'kubia-2']);
  });
});
