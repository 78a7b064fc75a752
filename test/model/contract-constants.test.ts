/**
 * docs/contract.md states the constants and answer shapes an implementer would otherwise have to
 * read the model for. Each case quotes the page (the quote must be there, word for word) and holds
 * the model to it, so the page and the model cannot drift apart unnoticed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cluster, container, kubiaService, pod, service } from './cluster/harness.ts';

const CONTRACT = readFileSync(join(import.meta.dirname, '../../docs/contract.md'), 'utf8').replace(/\s+/g, ' ');

/** The page says `quote`, and `check` holds on the model. */
function states(quote: string, check: () => void): void {
  it(quote, () => {
    expect(CONTRACT, 'docs/contract.md no longer says this').toContain(quote);
    check();
  });
}

const client = { namespace: 'default', pod: 'client' };

describe('docs/contract.md, held to the model', () => {
  states('one port `{name: https, port: 443, targetPort: 6443, protocol: TCP}`', () => {
    const c = new Cluster();
    expect(c.service('kubernetes')).toMatchObject({ clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }] });
    expect(c.service('kubernetes')?.selector).toBeUndefined();
  });

  states('address = the **first node\'s InternalIP** (`192.168.0.10`: the API server), no `pod`, port `{name: https, port: 6443, protocol: TCP}`', () => {
    expect(new Cluster().endpoints('kubernetes')?.subsets).toEqual([{ addresses: [{ ip: '192.168.0.10' }], notReadyAddresses: [], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
  });

  states('ports `{name: dns, port: 53, protocol: UDP, targetPort: 53}` and `{name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}`', () => {
    const c = new Cluster();
    expect(c.service('kube-dns', 'kube-system')).toMatchObject({ clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }] });
    expect(c.endpoints('kube-dns', 'kube-system')?.subsets).toEqual([]);
  });

  states('every node\'s `proxies` lists its two ports with no endpoints (a `connect` to it is `"refused"`)', () => {
    const c = new Cluster();
    for (const p of c.observe().proxies) expect(p.services.filter((s) => s.name === 'kube-dns').map((s) => [s.port, s.protocol, s.endpoints])).toEqual([[53, 'UDP', []], [53, 'TCP', []]]);
    c.apply(pod('client', { labels: { app: 'client' } }));
    expect(c.connect(client, { service: 'kube-dns', namespace: 'kube-system', port: 53 })).toMatchObject({ ok: false, error: 'refused' });
  });

  states('Default (2 nodes, /16): node-1 `10.244.0.0/17`, node-2 `10.244.128.0/17`', () => {
    const c = new Cluster();
    expect(c.state.config.nodes.map((n) => [n.name, n.ip, n.podRange.size])).toEqual([['node-1', '192.168.0.10', 32768], ['node-2', '192.168.0.11', 32768]]);
  });

  states('The first pod on node-1 is `10.244.0.2`, the next `10.244.0.3`; on node-2 `10.244.128.2`', () => {
    const c = new Cluster();
    c.apply(pod('a', { node: 'node-1' }));
    c.apply(pod('b', { node: 'node-1' }));
    c.apply(pod('c', { node: 'node-2' }));
    expect(['a', 'b', 'c'].map((n) => c.pod(n)?.ip)).toEqual(['10.244.0.2', '10.244.0.3', '10.244.128.2']);
  });

  states('A `hostNetwork` pod has its node\'s InternalIP and takes no address from the block', () => {
    const c = new Cluster();
    c.apply({ ...pod('h', { node: 'node-2' }), spec: { nodeName: 'node-2', hostNetwork: true, containers: [container()] } });
    expect(c.pod('h')?.ip).toBe('192.168.0.11');
  });

  states('for `10.96.0.0/12` the upper band starts at `10.96.1.1`', () => {
    const c = new Cluster();
    for (let i = 0; i < 8; i++) {
      const ip = c.apply(kubiaService(`s${i}`)).spec.clusterIP as string;
      const offset = ip.split('.').map(Number).reduce((n, o) => n * 256 + o, 0) - (10 * 2 ** 24 + 96 * 2 ** 16);
      expect(offset, ip).toBeGreaterThanOrEqual(257);
      expect(offset, ip).toBeLessThan(2 ** 20 - 1);
    }
  });

  states('for `30000-32767`, ports from `30086`', () => {
    const c = new Cluster();
    for (let i = 0; i < 8; i++) expect(c.apply(kubiaService(`n${i}`, { type: 'NodePort' })).spec.ports[0].nodePort).toBeGreaterThanOrEqual(30086);
  });

  states('from the pool `203.0.113.0/24` (TEST-NET-3), `.1`–`.254`', () => {
    const c = new Cluster({ cloudLoadBalancer: true });
    const ip = c.apply(kubiaService('lb', { type: 'LoadBalancer' })).status.loadBalancer.ingress[0].ip as string;
    expect(ip).toMatch(/^203\.0\.113\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])$/);
    expect(c.apply(kubiaService('classed', { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb' })).status?.loadBalancer ?? {}).toEqual({});
  });

  states('`NotFound` API error, `{ok: false, error: {reason: "NotFound", message: "services \\"web\\" not found"}}` — not a traffic failure', () => {
    const c = new Cluster();
    c.apply(pod('client', { labels: { app: 'client' } }));
    expect(c.connect(client, { service: 'web', port: 80 })).toMatchObject({ ok: false, error: { reason: 'NotFound', message: 'services "web" not found' } });
  });

  states('each **absolute with a trailing dot**, keeping the query\'s spelling (`kubia.default.svc.cluster.local.`)', () => {
    const c = new Cluster();
    c.apply(kubiaService());
    c.apply(pod('client', { labels: { app: 'client' } }));
    const r = c.run({ op: 'resolve', from: client, name: 'kubia' });
    expect(r.tried[0]).toBe('kubia.default.svc.cluster.local.');
    expect(r.answers).toEqual([{ name: 'kubia.default.svc.cluster.local.', type: 'A', data: c.service('kubia')!.clusterIP }]);
  });

  states('a snapshot, not the current Services', () => {
    const c = new Cluster();
    c.apply(pod('client', { labels: { app: 'client' } }));
    c.apply(kubiaService());
    expect(Object.keys(c.run({ op: 'env', pod: 'client', container: 'app' }).env).some((k) => k.startsWith('KUBIA_'))).toBe(false);
  });

  states('an app accepts connections on any port, declared or not', () => {
    const c = new Cluster();
    c.apply(pod('server', { labels: { app: 'kubia' } }));
    c.apply(pod('client', { labels: { app: 'client' } }));
    expect(c.connect(client, { ip: c.pod('server')!.ip, port: 7777 })).toMatchObject({ ok: true, port: 7777, pod: { name: 'server' } });
  });

  states('for **every** Service — headless and ExternalName ones included', () => {
    const c = new Cluster();
    c.apply(kubiaService('headless', { clusterIP: 'None' }));
    expect(c.observe().proxies[0].services.some((s) => s.name === 'headless' && s.port === 80)).toBe(true);
  });

  states('**Their ports are matched to the Service\'s ports by name**', () => {
    const c = new Cluster();
    c.apply(service('ext', { ports: [{ name: 'http', port: 80 }, { name: 'admin', port: 9000 }] }));
    c.apply({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext' }, subsets: [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ name: 'admin', port: 9443 }, { name: 'http', port: 8080 }] }] });
    const ext = c.observe().proxies[0].services.filter((s) => s.name === 'ext').map((s) => [s.port, s.endpoints]);
    expect(ext).toEqual([[80, [{ ip: '10.1.2.3', port: 8080 }]], [9000, [{ ip: '10.1.2.3', port: 9443 }]]]);
  });

  states('the first configured node\'s InternalIP (`192.168.0.10`, a bare-metal ingress-nginx on the nodes), or with a cloud the pool\'s last address `203.0.113.254`', () => {
    for (const [cloud, address] of [[false, '192.168.0.10'], [true, '203.0.113.254']] as const) {
      const c = new Cluster({ ingressControllers: ['k8s.io/ingress-nginx'], cloudLoadBalancer: cloud });
      c.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing' }, spec: { defaultBackend: { service: { name: 'kubia', port: { number: 80 } } } } });
      expect(c.observe().ingresses[0].address).toBe(address);
    }
  });

  states('| no rule and no default backend matches, or the backend is a `resource` | `{status: 404}` |', () => {
    const c = new Cluster({ ingressControllers: ['k8s.io/ingress-nginx'] });
    c.apply(pod('client', { labels: { app: 'client' } }));
    c.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing' }, spec: { rules: [{ host: 'a.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'kubia', port: { number: 80 } } } }] } }] } });
    expect(c.run({ op: 'http', from: client, host: 'b.com', path: '/' })).toEqual({ ok: true, status: 404 });
    expect(c.run({ op: 'http', from: client, host: 'a.com', path: '/' })).toMatchObject({ ok: true, status: 503, service: { name: 'kubia' } });
    c.apply(kubiaService());
    c.apply({ ...pod('server'), spec: { containers: [container('app', { ports: [{ containerPort: 8080 }] })] } });
    c.run({ op: 'listen', pod: 'server', container: 'app', listening: false });
    expect(c.run({ op: 'http', from: client, host: 'a.com', path: '/' })).toMatchObject({ ok: true, status: 502 });
  });

  states('equal timestamps by `namespace/name`), so two Ingresses created in the same second are ordered by name', () => {
    const c = new Cluster({ ingressControllers: ['k8s.io/ingress-nginx'] });
    c.apply(pod('client', { labels: { app: 'client' } }));
    const ing = (name: string, svc: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name }, spec: { rules: [{ host: 'a.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: svc, port: { number: 80 } } } }] } }] } });
    c.apply(ing('zeta', 'z'));
    c.apply(ing('alpha', 'a'));
    expect(c.run({ op: 'http', from: client, host: 'a.com', path: '/' }).service).toEqual({ namespace: 'default', name: 'a' });
  });
});
