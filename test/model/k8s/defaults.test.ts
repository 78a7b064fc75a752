// Expectations restate kubernetes/kubernetes pkg/apis/core/v1/defaults.go and defaults_test.go
// (TestSetDefaultService*, TestSetDefaultProbe, TestSetDefaultHTTPGetAction, TestSetDefaultReplicationController*).
import { describe, expect, it } from 'vitest';
import type { Endpoints, Node, Pod, ReplicationController, Service, ServiceSpec } from '../../../model/k8s/objects.ts';
import { defaultEndpoints, defaultNode, defaultPod, defaultReplicationController, defaultService } from '../../../model/k8s/defaults.ts';

const svc = (spec: Partial<ServiceSpec>, extra: Record<string, unknown> = {}): Service =>
  ({ kind: 'Service', metadata: { name: 'kubia' }, spec: { ports: [{ port: 80 }], ...spec }, ...extra });
const pod = (p: Partial<Pod['spec']> = {}): Pod => ({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }], ...p } });

describe('defaultService', () => {
  it('fills type, affinity, protocol, targetPort and internal policy, in namespace default', () => {
    const out = defaultService(svc({}));
    expect(out.metadata.namespace).toBe('default');
    expect(out.spec).toEqual({
      type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
  });

  it('drops an empty or null selector, as storage does upstream (omitempty, kubernetes/kubernetes#25836)', () => {
    expect(defaultService(svc({ selector: {} })).spec).not.toHaveProperty('selector');
    expect(defaultService(svc({ selector: null as never })).spec).not.toHaveProperty('selector');
    expect(defaultService(svc({ selector: { app: 'web' } })).spec.selector).toEqual({ app: 'web' });
  });

  it('never mutates its input and keeps unknown fields', () => {
    const input = svc({ ports: [{ port: 80 }], publishNotReadyAddresses: true }, { extra: { a: 1 } });
    const copy = structuredClone(input);
    const out = defaultService(input);
    expect(input).toEqual(copy);
    expect(out.extra).toEqual({ a: 1 });
    expect(out.spec.publishNotReadyAddresses).toBe(true);
  });

  it('defaults targetPort to port when absent, 0 or empty, and keeps a named one', () => {
    const out = defaultService(svc({ ports: [{ name: 'a', port: 80, targetPort: 0 }, { name: 'b', port: 81, targetPort: '' }, { name: 'c', port: 82, targetPort: 'http' }] }));
    expect(out.spec.ports?.map((p) => p.targetPort)).toEqual([80, 81, 'http']);
  });

  it('gives ClientIP affinity a 10800 s timeout, and drops the config for None', () => {
    expect(defaultService(svc({ sessionAffinity: 'ClientIP' })).spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    expect(defaultService(svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })).spec.sessionAffinityConfig)
      .toEqual({ clientIP: { timeoutSeconds: 60 } });
    expect(defaultService(svc({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })).spec.sessionAffinityConfig).toBeUndefined();
  });

  it('sets externalTrafficPolicy Cluster only for externally-accessible Services', () => {
    expect(defaultService(svc({ type: 'NodePort' })).spec.externalTrafficPolicy).toBe('Cluster');
    expect(defaultService(svc({ type: 'LoadBalancer' })).spec.externalTrafficPolicy).toBe('Cluster');
    expect(defaultService(svc({ externalIPs: ['80.11.12.10'] })).spec.externalTrafficPolicy).toBe('Cluster');
    expect(defaultService(svc({})).spec.externalTrafficPolicy).toBeUndefined();
    expect(defaultService(svc({ type: 'NodePort', externalTrafficPolicy: 'Local' })).spec.externalTrafficPolicy).toBe('Local');
  });

  it('leaves internalTrafficPolicy unset for ExternalName', () => {
    expect(defaultService(svc({ type: 'ExternalName', externalName: 'x.example.com' })).spec.internalTrafficPolicy).toBeUndefined();
  });

  it('sets allocateLoadBalancerNodePorts only for LoadBalancer, keeping an explicit false', () => {
    expect(defaultService(svc({ type: 'LoadBalancer' })).spec.allocateLoadBalancerNodePorts).toBe(true);
    expect(defaultService(svc({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false })).spec.allocateLoadBalancerNodePorts).toBe(false);
    expect(defaultService(svc({ type: 'NodePort' })).spec.allocateLoadBalancerNodePorts).toBeUndefined();
  });

  it('keeps a given namespace and leaves publishNotReadyAddresses absent', () => {
    const out = defaultService({ ...svc({}), metadata: { name: 'kubia', namespace: 'prod' } });
    expect(out.metadata.namespace).toBe('prod');
    expect('publishNotReadyAddresses' in out.spec).toBe(false);
  });
});

describe('defaultPod', () => {
  it('fills restartPolicy, grace period, dnsPolicy and enableServiceLinks', () => {
    const out = defaultPod(pod());
    expect(out.metadata.namespace).toBe('default');
    expect(out.spec).toMatchObject({ restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', enableServiceLinks: true });
  });

  it('keeps explicit values, including enableServiceLinks false and a 0 grace period', () => {
    const out = defaultPod(pod({ restartPolicy: 'Never', terminationGracePeriodSeconds: 0, enableServiceLinks: false, dnsPolicy: 'Default' }));
    expect(out.spec).toMatchObject({ restartPolicy: 'Never', terminationGracePeriodSeconds: 0, enableServiceLinks: false, dnsPolicy: 'Default' });
  });

  it('defaults container port protocol to TCP, and hostPort under host networking', () => {
    const out = defaultPod(pod({ hostNetwork: true, containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] }] }));
    expect(out.spec.containers[0].ports).toEqual([
      { containerPort: 8080, protocol: 'TCP', hostPort: 8080 },
      { containerPort: 53, protocol: 'UDP', hostPort: 53 },
    ]);
  });

  it('defaults every probe (zero counts as unset) and httpGet path and scheme', () => {
    const out = defaultPod(pod({ containers: [{ name: 'c', image: 'i', readinessProbe: { httpGet: { port: 8080 }, periodSeconds: 0 }, livenessProbe: { exec: { command: ['ls'] }, failureThreshold: 5 }, startupProbe: { tcpSocket: { port: 8080 } } }] }));
    const c = out.spec.containers[0];
    const defaults = { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
    expect(c.readinessProbe).toEqual({ httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, ...defaults });
    expect(c.livenessProbe).toEqual({ exec: { command: ['ls'] }, ...defaults, failureThreshold: 5 });
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 8080 }, ...defaults });
  });

  it('does not mutate its input', () => {
    const input = pod({ containers: [{ name: 'c', image: 'i', readinessProbe: { exec: { command: ['true'] } } }] });
    const copy = structuredClone(input);
    defaultPod(input);
    expect(input).toEqual(copy);
  });
});

