/**
 * ClusterIP and nodePort allocation, LoadBalancer status, and the Services a cluster starts with
 * (docs/semantics.md B2, B3; docs/contract.md section 1). Cases follow KK pkg/registry/core/service/ipallocator
 * bitmap_test.go TestAllocate (network/broadcast out of range, a released IP is the next one handed
 * out), portallocator allocator_test.go TestAllocate, and storage/alloc.go's update rules.
 */
import { describe, expect, it } from 'vitest';
import { Cluster, service, type Manifest } from './harness.ts';

const port80 = [{ port: 80, targetPort: 8080 }];
const clusterIP = (name: string, ip?: string, extra: Manifest = {}) => service(name, { ...(ip ? { clusterIP: ip } : {}), ports: port80, ...extra });
const nodePortSvc = (name: string, ports: Manifest[], extra: Manifest = {}) => service(name, { type: 'NodePort', ports, selector: { app: 'kubia' }, ...extra });
const inRange = (ip: string, cidrBase: number[], prefix: number) => {
  const n = ip.split('.').map(Number).reduce((a, b) => a * 256 + b, 0);
  const base = cidrBase.reduce((a, b) => a * 256 + b, 0);
  return n > base && n < base + 2 ** (32 - prefix) - 1;
};

describe('the Services a cluster starts with', () => {
  it('has `kubernetes` in default at the first usable IP, port https 443 → the API server', () => {
    const c = new Cluster();
    expect(c.service('kubernetes')).toMatchObject({ clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] });
    expect(c.endpoints('kubernetes')?.subsets).toEqual([
      { addresses: [{ ip: '192.168.0.10' }], notReadyAddresses: [], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
    ]);
  });

  it('has `kube-dns` in kube-system at the 10th address with dns 53/UDP and dns-tcp 53/TCP', () => {
    const c = new Cluster();
    const dns = c.service('kube-dns', 'kube-system');
    expect(dns?.clusterIP).toBe('10.96.0.10');
    expect(dns?.ports).toEqual([
      { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
    ]);
  });

  it('follows a configured serviceCIDR and dnsServiceIP', () => {
    const c = new Cluster({ serviceCIDR: '10.0.0.0/24', dnsServiceIP: '10.0.0.53' });
    expect(c.service('kubernetes')?.clusterIP).toBe('10.0.0.1');
    expect(c.service('kube-dns', 'kube-system')?.clusterIP).toBe('10.0.0.53');
  });
});

describe('ClusterIP allocation', () => {
  it('hands out distinct IPs inside serviceCIDR, never the network or broadcast address', () => {
    for (const seed of [0, 1, 2, 3, 42, 1234]) {
      const c = new Cluster({ seed });
      const ips = ['a', 'b', 'c', 'd'].map((n) => c.apply(clusterIP(n)).spec.clusterIP as string);
      for (const ip of ips) expect(inRange(ip, [10, 96, 0, 0], 12), ip).toBe(true);
      expect(new Set([...ips, '10.96.0.1', '10.96.0.10']).size).toBe(6);
    }
  });

  it('honours a requested IP that is in range and free', () => {
    const c = new Cluster();
    expect(c.apply(clusterIP('a', '10.96.0.50')).spec).toMatchObject({ clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.50'] });
  });

  it('refuses a requested IP that is already allocated, with the allocator wording', () => {
    const c = new Cluster();
    c.apply(clusterIP('a', '10.96.0.50'));
    const r = c.refused({ op: 'apply', object: clusterIP('b', '10.96.0.50') });
    expect(r.error).toMatchObject({
      reason: 'Invalid',
      message: 'The Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.50"}: failed to allocate IP 10.96.0.50: provided IP is already allocated',
    });
    // The `kubernetes` Service holds the first address.
    expect(c.refused({ op: 'apply', object: clusterIP('b', '10.96.0.1') }).error.message).toContain('provided IP is already allocated');
  });

  it.each([
    ['outside the range', '1.1.1.1'],
    ['the network address', '10.96.0.0'],
    ['the broadcast address', '10.111.255.255'],
  ])('refuses an IP %s as not in the valid range', (_what, ip) => {
    const c = new Cluster();
    const r = c.refused({ op: 'apply', object: clusterIP('b', ip) });
    expect(r.error.reason).toBe('Invalid');
    expect(r.error.message).toContain(`spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: `);
    expect(r.error.message).toContain('is not in the valid range');
  });

  it('keeps the ClusterIP across updates that omit it', () => {
    const c = new Cluster();
    const ip = c.apply(clusterIP('a')).spec.clusterIP;
    expect(c.apply(clusterIP('a', undefined, { ports: [{ port: 81 }] })).spec.clusterIP).toBe(ip);
    expect(c.apply(clusterIP('a', ip)).spec.clusterIP).toBe(ip);
  });

  it('refuses a changed ClusterIP: it may not change once set', () => {
    const c = new Cluster();
    c.apply(clusterIP('a', '10.96.0.50'));
    const r = c.refused({ op: 'apply', object: clusterIP('a', '10.96.0.51') });
    expect(r.error.message).toBe('The Service "a" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.51"}: may not change once set');
  });

  it('releases the IP on delete so another Service may take it', () => {
    const c = new Cluster();
    c.apply(clusterIP('a', '10.96.0.50'));
    c.delete('Service', 'a');
    expect(c.apply(clusterIP('b', '10.96.0.50')).spec.clusterIP).toBe('10.96.0.50');
  });

  it('runs out in a small range, and hands the released IP out next', () => {
    // /28: 14 usable addresses; `kubernetes` and `kube-dns` hold two of them.
    const c = new Cluster({ serviceCIDR: '10.0.0.0/28', dnsServiceIP: '10.0.0.10' });
    const ips = Array.from({ length: 12 }, (_, i) => c.apply(clusterIP(`s${i}`)).spec.clusterIP as string);
    expect(new Set(ips).size).toBe(12);
    const full = c.refused({ op: 'apply', object: clusterIP('one-more') });
    expect(full.error).toEqual({ reason: 'InternalError', message: 'Internal error occurred: failed to allocate a serviceIP: range is full' });
    c.delete('Service', 's5');
    expect(c.apply(clusterIP('one-more')).spec.clusterIP).toBe(ips[5]);
  });

  it('gives a headless Service None and takes nothing from the range', () => {
    const c = new Cluster({ serviceCIDR: '10.0.0.0/28', dnsServiceIP: '10.0.0.10' });
    for (let i = 0; i < 20; i++) expect(c.apply(clusterIP(`h${i}`, 'None')).spec.clusterIP).toBe('None');
    expect(c.apply(clusterIP('normal')).spec.clusterIP).not.toBe('None');
  });

  it('refuses turning a headless Service into one with an IP, and back', () => {
    const c = new Cluster();
    c.apply(clusterIP('h', 'None'));
    expect(c.apply(clusterIP('h')).spec.clusterIP).toBe('None'); // omitted on update: still headless
    expect(c.refused({ op: 'apply', object: clusterIP('h', '10.96.0.77') }).error.message).toContain('may not change once set');
    const ip = c.apply(clusterIP('a')).spec.clusterIP;
    expect(c.refused({ op: 'apply', object: clusterIP('a', 'None') }).error.message).toContain('may not change once set');
    expect(c.service('a')?.clusterIP).toBe(ip);
  });

  it('gives an ExternalName Service no ClusterIP', () => {
    const c = new Cluster();
    c.apply(service('ext', { type: 'ExternalName', externalName: 'api.example.com' }));
    expect(c.service('ext')).toMatchObject({ type: 'ExternalName', clusterIP: '' });
  });

  it('releases the IP when a Service becomes ExternalName, and allocates afresh when it stops being one', () => {
    const c = new Cluster();
    c.apply(clusterIP('a', '10.96.0.50'));
    c.apply(service('a', { type: 'ExternalName', externalName: 'api.example.com' }));
    expect(c.service('a')?.clusterIP).toBe('');
    expect(c.apply(clusterIP('b', '10.96.0.50')).spec.clusterIP).toBe('10.96.0.50');
    const fresh = c.apply(clusterIP('a')).spec.clusterIP;
    expect(fresh).toMatch(/^10\./);
    expect(fresh).not.toBe('10.96.0.50');
  });

  it('keeps the IP through ClusterIP → NodePort → LoadBalancer → ClusterIP', () => {
    const c = new Cluster();
    const ip = c.apply(clusterIP('a')).spec.clusterIP;
    for (const type of ['NodePort', 'LoadBalancer', 'ClusterIP']) {
      expect(c.apply(clusterIP('a', undefined, { type })).spec.clusterIP, type).toBe(ip);
    }
  });
});

describe('nodePort allocation', () => {
  it('allocates from 30000-32767, one per port', () => {
    for (const seed of [0, 7, 99]) {
      const c = new Cluster({ seed });
      const ports = c.apply(nodePortSvc('np', [{ name: 'a', port: 80 }, { name: 'b', port: 81 }])).spec.ports as Manifest[];
      for (const p of ports) expect(p.nodePort).toBeGreaterThanOrEqual(30000), expect(p.nodePort).toBeLessThanOrEqual(32767);
      expect(ports[0].nodePort).not.toBe(ports[1].nodePort);
    }
  });

  it('refuses a requested nodePort outside the range, with the allocator wording', () => {
    const c = new Cluster();
    const r = c.refused({ op: 'apply', object: nodePortSvc('np', [{ port: 80, nodePort: 80 }]) });
    expect(r.error.message).toBe(
      'The Service "np" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  it('uses one bitmap across protocols: a UDP Service cannot take a TCP Service’s nodePort', () => {
    const c = new Cluster();
    c.apply(nodePortSvc('tcp', [{ port: 80, nodePort: 30080 }]));
    const r = c.refused({ op: 'apply', object: nodePortSvc('udp', [{ port: 80, protocol: 'UDP', nodePort: 30080 }]) });
    expect(r.error.message).toBe('The Service "udp" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
  });

  it('lets TCP and UDP of the same port share one nodePort, requested or inherited', () => {
    const c = new Cluster();
    const dns = [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }];
    const both = c.apply(nodePortSvc('dns', dns.map((p) => ({ ...p, nodePort: 30053 })))).spec.ports as Manifest[];
    expect(both.map((p) => p.nodePort)).toEqual([30053, 30053]);
    const inherited = c.apply(nodePortSvc('dns2', [{ ...dns[0], nodePort: 30054 }, dns[1]])).spec.ports as Manifest[];
    expect(inherited.map((p) => p.nodePort)).toEqual([30054, 30054]);
  });

  it('refuses one nodePort for two different port numbers of one Service', () => {
    const c = new Cluster();
    const r = c.refused({ op: 'apply', object: nodePortSvc('q', [{ name: 'a', port: 80, nodePort: 30100 }, { name: 'b', port: 81, protocol: 'UDP', nodePort: 30100 }]) });
    expect(r.error.message).toContain('spec.ports[1].nodePort: Invalid value: 30100: provided port is already allocated');
  });

  it('keeps nodePorts across updates that omit them, matching ports by name', () => {
    const c = new Cluster();
    const first = c.apply(nodePortSvc('np', [{ name: 'http', port: 80 }, { name: 'https', port: 443 }])).spec.ports as Manifest[];
    const again = c.apply(nodePortSvc('np', [{ name: 'https', port: 443 }, { name: 'http', port: 80 }])).spec.ports as Manifest[];
    expect(again.find((p) => p.name === 'http')?.nodePort).toBe(first[0].nodePort);
    expect(again.find((p) => p.name === 'https')?.nodePort).toBe(first[1].nodePort);
  });

  it('releases nodePorts on delete', () => {
    const c = new Cluster();
    c.apply(nodePortSvc('np', [{ port: 80, nodePort: 30080 }]));
    c.delete('Service', 'np');
    expect(c.apply(nodePortSvc('other', [{ port: 80, nodePort: 30080 }])).spec.ports[0].nodePort).toBe(30080);
  });

  it('drops and releases nodePorts when the Service becomes ClusterIP', () => {
    const c = new Cluster();
    c.apply(nodePortSvc('np', [{ port: 80, nodePort: 30080 }]));
    const after = c.apply(service('np', { type: 'ClusterIP', ports: [{ port: 80, nodePort: 30080 }], selector: { app: 'kubia' } }));
    expect(after.spec.ports[0].nodePort).toBeUndefined();
    expect(c.apply(nodePortSvc('other', [{ port: 80, nodePort: 30080 }])).spec.ports[0].nodePort).toBe(30080);
  });

  it('runs out in a small range, and hands the released port out next', () => {
    const c = new Cluster({ nodePortRange: '30000-30002' });
    const got = ['a', 'b', 'c'].map((n) => c.apply(nodePortSvc(n, [{ port: 80 }])).spec.ports[0].nodePort);
    expect([...got].sort()).toEqual([30000, 30001, 30002]);
    expect(c.refused({ op: 'apply', object: nodePortSvc('d', [{ port: 80 }]) }).error.message).toBe(
      'Internal error occurred: failed to allocate a nodePort: range is full',
    );
    c.delete('Service', 'b');
    expect(c.apply(nodePortSvc('d', [{ port: 80 }])).spec.ports[0].nodePort).toBe(got[1]);
  });

  it('allocates a healthCheckNodePort for LoadBalancer with externalTrafficPolicy Local only', () => {
    const c = new Cluster();
    const lb = (name: string, etp: string) => service(name, { type: 'LoadBalancer', externalTrafficPolicy: etp, ports: port80, selector: { app: 'kubia' } });
    const local = c.apply(lb('local', 'Local')).spec;
    expect(local.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(local.healthCheckNodePort).not.toBe(local.ports[0].nodePort);
    expect(c.apply(lb('cluster', 'Cluster')).spec.healthCheckNodePort).toBeUndefined();
    expect(c.apply(lb('local', 'Local')).spec.healthCheckNodePort).toBe(local.healthCheckNodePort); // kept on update
    // Local → Cluster drops it, and the port is free again.
    expect(c.apply(lb('local', 'Cluster')).spec.healthCheckNodePort).toBeUndefined();
    expect(c.apply(nodePortSvc('np', [{ port: 80, nodePort: local.healthCheckNodePort }])).spec.ports[0].nodePort).toBe(local.healthCheckNodePort);
  });

  it('allocates no nodePorts for a LoadBalancer with allocateLoadBalancerNodePorts false', () => {
    const c = new Cluster();
    const spec = c.apply(service('lb', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: port80 })).spec;
    expect(spec.ports[0].nodePort).toBeUndefined();
  });
});

describe('LoadBalancer status', () => {
  const lb = service('lb', { type: 'LoadBalancer', ports: port80, selector: { app: 'kubia' } });

  it('stays pending (no ingress) without a cloud, while its nodePort works', () => {
    const c = new Cluster();
    c.apply(lb);
    expect(c.service('lb')?.loadBalancerIngress).toEqual([]);
    expect(c.service('lb')?.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
  });

  it('gets one ingress address from a cloud, kept on update, cleared when the type changes', () => {
    const c = new Cluster({ cloudLoadBalancer: true });
    c.apply(lb);
    const ingress = c.service('lb')?.loadBalancerIngress;
    expect(ingress).toHaveLength(1);
    expect(ingress?.[0].ip).toMatch(/^203\.0\.113\./);
    c.apply(lb);
    expect(c.service('lb')?.loadBalancerIngress).toEqual(ingress);
    c.apply(service('lb', { type: 'NodePort', ports: port80, selector: { app: 'kubia' } }));
    expect(c.service('lb')?.loadBalancerIngress).toEqual([]);
  });
});

describe('upstream allocation details (storage.go patchAllocatedValues, alloc.go, KEP-3070, KEP-3668)', () => {
  it('moves a nodePort to another port of the Service; the port left out gets a new one', () => {
    const c = new Cluster();
    c.apply(nodePortSvc('np', [{ name: 'a', port: 80, nodePort: 30001 }, { name: 'b', port: 81, nodePort: 30002 }]));
    const ports = c.apply(nodePortSvc('np', [{ name: 'a', port: 80 }, { name: 'b', port: 81, nodePort: 30001 }])).spec.ports as Manifest[];
    expect(ports[1].nodePort).toBe(30001);
    expect(ports[0].nodePort).not.toBe(30001);
    expect(ports[0].nodePort).not.toBe(30002);
    expect(c.apply(nodePortSvc('other', [{ port: 80, nodePort: 30002 }])).spec.ports[0].nodePort).toBe(30002);
  });

  it('shares one nodePort between TCP and UDP of a port number on create, not between port numbers', () => {
    const c = new Cluster();
    const ports = c.apply(nodePortSvc('dns', [{ name: 'u', port: 53, protocol: 'UDP' }, { name: 't', port: 53, protocol: 'TCP' }])).spec.ports as Manifest[];
    expect(ports[0].nodePort).toBe(ports[1].nodePort);
    const r = c.refused({ op: 'apply', object: nodePortSvc('x', [{ name: 'u', port: 53, protocol: 'UDP', nodePort: 30053 }, { name: 't', port: 54, protocol: 'TCP', nodePort: 30053 }]) });
    expect(r.error.message).toContain('spec.ports[1].nodePort: Invalid value: 30053: provided port is already allocated');
  });

  it('on update, lets a new port of another protocol reuse a nodePort the Service holds', () => {
    const c = new Cluster();
    c.apply(nodePortSvc('x', [{ name: 'u', port: 53, protocol: 'UDP', nodePort: 30053 }]));
    const ports = c.apply(nodePortSvc('x', [{ name: 'u', port: 53, protocol: 'UDP', nodePort: 30053 }, { name: 't', port: 54, protocol: 'TCP', nodePort: 30053 }])).spec.ports as Manifest[];
    expect(ports.map((p) => p.nodePort)).toEqual([30053, 30053]);
    // Left out, u is not refilled with a nodePort another port of the update asks for.
    const again = c.apply(nodePortSvc('x', [{ name: 'u', port: 53, protocol: 'UDP' }, { name: 't', port: 54, protocol: 'TCP', nodePort: 30053 }])).spec.ports as Manifest[];
    expect(again[1].nodePort).toBe(30053);
    expect(again[0].nodePort).not.toBe(30053);
  });

  it('keeps nodePorts it was given when a type change to ClusterIP also asks for a new one, so validation refuses it', () => {
    const c = new Cluster();
    c.apply(nodePortSvc('np', [{ port: 80, nodePort: 30080 }]));
    const r = c.refused({ op: 'apply', object: service('np', { type: 'ClusterIP', ports: [{ port: 80, nodePort: 30081 }], selector: { app: 'kubia' } }) });
    expect(r.error.message).toContain("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
  });

  it('reserves the healthCheckNodePort from the same allocator as nodePorts', () => {
    const c = new Cluster();
    c.apply(service('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 30500, ports: port80, selector: { app: 'kubia' } }));
    expect(c.refused({ op: 'apply', object: nodePortSvc('np', [{ port: 80, nodePort: 30500 }]) }).error.message).toContain('provided port is already allocated');
  });

  it('drops allocateLoadBalancerNodePorts and loadBalancerClass the user left unchanged when leaving LoadBalancer', () => {
    const c = new Cluster();
    const lb = (type: string) => service('lb', { type, allocateLoadBalancerNodePorts: false, loadBalancerClass: 'example.com/lb', ports: port80, selector: { app: 'kubia' } });
    c.apply(lb('LoadBalancer'));
    const spec = c.apply(lb('NodePort')).spec;
    expect(spec.allocateLoadBalancerNodePorts).toBeUndefined();
    expect(spec.loadBalancerClass).toBeUndefined();
    expect(spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
  });

  it('allocates dynamic values from the upper band, the lower band once the upper one is full', () => {
    const c = new Cluster({ nodePortRange: '30000-30019' });
    const got = ['a', 'b', 'c', 'd', 'e'].map((n) => c.apply(nodePortSvc(n, [{ port: 80 }])).spec);
    expect(got.slice(0, 4).every((s) => s.ports[0].nodePort >= 30016)).toBe(true);
    expect(got[4].ports[0].nodePort).toBeLessThan(30016);
    for (const s of got) expect(inRange(s.clusterIP as string, [10, 96, 1, 0], 24) || !inRange(s.clusterIP as string, [10, 96, 0, 0], 23)).toBe(true);
  });
});

describe('the kubernetes Service after a delete (pkg/controlplane/controller/kubernetesservice)', () => {
  it('comes back at the next 10 s run, on the first address', () => {
    const c = new Cluster();
    c.delete('Service', 'kubernetes');
    c.advance(9);
    expect(c.service('kubernetes')).toBeUndefined();
    c.advance(1);
    expect(c.service('kubernetes')).toMatchObject({ clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] });
  });

  it('stays away while another Service holds the first address', () => {
    const c = new Cluster();
    c.delete('Service', 'kubernetes');
    c.apply(clusterIP('squatter', '10.96.0.1'));
    c.advance(30);
    expect(c.service('kubernetes')).toBeUndefined();
  });
});

describe('LoadBalancer status and loadBalancerClass', () => {
  it('is left pending by the cloud when the Service names a loadBalancerClass', () => {
    const c = new Cluster({ cloudLoadBalancer: true });
    c.apply(service('lb', { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb', ports: port80, selector: { app: 'kubia' } }));
    expect(c.service('lb')?.loadBalancerIngress).toEqual([]);
    expect(c.service('lb')?.loadBalancerClass).toBe('example.com/lb');
  });
});
