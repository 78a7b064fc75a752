/**
 * kube-proxy and traffic (docs/semantics.md B6, B3; the seed): connections spread over every ready
 * endpoint, are refused with no endpoint (e2e "should be rejected when no endpoints exist") or
 * when the app does not listen yet (the seed's "connection refused"), stick to one endpoint under
 * ClientIP affinity, fall back to serving-terminating endpoints only when nothing is ready; a
 * ClusterIP never answers ping; NodePort works on every node, hiding the client IP under Cluster
 * policy and dropping traffic on nodes without a local endpoint under Local.
 */
import { describe, expect, it } from 'vitest';
import { Cluster, container, execProbe, fromPod, kubiaService, pod, service, type Manifest } from './harness.ts';

const client = fromPod('client');
const toKubia = { service: 'kubia', port: 80 };

/** The seed's setup: the kubia Service and `n` kubia pods, plus a client pod. */
function kubia(n: number, config: Manifest = {}, svcExtra: Manifest = {}): Cluster {
  const c = new Cluster(config);
  c.apply(kubiaService('kubia', svcExtra));
  for (let i = 1; i <= n; i++) c.apply(pod(`kubia-${i}`));
  c.apply(pod('client', { labels: { app: 'client' } }));
  return c;
}

describe('connect through a ClusterIP', () => {
  it('spreads connections over every ready endpoint', () => {
    const c = kubia(3);
    expect(new Set(c.reached(client, toKubia, 60))).toEqual(new Set(['kubia-1', 'kubia-2', 'kubia-3']));
  });

  it('reaches every ready endpoint across seeds, one connection per cluster', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) seen.add(kubia(3, { seed }).reached(client, toKubia, 1)[0]);
    expect(seen).toEqual(new Set(['kubia-1', 'kubia-2', 'kubia-3']));
  });

  it('answers with the endpoint, its target port, and the client pod’s IP as source', () => {
    const c = kubia(1);
    const r = c.connect(client, { ip: c.service('kubia')!.clusterIP, port: 80 });
    expect(r).toEqual({ ok: true, pod: { namespace: 'default', name: 'kubia-1' }, ip: c.pod('kubia-1')!.ip, port: 8080, sourceIP: c.pod('client')!.ip });
  });

  it('resolves a named targetPort on the pod reached', () => {
    const c = new Cluster();
    c.apply(service('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] }));
    c.apply(pod('a', { labels: { app: 'web' }, containers: [container('app', { ports: [{ name: 'web', containerPort: 8080 }] })] }));
    c.apply(pod('client', { labels: {} }));
    expect(c.connect(client, { service: 'web', port: 'http' })).toMatchObject({ ok: true, port: 8080 });
  });

  it('refuses when the Service has no endpoints', () => {
    const c = kubia(0);
    expect(c.connect(client, toKubia)).toEqual({ ok: false, error: 'refused' });
  });

  it('never uses unready endpoints', () => {
    const c = kubia(1);
    c.apply(pod('kubia-unready', { containers: [container('app', { readinessProbe: execProbe() })] }));
    expect(new Set(c.reached(client, toKubia, 30))).toEqual(new Set(['kubia-1']));
  });

  it('refuses while the app does not listen yet, with no readiness probe to hold it back (the seed)', () => {
    const c = kubia(1, { appsListenOnStart: false });
    expect(c.members('kubia').ready).toEqual(['kubia-1']);
    expect(c.connect(client, toKubia)).toEqual({ ok: false, error: 'refused' });
    c.ok({ op: 'listen', namespace: 'default', pod: 'kubia-1', listening: true });
    expect(c.connect(client, toKubia)).toMatchObject({ ok: true, pod: { name: 'kubia-1' } });
  });

  it('sticks to one endpoint per client under sessionAffinity ClientIP, until the timeout', () => {
    const affinity = { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } };
    const c = kubia(3, {}, affinity);
    const first = c.reached(client, toKubia, 20);
    expect(new Set(first).size).toBe(1);
    const later = new Set<string>();
    for (let i = 0; i < 20; i++) {
      c.advance(61); // idle past the timeout: a new choice
      later.add(c.reached(client, toKubia, 1)[0]);
    }
    expect(later.size).toBeGreaterThan(1);
  });

  it('counts the affinity timeout from the latest connection, and ends it at exactly timeoutSeconds (xt_recent --seconds)', () => {
    const affinity = { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } };
    const renewed = new Set<string>();
    const expired = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const c = kubia(3, { seed }, affinity);
      const first = c.reached(client, toKubia, 1)[0];
      c.advance(59);
      c.reached(client, toKubia, 1); // renews the entry
      c.advance(59);
      renewed.add(String(c.reached(client, toKubia, 1)[0] === first));
      c.advance(60); // exactly the timeout since the last connection: the entry no longer counts
      expired.add(String(c.reached(client, toKubia, 1)[0] === first));
    }
    expect(renewed).toEqual(new Set(['true']));
    expect(expired.has('false')).toBe(true); // balanced afresh: some seeds land elsewhere
  });

  it('masquerades a pod that reaches itself through its Service (hairpin) to its node\'s address', () => {
    const c = kubia(1);
    const r = c.connect(fromPod('kubia-1'), toKubia);
    const node = c.observe().nodes.find((n) => n.name === c.pod('kubia-1')!.node)!;
    expect(r).toMatchObject({ ok: true, pod: { name: 'kubia-1' }, sourceIP: node.ip });
  });

  it('uses serving terminating endpoints only when no endpoint is ready (ProxyTerminatingEndpoints)', () => {
    const c = kubia(2);
    c.delete('Pod', 'kubia-1');
    expect(new Set(c.reached(client, toKubia, 30))).toEqual(new Set(['kubia-2']));
    c.delete('Pod', 'kubia-2');
    expect(c.members('kubia')).toEqual({ ready: [], notReady: [] });
    expect(new Set(c.reached(client, toKubia, 40))).toEqual(new Set(['kubia-1', 'kubia-2']));
    c.advance(30);
    expect(c.connect(client, toKubia)).toEqual({ ok: false, error: 'refused' });
  });

  it('reaches a pod directly by its IP', () => {
    const c = kubia(1);
    expect(c.connect(client, { ip: c.pod('kubia-1')!.ip, port: 8080 })).toMatchObject({ ok: true, pod: { name: 'kubia-1' }, port: 8080 });
  });

  it('is unreachable from outside the cluster', () => {
    const c = kubia(1);
    expect(c.connect({ external: true }, { ip: c.service('kubia')!.clusterIP, port: 80 })).toEqual({ ok: false, error: 'unreachable' });
  });
});