describe('defaultEndpoints, defaultReplicationController, defaultNode', () => {
  it('defaults Endpoints port protocol to TCP', () => {
    const ep: Endpoints = { kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '11.11.11.11' }], ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }] };
    const out = defaultEndpoints(ep);
    expect(out.metadata.namespace).toBe('default');
    expect(out.subsets?.[0].ports).toEqual([{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]);
  });

  it('gives an RC 1 replica, the template labels as selector and labels, and pod-spec defaults in the template', () => {
    const input: ReplicationController = { kind: 'ReplicationController', metadata: { name: 'kubia' }, spec: { template: { metadata: { labels: { app: 'kubia' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080 }] }] } } } };
    const out = defaultReplicationController(input);
    expect(out.spec.replicas).toBe(1);
    expect(out.spec.selector).toEqual({ app: 'kubia' });
    expect(out.metadata.labels).toEqual({ app: 'kubia' });
    expect(out.spec.template?.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 });
    expect(out.spec.template?.spec.enableServiceLinks).toBeUndefined(); // SetDefaults_Pod applies to Pods only
    expect(out.spec.template?.spec.containers[0].ports?.[0].protocol).toBe('TCP');
  });

  it('keeps an explicit selector and replicas 0', () => {
    const out = defaultReplicationController({ kind: 'ReplicationController', metadata: { name: 'k' }, spec: { replicas: 0, selector: { app: 'x' }, template: { metadata: { labels: { app: 'x', v: '1' } }, spec: { containers: [] } } } });
    expect(out.spec.replicas).toBe(0);
    expect(out.spec.selector).toEqual({ app: 'x' });
  });

  it('drops a namespace from a Node and adds none', () => {
    const n: Node = { kind: 'Node', metadata: { name: 'node-1', namespace: 'default' } };
    expect(defaultNode(n).metadata).toEqual({ name: 'node-1' });
    expect(n.metadata.namespace).toBe('default');
  });
});
