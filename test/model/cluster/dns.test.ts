import { describe, expect, it } from 'vitest';
import type { Endpoints, EndpointSubset, Pod, Service, ServicePort } from '../../../model/k8s/objects.ts';
import { answer, resolvConf, resolve, reverseName, reverseNameToIP, type DnsView } from '../../../model/cluster/dns.ts';

// ---- a small in-memory cluster ------------------------------------------------------------

function svc(ns: string, name: string, spec: Service['spec']): Service {
  return { kind: 'Service', metadata: { name, namespace: ns }, spec };
}
function eps(ns: string, name: string, subsets: EndpointSubset[]): Endpoints {
  return { kind: 'Endpoints', metadata: { name, namespace: ns }, subsets };
}
function pod(ns: string, name: string, spec: Partial<Pod['spec']>, ip?: string, ready = true): Pod {
  return {
    kind: 'Pod', metadata: { name, namespace: ns }, spec: { containers: [], ...spec },
    status: { podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}
const https: ServicePort = { name: 'https', port: 443, protocol: 'TCP' };

function view(services: Service[], endpoints: Endpoints[] = [], pods: Pod[] = [], extra: Partial<DnsView> = {}): DnsView {
  const key = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;
  return {
    clusterDomain: 'cluster.local',
    dnsServiceIP: '10.96.0.10',
    service: (ns, n) => services.find((s) => key(s) === `${ns}/${n}`),
    endpoints: (ns, n) => endpoints.find((e) => key(e) === `${ns}/${n}`),
    serviceByClusterIP: (ip) => services.find((s) => s.spec.clusterIP === ip || s.spec.clusterIPs?.includes(ip)),
    endpointAddressesByIP: (ip) =>
      endpoints.flatMap((e) => (e.subsets ?? []).flatMap((ss) => (ss.addresses ?? []).filter((a) => a.ip === ip).map((a) => ({
        service: services.find((s) => key(s) === key(e))!, hostname: a.hostname,
      })))).filter((r) => r.service),
    podsBySubdomain: (ns, sub) => pods.filter((p) => p.metadata.namespace === ns && p.spec.subdomain === sub && p.spec.hostname),
    podReady: (p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    ...extra,
  };
}

const kubernetes = svc('default', 'kubernetes', { clusterIP: '10.3.0.1', ports: [https] });
const kubia = svc('default', 'kubia', { clusterIP: '10.111.249.153', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, https] });
const data = svc('prod', 'data', { clusterIP: '10.100.0.7', ports: [{ port: 5432, protocol: 'TCP' }] });
const v6 = svc('default', 'kubernetes6', { clusterIP: '2001:db8::1', ports: [https] });
const headless = svc('default', 'headless', { clusterIP: 'None', ports: [https, { port: 9000, protocol: 'TCP', name: 'metrics' }] });
const headlessEps = eps('default', 'headless', [{
  addresses: [{ ip: '10.3.0.100', hostname: 'my-pet' }, { ip: '10.3.0.3' }],
  notReadyAddresses: [{ ip: '10.3.0.9', hostname: 'sick' }],
  ports: [{ name: 'https', port: 8443, protocol: 'TCP' }, { name: 'metrics', port: 9000, protocol: 'TCP' }],
}]);
const empty = svc('default', 'empty', { clusterIP: 'None', ports: [https] });
const emptyEps = eps('default', 'empty', [{ notReadyAddresses: [{ ip: '10.3.0.50' }], ports: [{ name: 'https', port: 443 }] }]);
const ext = svc('default', 'foo', { type: 'ExternalName', externalName: 'www.example.com', clusterIP: '' });
const cluster = view([kubernetes, kubia, data, v6, headless, empty, ext], [headlessEps, emptyEps]);
const data1 = (a: ReturnType<typeof answer>) => a.answers.map((r) => r.data);

// ---- the server ---------------------------------------------------------------------------

describe('cluster DNS records (kubernetes/dns docs/specification.md 1.1.0)', () => {
  it('answers A with the cluster IP (2.3.1), whether or not the Service has endpoints', () => {
    expect(answer(cluster, 'kubernetes.default.svc.cluster.local.', 'A')).toEqual({
      rcode: 'NOERROR', answers: [{ name: 'kubernetes.default.svc.cluster.local.', type: 'A', data: '10.3.0.1' }],
    });
  });
  it('answers AAAA for an IPv6 cluster IP and NODATA across families', () => {
    expect(data1(answer(cluster, 'kubernetes6.default.svc.cluster.local.', 'AAAA'))).toEqual(['2001:db8::1']);
    expect(answer(cluster, 'kubernetes6.default.svc.cluster.local.', 'A')).toEqual({ rcode: 'NOERROR', answers: [] });
    expect(answer(cluster, 'kubernetes.default.svc.cluster.local.', 'AAAA')).toEqual({ rcode: 'NOERROR', answers: [] });
  });
  it('distinguishes NXDOMAIN (no such name) from NODATA (name exists, no record of the type)', () => {
    expect(answer(cluster, 'nope.default.svc.cluster.local.', 'A').rcode).toBe('NXDOMAIN');
    expect(answer(cluster, 'kubernetes.default.svc.cluster.local.', 'TXT')).toEqual({ rcode: 'NOERROR', answers: [] });
    expect(answer(cluster, 'svc.cluster.local.', 'A')).toEqual({ rcode: 'NOERROR', answers: [] });
  });
  it('matches names case-insensitively (2.1)', () => {
    expect(data1(answer(cluster, 'KUBERNETES.Default.SVC.Cluster.Local.', 'A'))).toEqual(['10.3.0.1']);
    expect(data1(answer(cluster, '_HTTPS._TCP.kubernetes.default.svc.cluster.local.', 'SRV'))).toEqual(['0 100 443 kubernetes.default.svc.cluster.local.']);
  });
  it('answers SRV for named ports only (2.3.2)', () => {
    expect(data1(answer(cluster, '_https._tcp.kubernetes.default.svc.cluster.local.', 'SRV'))).toEqual(['0 100 443 kubernetes.default.svc.cluster.local.']);
    expect(data1(answer(cluster, '_http._tcp.kubia.default.svc.cluster.local.', 'SRV'))).toEqual(['0 100 80 kubia.default.svc.cluster.local.']);
    expect(answer(cluster, '_https._udp.kubernetes.default.svc.cluster.local.', 'SRV').rcode).toBe('NXDOMAIN');
    expect(answer(cluster, '_5432._tcp.data.prod.svc.cluster.local.', 'SRV').rcode).toBe('NXDOMAIN'); // unnamed port
  });
  it('answers PTR for a cluster IP (2.3.3), IPv6 with all 32 nibbles', () => {
    expect(data1(answer(cluster, '1.0.3.10.in-addr.arpa.', 'PTR'))).toEqual(['kubernetes.default.svc.cluster.local.']);
    const name6 = reverseName('2001:db8::1');
    expect(name6).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.');
    expect(reverseNameToIP(name6)).toBe('2001:db8::1');
    expect(data1(answer(cluster, name6, 'PTR'))).toEqual(['kubernetes6.default.svc.cluster.local.']);
    expect(answer(cluster, '99.0.3.10.in-addr.arpa.', 'PTR').rcode).toBe('NXDOMAIN');
  });
  it('answers one A per ready address of a headless Service (2.4.1), not-ready ones left out', () => {
    expect(data1(answer(cluster, 'headless.default.svc.cluster.local.', 'A')).sort()).toEqual(['10.3.0.100', '10.3.0.3']);
  });
  it('answers NXDOMAIN for a headless Service with no ready address', () => {
    expect(answer(cluster, 'empty.default.svc.cluster.local.', 'A').rcode).toBe('NXDOMAIN');
    expect(answer(cluster, '_https._tcp.empty.default.svc.cluster.local.', 'SRV').rcode).toBe('NXDOMAIN');
  });
  it('names each ready endpoint by hostname, else by its dashed IP', () => {
    expect(data1(answer(cluster, 'my-pet.headless.default.svc.cluster.local.', 'A'))).toEqual(['10.3.0.100']);
    expect(data1(answer(cluster, '10-3-0-3.headless.default.svc.cluster.local.', 'A'))).toEqual(['10.3.0.3']);
    expect(answer(cluster, 'sick.headless.default.svc.cluster.local.', 'A').rcode).toBe('NXDOMAIN');
    expect(answer(cluster, 'my-pet.kubernetes.default.svc.cluster.local.', 'A').rcode).toBe('NXDOMAIN'); // not headless
  });
  it('answers N×M SRV records for a headless Service (2.4.2), with the endpoint port', () => {
    expect(data1(answer(cluster, '_https._tcp.headless.default.svc.cluster.local.', 'SRV')).sort()).toEqual([
      '0 100 8443 10-3-0-3.headless.default.svc.cluster.local.',
      '0 100 8443 my-pet.headless.default.svc.cluster.local.',
    ]);
    expect(answer(cluster, '_metrics._tcp.headless.default.svc.cluster.local.', 'SRV').answers).toHaveLength(2);
  });
  it('answers PTR for a ready headless endpoint (2.4.3)', () => {
    expect(data1(answer(cluster, '100.0.3.10.in-addr.arpa.', 'PTR'))).toEqual(['my-pet.headless.default.svc.cluster.local.']);
    expect(answer(cluster, '9.0.3.10.in-addr.arpa.', 'PTR').rcode).toBe('NXDOMAIN'); // not ready
  });
  it('answers an ExternalName Service with a CNAME, also to an A question (2.5)', () => {
    for (const type of ['A', 'CNAME'] as const) {
      expect(answer(cluster, 'foo.default.svc.cluster.local.', type)).toEqual({
        rcode: 'NOERROR', answers: [{ name: 'foo.default.svc.cluster.local.', type: 'CNAME', data: 'www.example.com.' }],
      });
    }
  });
  it('publishes the schema version as TXT (2.2)', () => {
    expect(answer(cluster, 'dns-version.cluster.local.', 'TXT').answers).toEqual([{ name: 'dns-version.cluster.local.', type: 'TXT', data: '1.1.0' }]);
  });
  it('has no upstream: names outside the cluster domain are NXDOMAIN', () => {
    expect(answer(cluster, 'www.example.com.', 'A').rcode).toBe('NXDOMAIN');
    expect(answer(cluster, '10-0-0-1.default.pod.cluster.local.', 'A').rcode).toBe('NXDOMAIN');
  });
  it('answers NODATA for an existing namespace when the view knows namespaces', () => {
    expect(answer(cluster, 'default.svc.cluster.local.', 'A').rcode).toBe('NXDOMAIN');
    const v = view([kubernetes], [], [], { namespaceExists: (ns) => ns === 'default' });
    expect(answer(v, 'default.svc.cluster.local.', 'A')).toEqual({ rcode: 'NOERROR', answers: [] });
  });
});

describe('pod hostname and subdomain (dns-pod-service.md)', () => {
  const sub = svc('default', 'busybox-subdomain', { clusterIP: 'None', ports: [{ name: 'foo', port: 1234 }] });
  const p1 = pod('default', 'busybox1', { hostname: 'busybox-1', subdomain: 'busybox-subdomain' }, '10.244.1.5');
  const p2 = pod('default', 'busybox2', { hostname: 'busybox-2', subdomain: 'busybox-subdomain' }, '10.244.1.6', false);
  const subEps = eps('default', 'busybox-subdomain', [{ addresses: [{ ip: '10.244.1.5', targetRef: { kind: 'Pod', name: 'busybox1' } }], ports: [{ name: 'foo', port: 1234 }] }]);

  it('resolves a ready pod by hostname.subdomain, not a pod that is not ready', () => {
    const v = view([sub], [subEps], [p1, p2]);
    expect(data1(answer(v, 'busybox-1.busybox-subdomain.default.svc.cluster.local.', 'A'))).toEqual(['10.244.1.5']);
    expect(answer(v, 'busybox-2.busybox-subdomain.default.svc.cluster.local.', 'A').rcode).toBe('NXDOMAIN');
    // the endpoint without a hostname field takes its pod's hostname as SRV target
    expect(data1(answer(v, '_foo._tcp.busybox-subdomain.default.svc.cluster.local.', 'SRV'))).toEqual(['0 100 1234 busybox-1.busybox-subdomain.default.svc.cluster.local.']);
  });
  it('resolves a not-ready pod when the headless Service publishes not-ready addresses', () => {
    const pub = svc('default', 'busybox-subdomain', { ...sub.spec, publishNotReadyAddresses: true });
    expect(data1(answer(view([pub], [], [p2]), 'busybox-2.busybox-subdomain.default.svc.cluster.local.', 'A'))).toEqual(['10.244.1.6']);
  });
  it('needs a headless Service named like the subdomain', () => {
    expect(answer(view([], [], [p1]), 'busybox-1.busybox-subdomain.default.svc.cluster.local.', 'A').rcode).toBe('NXDOMAIN');
  });
});

// ---- resolv.conf and the stub resolver ----------------------------------------------------

describe('resolvConf (pkg/kubelet/network/dns/dns.go)', () => {
  it('writes the cluster search path and ndots:5 for ClusterFirst (the default)', () => {
    expect(resolvConf(undefined, 'test', 'cluster.local', '10.96.0.10')).toEqual({
      nameservers: ['10.96.0.10'], searches: ['test.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'],
    });
  });
  it('falls back to the node resolv.conf for Default and for hostNetwork with ClusterFirst', () => {
    const none = { nameservers: [], searches: [], options: [] };
    expect(resolvConf(pod('a', 'p', { dnsPolicy: 'Default' }), 'a', 'cluster.local', '10.96.0.10')).toEqual(none);
    expect(resolvConf(pod('a', 'p', { hostNetwork: true }), 'a', 'cluster.local', '10.96.0.10')).toEqual(none);
    expect(resolvConf(pod('a', 'p', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), 'a', 'cluster.local', '10.96.0.10').nameservers).toEqual(['10.96.0.10']);
  });
  it('takes dnsConfig alone for None and merges it otherwise', () => {
    const dnsConfig = { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] };
    expect(resolvConf(pod('a', 'p', { dnsPolicy: 'None', dnsConfig }), 'a', 'cluster.local', '10.96.0.10')).toEqual({
      nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: ['ndots:2', 'edns0'],
    });
    expect(resolvConf(pod('a', 'p', { dnsConfig }), 'a', 'cluster.local', '10.96.0.10')).toEqual({
      nameservers: ['10.96.0.10', '1.2.3.4'],
      searches: ['a.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'ns1.svc.cluster-domain.example', 'my.dns.search.suffix'],
      options: ['ndots:2', 'edns0'],
    });
  });
});

describe('resolve: the pod resolver search order (docs/semantics.md A2.5, resolv.conf(5))', () => {
  const fromDefault = { namespace: 'default' };
  const fromTest = { namespace: 'test' };

  it('resolves kubia, kubia.default, kubia.default.svc and the FQDN from the same namespace (seed)', () => {
    for (const name of ['kubia', 'kubia.default', 'kubia.default.svc', 'kubia.default.svc.cluster.local']) {
      const r = resolve(cluster, fromDefault, name, 'A');
      expect(r.rcode).toBe('NOERROR');
      expect(data1(r)).toEqual(['10.111.249.153']);
    }
    expect(resolve(cluster, fromDefault, 'kubia', 'A').tried).toEqual(['kubia.default.svc.cluster.local.']);
    expect(resolve(cluster, fromDefault, 'kubia.default.svc', 'A').tried).toEqual([
      'kubia.default.svc.default.svc.cluster.local.', 'kubia.default.svc.svc.cluster.local.', 'kubia.default.svc.cluster.local.',
    ]);
  });
  it('does not resolve a bare name from another namespace, trying every suffix and then the name itself', () => {
    const r = resolve(cluster, fromTest, 'kubia', 'A');
    expect(r).toEqual({
      rcode: 'NXDOMAIN', answers: [],
      tried: ['kubia.test.svc.cluster.local.', 'kubia.svc.cluster.local.', 'kubia.cluster.local.', 'kubia.'],
    });
    expect(data1(resolve(cluster, fromTest, 'kubia.default', 'A'))).toEqual(['10.111.249.153']);
  });
  it('follows the docs example: data in prod, looked up from test', () => {
    expect(resolve(cluster, fromTest, 'data', 'A').rcode).toBe('NXDOMAIN');
    const viaNs = resolve(cluster, fromTest, 'data.prod', 'A');
    expect(viaNs.tried).toEqual(['data.prod.test.svc.cluster.local.', 'data.prod.svc.cluster.local.']);
    expect(data1(viaNs)).toEqual(['10.100.0.7']);
    expect(resolve(cluster, fromTest, 'data.prod.svc', 'A').tried.at(-1)).toBe('data.prod.svc.cluster.local.');
    const fqdn = resolve(cluster, fromTest, 'data.prod.svc.cluster.local', 'A'); // 4 dots < ndots 5
    expect(fqdn.tried).toEqual([
      'data.prod.svc.cluster.local.test.svc.cluster.local.', 'data.prod.svc.cluster.local.svc.cluster.local.',
      'data.prod.svc.cluster.local.cluster.local.', 'data.prod.svc.cluster.local.',
    ]);
    expect(data1(fqdn)).toEqual(['10.100.0.7']);
  });
  it('tries only the name itself when it ends with a dot', () => {
    expect(resolve(cluster, fromTest, 'data.prod.svc.cluster.local.', 'A').tried).toEqual(['data.prod.svc.cluster.local.']);
    expect(resolve(cluster, fromTest, 'kubia.', 'A')).toEqual({ rcode: 'NXDOMAIN', answers: [], tried: ['kubia.'] });
  });
  it('tries the name as is first when it has at least ndots dots', () => {
    const r = resolve(cluster, fromDefault, '_https._tcp.kubernetes.default.svc.cluster.local', 'SRV'); // 6 dots
    expect(r.tried).toEqual(['_https._tcp.kubernetes.default.svc.cluster.local.']);
    expect(r.answers).toHaveLength(1);
  });
  it('goes past NODATA and reports NOERROR-empty when no candidate answered', () => {
    const r = resolve(cluster, fromDefault, 'kubia', 'AAAA');
    expect(r).toEqual({
      rcode: 'NOERROR', answers: [],
      tried: ['kubia.default.svc.cluster.local.', 'kubia.svc.cluster.local.', 'kubia.cluster.local.', 'kubia.'],
    });
  });
  it('resolves an ExternalName from the same namespace to its CNAME', () => {
    expect(resolve(cluster, fromDefault, 'foo', 'A').answers).toEqual([{ name: 'foo.default.svc.cluster.local.', type: 'CNAME', data: 'www.example.com.' }]);
  });
  it('never resolves cluster names for a Default-policy pod (the node resolver knows no cluster zone)', () => {
    const p = pod('default', 'p', { dnsPolicy: 'Default' });
    expect(resolve(cluster, { namespace: 'default', pod: p }, 'kubia', 'A')).toEqual({ rcode: 'NXDOMAIN', answers: [], tried: ['kubia.'] });
    expect(resolve(cluster, { namespace: 'default', pod: p }, 'kubia.default.svc.cluster.local', 'A').rcode).toBe('NXDOMAIN');
  });
  it('uses a None-policy pod dnsConfig: its search list and ndots, and the cluster DNS only if named first', () => {
    const dnsConfig = { nameservers: ['10.96.0.10'], searches: ['prod.svc.cluster.local'], options: [{ name: 'ndots', value: '1' }] };
    const p = pod('test', 'p', { dnsPolicy: 'None', dnsConfig });
    expect(resolve(cluster, { namespace: 'test', pod: p }, 'data', 'A').tried).toEqual(['data.prod.svc.cluster.local.']);
    // one dot ≥ ndots 1: as is first, then the search list; the reply reported is the as-is one
    expect(resolve(cluster, { namespace: 'test', pod: p }, 'kubia.default', 'A')).toEqual({
      rcode: 'NXDOMAIN', answers: [], tried: ['kubia.default.', 'kubia.default.prod.svc.cluster.local.'],
    });
    const elsewhere = pod('test', 'q', { dnsPolicy: 'None', dnsConfig: { ...dnsConfig, nameservers: ['8.8.8.8'] } });
    expect(resolve(cluster, { namespace: 'test', pod: elsewhere }, 'data', 'A').rcode).toBe('NXDOMAIN');
  });
});
