/**
 * Traffic policies (model/cluster/traffic-policy.ts, health-check.ts): the internal path follows
 * internalTrafficPolicy, the external path (nodePort, load-balancer address, externalIP) follows
 * externalTrafficPolicy whoever the client is; the healthCheckNodePort; loadBalancerSourceRanges.
 */
import { describe, expect, it } from 'vitest';
import { Cluster, fromPod, kubiaService, pod, type Manifest } from './harness.ts';

const NODE_1 = '192.168.0.10';
const NODE_2 = '192.168.0.11';

/** A Service over one server on node-1, and a client pod on each node. */
function cluster(spec: Manifest, config: Manifest = {}): { c: Cluster; svc: Manifest } {
  const c = new Cluster(config);
  const svc = c.apply(kubiaService('kubia', spec));
  c.apply(pod('server', { node: 'node-1' }));
  c.apply(pod('client-1', { node: 'node-1', labels: {} }));
  c.apply(pod('client-2', { node: 'node-2', labels: {} }));
  return { c, svc };
}

describe('internalTrafficPolicy Local', () => {
  it('uses the client node’s endpoints only and drops where there is none (endpoints elsewhere)', () => {
    const { c } = cluster({ internalTrafficPolicy: 'Local' });
    expect(c.connect(fromPod('client-1'), { service: 'kubia', port: 80 })).toMatchObject({ ok: true, pod: { name: 'server' } });
    expect(c.connect(fromPod('client-2'), { service: 'kubia', port: 80 })).toEqual({ ok: false, error: 'timeout' });
  });

  it('rejects when the Service has no endpoint anywhere, ready or terminating', () => {
    const { c } = cluster({ internalTrafficPolicy: 'Local' });
    c.ok({ op: 'delete', kind: 'Pod', namespace: 'default', name: 'server' });
    // Still terminating and serving: an endpoint somewhere, so node-2 drops (CategorizeEndpoints hasAnyEndpoints).
    expect(c.connect(fromPod('client-2'), { service: 'kubia', port: 80 })).toEqual({ ok: false, error: 'timeout' });
    c.advance(30);
    expect(c.pod('server')).toBeUndefined();
    expect(c.connect(fromPod('client-2'), { service: 'kubia', port: 80 })).toEqual({ ok: false, error: 'refused' });
  });

  it('does not apply to the nodePort of the same Service', () => {
    const { c, svc } = cluster({ type: 'NodePort', internalTrafficPolicy: 'Local' });
    const port = svc.spec.ports[0].nodePort;
    expect(c.connect(fromPod('client-2'), { node: 'node-2', port })).toMatchObject({ ok: true, pod: { name: 'server' }, sourceIP: NODE_2 });
  });
});

describe('a pod on the external path', () => {
  it('is masqueraded to the handling node under Cluster policy (nodePort, load-balancer address)', () => {
    const { c, svc } = cluster({ type: 'LoadBalancer' }, { cloudLoadBalancer: true });
    const port = svc.spec.ports[0].nodePort;
    expect(c.connect(fromPod('client-2'), { node: 'node-1', port })).toMatchObject({ ok: true, sourceIP: NODE_1 });
    const lb = c.service('kubia')!.loadBalancerIngress[0].ip!;
    expect(c.connect(fromPod('client-2'), { ip: lb, port: 80 })).toMatchObject({ ok: true, sourceIP: NODE_2 });
  });

  it('under Local policy: dropped by another node without endpoints, short-circuited on its own node', () => {
    const { c, svc } = cluster({ type: 'NodePort', externalTrafficPolicy: 'Local' });
    const port = svc.spec.ports[0].nodePort;
    const ip2 = c.pod('client-2')!.ip;
    expect(c.connect(fromPod('client-1'), { node: 'node-2', port })).toEqual({ ok: false, error: 'timeout' });
    expect(c.connect(fromPod('client-2'), { node: 'node-2', port })).toMatchObject({ ok: true, pod: { name: 'server' }, sourceIP: ip2 });
    expect(c.connect(fromPod('client-2'), { node: 'node-1', port })).toMatchObject({ ok: true, pod: { name: 'server' }, sourceIP: ip2 });
  });
});

describe('healthCheckNodePort', () => {
  it('answers 200 with the local ready endpoints, 503 without, on every node', () => {
    const { c, svc } = cluster({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ name: 'a', port: 80, targetPort: 8080 }, { name: 'b', port: 81, targetPort: 8080 }] });
    const hc = svc.spec.healthCheckNodePort;
    // Two ports, one address: one endpoint (LocalReadyEndpoints counts addresses).
    expect(c.connect({ external: true }, { node: 'node-1', port: hc })).toMatchObject({ ok: true, status: 200, localEndpoints: 1 });
    expect(c.connect(fromPod('client-1'), { node: 'node-2', port: hc })).toMatchObject({ ok: true, status: 503, localEndpoints: 0 });
  });

  it('does not count a terminating endpoint', () => {
    const { c, svc } = cluster({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    c.apply(pod('server', { node: 'node-1', grace: 30 }));
    c.ok({ op: 'delete', kind: 'Pod', namespace: 'default', name: 'server' });
    expect(c.connect({ external: true }, { node: 'node-1', port: svc.spec.healthCheckNodePort })).toMatchObject({ ok: true, status: 503, localEndpoints: 0 });
  });
});

describe('externalIPs and loadBalancerSourceRanges', () => {
  it('answers an externalIP on the Service port like a nodePort', () => {
    const { c } = cluster({ externalIPs: ['192.0.2.10'] });
    expect(c.connect({ external: true }, { ip: '192.0.2.10', port: 80 })).toMatchObject({ ok: true, pod: { name: 'server' } });
    expect(c.connect(fromPod('client-2'), { ip: '192.0.2.10', port: 80 })).toMatchObject({ ok: true, sourceIP: NODE_2 });
  });

  it('drops clients outside the ranges at the load-balancer address, not at the nodePort', () => {
    const { c, svc } = cluster({ type: 'LoadBalancer', loadBalancerSourceRanges: ['198.51.100.0/30'] }, { cloudLoadBalancer: true });
    const lb = c.service('kubia')!.loadBalancerIngress[0].ip!;
    expect(c.connect({ external: true, ip: '198.51.100.2' }, { ip: lb, port: 80 })).toMatchObject({ ok: true });
    expect(c.connect({ external: true, ip: '198.51.100.7' }, { ip: lb, port: 80 })).toEqual({ ok: false, error: 'timeout' });
    expect(c.connect({ external: true, ip: '198.51.100.7' }, { node: 'node-1', port: svc.spec.ports[0].nodePort })).toMatchObject({ ok: true });
  });
});