describe('ping', () => {
  it('gets no reply from a ClusterIP, a reply from pods and nodes', () => {
    const c = kubia(1);
    const ping = (ip: string) => c.ok({ op: 'ping', from: client, ip }).reply;
    expect(ping(c.service('kubia')!.clusterIP)).toBe(false);
    expect(ping(c.service('kubernetes')!.clusterIP)).toBe(false);
    expect(ping(c.pod('kubia-1')!.ip)).toBe(true);
    expect(ping('192.168.0.11')).toBe(true);
  });
});

describe('NodePort and LoadBalancer', () => {
  const external = { external: true, ip: '198.51.100.7' };
  function nodePort(policy: 'Cluster' | 'Local', config: Manifest = {}): { c: Cluster; port: number } {
    const c = new Cluster(config);
    const type = config.cloudLoadBalancer ? 'LoadBalancer' : 'NodePort';
    const svc = c.apply(kubiaService('kubia', { type, externalTrafficPolicy: policy }));
    c.apply(pod('kubia-1', { node: 'node-1' }));
    return { c, port: svc.spec.ports[0].nodePort };
  }

  it('answers on every node, reaching a pod on another node with the node’s IP as source (Cluster policy)', () => {
    const { c, port } = nodePort('Cluster');
    for (const [node, ip] of [['node-1', '192.168.0.10'], ['node-2', '192.168.0.11']]) {
      expect(c.connect(external, { node, port })).toMatchObject({ ok: true, pod: { name: 'kubia-1' }, port: 8080, sourceIP: ip });
    }
  });

  it('drops traffic on a node without a local endpoint and keeps the client IP (Local policy)', () => {
    const { c, port } = nodePort('Local');
    expect(c.connect(external, { node: 'node-2', port })).toEqual({ ok: false, error: 'timeout' });
    expect(c.connect(external, { node: 'node-1', port })).toMatchObject({ ok: true, pod: { name: 'kubia-1' }, sourceIP: '198.51.100.7' });
  });

  it('refuses on every node when the Service has no endpoint at all', () => {
    const { c, port } = nodePort('Cluster');
    c.delete('Pod', 'kubia-1');
    c.advance(30);
    expect(c.connect(external, { node: 'node-2', port })).toEqual({ ok: false, error: 'refused' });
  });

  it('reaches the pods through a cloud load balancer’s address', () => {
    const { c } = nodePort('Cluster', { cloudLoadBalancer: true });
    const ip = c.service('kubia')!.loadBalancerIngress[0].ip;
    expect(c.connect(external, { ip, port: 80 })).toMatchObject({ ok: true, pod: { name: 'kubia-1' }, port: 8080 });
  });

  it('sends load-balancer traffic only to nodes with a local endpoint under Local policy', () => {
    const { c } = nodePort('Local', { cloudLoadBalancer: true });
    const ip = c.service('kubia')!.loadBalancerIngress[0].ip;
    for (let i = 0; i < 20; i++) {
      expect(c.connect(external, { ip, port: 80 })).toMatchObject({ ok: true, pod: { name: 'kubia-1' }, sourceIP: '198.51.100.7' });
    }
  });
});

describe('what the proxies program', () => {
  it('programs every node with the ready endpoints the Endpoints list (sync timing)', () => {
    const c = kubia(2);
    c.apply(pod('kubia-unready', { containers: [container('app', { readinessProbe: execProbe() })] }));
    const obs = c.observe();
    const want = ['kubia-1', 'kubia-2'].map((n) => ({ ip: c.pod(n)!.ip, port: 8080 })).sort((a, b) => a.ip.localeCompare(b.ip));
    for (const proxy of obs.proxies) {
      const programmed = proxy.services.find((s) => s.name === 'kubia')!;
      expect([...programmed.endpoints].sort((a, b) => a.ip.localeCompare(b.ip))).toEqual(want);
    }
  });
});
