/**
 * Pod IPs as the kubelet and the network plugin give them: an ended pod's address is free for the
 * next pod while its status keeps showing it (kubernetes/kubernetes#98611), and a host-network pod
 * shows its node's address (kubelet_pods.go generateAPIPodStatus).
 */
import { describe, expect, it } from 'vitest';
import { Cluster, container, fromPod, pod, podStatus } from './harness.ts';

describe('pod IPs', () => {
  it('an ended pod keeps showing its IP, which the next pod may get (host-local wraps round)', () => {
    const c = new Cluster({ nodes: ['node-1'], podCIDR: '10.244.0.0/28' });
    c.apply(pod('job', { restartPolicy: 'Never' }));
    expect(c.pod('job')?.ip).toBe('10.244.0.2');
    c.ok({ op: 'exit', pod: 'job', code: 1 });
    expect(c.pod('job')).toMatchObject({ phase: 'Failed', ip: '10.244.0.2' });
    for (let i = 3; i <= 14; i++) c.apply(pod(`p${i}`));
    expect(c.pod('p14')?.ip).toBe('10.244.0.14');
    c.apply(pod('web'));
    expect(c.pod('web')).toMatchObject({ phase: 'Running', ip: '10.244.0.2' });
    expect(c.pod('job')).toMatchObject({ phase: 'Failed', ip: '10.244.0.2' });
    // the address means the live pod
    expect(c.connect(fromPod('p3'), { ip: '10.244.0.2', port: 8080 })).toMatchObject({ ok: true, pod: { name: 'web' } });
  });

  it('a running pod keeps its IP to itself until it is gone, even while terminating', () => {
    const c = new Cluster({ nodes: ['node-1'], podCIDR: '10.244.0.0/28' });
    c.apply(pod('old', { grace: 30 }));
    c.delete('Pod', 'old');
    for (let i = 3; i <= 14; i++) c.apply(pod(`p${i}`));
    c.apply(pod('new'));
    expect(c.pod('old')).toMatchObject({ terminating: true, ip: '10.244.0.2' });
    expect(c.pod('new')?.ip).toBe('');
  });

  it('a pod applied as ended (status-managed) does not hold the IP it shows', () => {
    const c = new Cluster({ nodes: ['node-1'] });
    c.apply(pod('live'));
    c.apply(pod('ended', { status: podStatus(c.pod('live')!.ip, 'Succeeded', false) }));
    expect(c.connect(fromPod('live'), { ip: c.pod('live')!.ip, port: 8080 })).toMatchObject({ ok: true, pod: { name: 'live' } });
  });

  it('host-network pods show their node\'s IP, share it, and take none of the pod range', () => {
    const c = new Cluster({ nodes: ['node-1'] });
    const hostPod = (name: string) => ({ ...pod(name, { node: 'node-1', containers: [container('app', { ports: [] })] }), spec: { nodeName: 'node-1', hostNetwork: true, containers: [container('app', { ports: [] })] } });
    c.apply(hostPod('agent-a'));
    c.apply(hostPod('agent-b'));
    c.apply(pod('plain'));
    const node = c.observe().nodes.find((n) => n.name === 'node-1')!;
    expect(c.pod('agent-a')).toMatchObject({ ip: node.ip, hostNetwork: true });
    expect(c.pod('agent-b')?.ip).toBe(node.ip);
    expect(c.pod('plain')?.ip).toBe('10.244.0.2');
    expect(c.pod('plain')?.hostNetwork).toBeUndefined();
  });
});
