// One crafted stream per trace invariant that breaks it, written the way an API server writes the
// objects (resourceVersions rising, managedFields times), and the clean twin of the tricky ones.
// Why: a trace invariant that no stream can break checks nothing.
import { describe, expect, it } from 'vitest';
import { Cluster, addr, at, checkText, outcome, port, traced, violated } from './helpers.ts';

const IP = { web: '10.96.0.10', api: '10.96.0.11' };

/** A Service web selecting app=web, a ready pod a, and the Endpoints listing it. */
function healthy(c = new Cluster(), o: { uid?: string; podUid?: string } = {}) {
  const uid = o.uid ?? c.uid();
  const podUid = o.podUid ?? c.uid();
  c.service('ADDED', 'web', { clusterIP: IP.web, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }, { uid })
    .pod('ADDED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10' })
    .endpoints('ADDED', 'web', [{ addresses: [addr('10.244.1.10', 'a')], ports: [port(8080)] }]);
  return { c, uid, podUid };
}

const breaking: Record<string, () => Cluster> = {
  'service/cluster-ip/stable': () => {
    const c = new Cluster(), uid = c.uid();
    return c.service('ADDED', 'web', { clusterIP: IP.web, ports: [{ port: 80, targetPort: 80 }] }, { uid })
      .service('MODIFIED', 'web', { clusterIP: IP.api, ports: [{ port: 80, targetPort: 80 }] }, { uid, ms: 1000 });
  },
  'service/cluster-ip/unique': () => {
    const c = new Cluster();
    return c.service('ADDED', 'web', { clusterIP: IP.web, ports: [{ port: 80, targetPort: 80 }] }, { uid: c.uid() })
      .service('MODIFIED', 'web', { clusterIP: IP.web, ports: [{ port: 81, targetPort: 80 }] }, { uid: c.uid(), ns: 'other', ms: 1000 });
  },
  'service/cluster-ip/by-type': () => {
    const c = new Cluster();
    return c.service('ADDED', 'ext', { type: 'ExternalName', externalName: 'example.com', clusterIP: IP.web }, { uid: c.uid() });
  },
  'service/cluster-ip/headless-stays-headless': () => {
    const c = new Cluster(), uid = c.uid();
    return c.service('ADDED', 'web', { clusterIP: 'None', ports: [{ port: 80, targetPort: 80 }] }, { uid })
      .service('MODIFIED', 'web', { clusterIP: IP.web, ports: [{ port: 80, targetPort: 80 }] }, { uid, ms: 1000 });
  },
  'service/node-port/unique': () => {
    const c = new Cluster();
    return c.service('ADDED', 'web', { type: 'NodePort', clusterIP: IP.web, ports: [{ port: 80, targetPort: 80, nodePort: 30080 }] }, { uid: c.uid() })
      .service('ADDED', 'api', { type: 'NodePort', clusterIP: IP.api, ports: [{ port: 53, targetPort: 53, protocol: 'UDP', nodePort: 30080 }] }, { uid: c.uid(), ms: 1000 });
  },
  'service/node-port/only-for-external-types': () => {
    const c = new Cluster();
    return c.service('ADDED', 'web', { clusterIP: IP.web, ports: [{ port: 80, targetPort: 80, nodePort: 30080 }] }, { uid: c.uid() });
  },
  'service/node-port/allocated': () => {
    const c = new Cluster();
    return c.service('ADDED', 'web', { type: 'NodePort', clusterIP: IP.web, ports: [{ port: 80, targetPort: 80 }] }, { uid: c.uid() });
  },
  // kubernetes/kubernetes#103532: an update that did not ask for a new nodePort got one.
  'service/node-port/stable': () => {
    const c = new Cluster(), uid = c.uid();
    const applied = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ name: 'http', port: 80 }] } });
    const spec = (nodePort: number) => ({ type: 'NodePort', clusterIP: IP.web, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP', nodePort }] });
    const annotations = { 'kubectl.kubernetes.io/last-applied-configuration': applied };
    return c.service('ADDED', 'web', spec(30080), { uid, annotations })
      .service('MODIFIED', 'web', spec(31234), { uid, annotations, ms: 2000 })
      .service('MODIFIED', 'web', spec(32101), { uid, annotations, ms: 4000 });
  },
  'service/health-check-node-port/local-lb-only': () => {
    const c = new Cluster();
    return c.service('ADDED', 'web', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: IP.web, ports: [{ port: 80, targetPort: 80, nodePort: 30080 }] }, { uid: c.uid() });
  },
  // A LoadBalancer whose class changed while it stayed a LoadBalancer (validation forbids it).
  'service/load-balancer/class-immutable': () => {
    const c = new Cluster();
    const uid = c.uid();
    const spec = (loadBalancerClass: string) => ({ type: 'LoadBalancer', loadBalancerClass, clusterIP: IP.web, ports: [{ port: 80, targetPort: 80, nodePort: 30080 }] });
    return c.service('ADDED', 'web', spec('example.com/a'), { uid }).service('MODIFIED', 'web', spec('example.com/b'), { uid, ms: 1000 });
  },
  'edge/load-balancer-has-node-ports': () => {
    const c = new Cluster();
    return c.service('ADDED', 'web', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true, clusterIP: IP.web, ports: [{ port: 80, targetPort: 80 }] }, { uid: c.uid() });
  },
  'service/external-ips/not-special': () => {
    const c = new Cluster();
    return c.service('ADDED', 'web', { clusterIP: IP.web, externalIPs: ['127.0.0.1'], externalTrafficPolicy: 'Cluster', ports: [{ port: 80, targetPort: 80 }] }, { uid: c.uid() });
  },
  'endpoints/selected-pods-only': () => {
    const { c } = healthy();
    const { podUid } = { podUid: (c.events[1]!.object.metadata as { uid: string }).uid };
    return c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'other' }, ip: '10.244.1.10', ms: 1000 })
      .pod('ADDED', 'b', { uid: c.uid(), labels: { app: 'web' }, ip: '10.244.1.11', ms: 5000 });
  },
  'endpoints/ready-in-addresses': () => {
    const { c, podUid } = healthy();
    return c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', ready: false, ms: 1000 })
      .pod('ADDED', 'b', { uid: c.uid(), labels: { app: 'db' }, ip: '10.244.1.11', ms: 3000 });
  },
  'endpoints/complete': () => {
    const { c } = healthy();
    return c.pod('ADDED', 'b', { uid: c.uid(), labels: { app: 'web' }, ip: '10.244.1.11', ms: 1000 });
  },
  'endpoints/no-terminal-pods': () => {
    const { c, podUid } = healthy();
    return c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', ready: false, phase: 'Succeeded', ms: 1000 })
      .endpoints('MODIFIED', 'web', [{ notReadyAddresses: [addr('10.244.1.10', 'a')], ports: [port(8080)] }], { ms: 1000 });
  },
  'endpoints/terminating-pods-leave': () => {
    const { c, podUid } = healthy();
    return c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', terminating: true, ms: 1000 });
  },
  'endpoints/named-port-per-pod': () => {
    const c = new Cluster(), podUid = c.uid();
    return c.service('ADDED', 'web', { clusterIP: IP.web, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] }, { uid: c.uid() })
      .pod('ADDED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10' })
      .endpoints('ADDED', 'web', [{ addresses: [addr('10.244.1.10', 'a')], ports: [port(9090)] }]);
  },
  'endpoints/selectorless-left-alone': () => {
    const c = new Cluster(), uid = c.uid();
    return c.service('ADDED', 'db', { clusterIP: IP.web, ports: [{ port: 5432, targetPort: 5432 }] }, { uid })
      .endpoints('ADDED', 'db', [{ addresses: [addr('192.168.0.50')], ports: [port(5432)] }], { manager: 'kubectl-client-side-apply', ms: 1000 })
      .endpoints('MODIFIED', 'db', [], { ms: 2000 });
  },
  'pod/ready-means-containers-ready': () => {
    const c = new Cluster();
    c.pod('ADDED', 'a', { uid: c.uid(), ip: '10.244.1.10' });
    const p = c.events[0]!.object as { status: { containerStatuses: { ready: boolean }[] } };
    p.status.containerStatuses[0]!.ready = false;
    return c;
  },
};

describe('a crafted stream breaks each trace invariant', () => {
  it('has a stream for every invariant with a trace mode', () => {
    // A new trace invariant needs a stream here that breaks it.
    expect(traced.map((i) => i.id).filter((id) => !breaking[id])).toEqual([]);
  });
  for (const inv of traced) {
    it(`${inv.id} (${inv.trace})`, async () => {
      const make = breaking[inv.id];
      if (!make) return;
      const r = await checkText(make().text());
      expect(violated(r)).toContain(inv.id);
      const v = r.violations.find((x) => x.invariant === inv.id)!;
      expect(v.events.length).toBeGreaterThan(0);
      for (const e of v.events) expect(e.resourceVersion).toMatch(/^\d+$/);
    });
  }
  it('the healthy cluster the Endpoints streams start from is clean', async () => {
    expect(violated(await checkText(healthy().c.text()))).toEqual([]);
  });
});

describe('service/node-port/stable on a recording (kubernetes/kubernetes#103532)', () => {
  it('reports each reallocation, with the Service before and after and both events', async () => {
    const r = await checkText(breaking['service/node-port/stable']!().text());
    expect(outcome(r, 'service/node-port/stable').violations).toBe(2);
    const v = r.violations.find((x) => x.invariant === 'service/node-port/stable')!;
    expect(v.prev).toEqual([expect.objectContaining({ ports: [expect.objectContaining({ nodePort: 30080 })] })]);
    expect(v.objects[0]).toMatchObject({ ports: [{ nodePort: 31234 }] });
    expect(v.at).toMatchObject({ type: 'MODIFIED', kind: 'Service', name: 'web', time: at(2000) });
  });
  it('accepts a nodePort the last-applied-configuration asked for', async () => {
    const c = new Cluster(), uid = c.uid();
    const applied = (n: number) => ({ 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ kind: 'Service', spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: n }] } }) });
    const spec = (nodePort: number) => ({ type: 'NodePort', clusterIP: IP.web, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP', nodePort }] });
    c.service('ADDED', 'web', spec(30080), { uid, annotations: applied(30080) }).service('MODIFIED', 'web', spec(31234), { uid, annotations: applied(31234), ms: 1000 });
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
  it('accepts a nodePort a manager owns (it set it: server-side apply, kubectl edit, helm)', async () => {
    for (const operation of ['Apply', 'Update']) {
      const c = new Cluster(), uid = c.uid();
      const spec = (nodePort: number) => ({ type: 'NodePort', clusterIP: IP.web, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP', nodePort }] });
      const owned = [{ manager: 'helm', operation, apiVersion: 'v1', time: at(1000), fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:nodePort': {}, 'f:port': {} } } } } }];
      c.service('ADDED', 'web', spec(30080), { uid }).service('MODIFIED', 'web', spec(31234), { uid, managedFields: owned });
      expect(violated(await checkText(c.text())), operation).toEqual([]);
    }
  });
  it('reports a reallocation whose new nodePort no manager owns (the request left it out)', async () => {
    const c = new Cluster(), uid = c.uid();
    const spec = (nodePort: number) => ({ type: 'NodePort', clusterIP: IP.web, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP', nodePort }] });
    const unowned = [{ manager: 'my-operator', operation: 'Update', apiVersion: 'v1', time: at(1000), fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:targetPort': {} } }, 'f:type': {} } } }];
    c.service('ADDED', 'web', spec(30080), { uid }).service('MODIFIED', 'web', spec(31234), { uid, managedFields: unowned });
    expect(violated(await checkText(c.text()))).toEqual(['service/node-port/stable']);
  });
  it('compares by uid: a Service deleted and created again may get another nodePort', async () => {
    const c = new Cluster();
    const spec = (nodePort: number) => ({ type: 'NodePort', clusterIP: IP.web, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP', nodePort }] });
    const uid = c.uid();
    c.service('ADDED', 'web', spec(30080), { uid }).service('DELETED', 'web', spec(30080), { uid, ms: 1000 }).service('ADDED', 'web', spec(31234), { uid: c.uid(), ms: 2000 });
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
});

describe('window semantics (recorded time)', () => {
  /** Pod a turns unready at 1s; the Endpoints follow after `lag` ms. */
  function lagging(lag: number) {
    const { c, podUid } = healthy();
    c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', ready: false, ms: 1000 })
      .endpoints('MODIFIED', 'web', [{ notReadyAddresses: [addr('10.244.1.10', 'a')], ports: [port(8080)] }], { ms: 1000 + lag })
      .pod('ADDED', 'z', { uid: c.uid(), labels: { app: 'db' }, ip: '10.244.1.99', ms: 9000 });
    return c;
  }
  it('a failure healed within the window is not a violation, but is counted as healed', async () => {
    const r = await checkText(lagging(60).text());
    expect(violated(r)).toEqual([]);
    expect(outcome(r, 'endpoints/ready-in-addresses').healed).toBe(1);
  });
  it('a failure that lasts longer than the window is one violation, with how long it lasted', async () => {
    const r = await checkText(lagging(1500).text());
    expect(violated(r)).toEqual(['endpoints/ready-in-addresses']);
    const v = r.violations[0]!;
    expect(v.since).toMatchObject({ type: 'MODIFIED', kind: 'Pod', name: 'a', time: at(1000) });
    expect(v.at).toMatchObject({ kind: 'Endpoints', time: at(2500) });
    expect(v.lastedMs).toBe(1500);
  });
  it('--window widens what counts as healed', async () => {
    expect(violated(await checkText(lagging(1500).text(), { windowMs: 2000 }))).toEqual([]);
  });
  it('with second-resolution times, a change one second later is still within a 1 s window', async () => {
    const { c, podUid } = healthy();
    c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', ready: false, ms: 0 })
      .endpoints('MODIFIED', 'web', [{ notReadyAddresses: [addr('10.244.1.10', 'a')], ports: [port(8080)] }], { ms: 1000 });
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
  it('a failure still open when the recording ends is a violation', async () => {
    const { c, podUid } = healthy();
    c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', ready: false, ms: 1000 });
    const r = await checkText(c.text());
    expect(violated(r)).toEqual(['endpoints/ready-in-addresses']);
    expect(r.violations[0]!.at).toBeUndefined();
  });
  it('a deletionTimestamp is a deadline, not a clock reading', async () => {
    // DELETED pods without managedFields carry only deletionTimestamp (30 s ahead): the window must not jump.
    const { c, podUid } = healthy();
    c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', ready: false, ms: 1000 });
    c.add('DELETED', { kind: 'Pod', apiVersion: 'v1', metadata: { namespace: 'default', name: 'x', uid: c.uid(), resourceVersion: '9999', deletionTimestamp: at(60_000) }, spec: { containers: [] }, status: {} });
    c.endpoints('MODIFIED', 'web', [{ notReadyAddresses: [addr('10.244.1.10', 'a')], ports: [port(8080)] }], { ms: 1100 });
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
});

describe('settled semantics', () => {
  it('a quiet gap longer than the window is a settle point', async () => {
    const { c, podUid } = healthy();
    c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web', v: '2' }, ip: '10.244.1.10', ms: 500 }) // the initial listing is over
      .pod('ADDED', 'b', { uid: c.uid(), labels: { app: 'web' }, ip: '10.244.1.11', ms: 1000 })
      .endpoints('MODIFIED', 'web', [{ addresses: [addr('10.244.1.10', 'a'), addr('10.244.1.11', 'b')], ports: [port(8080)] }], { ms: 10_000 });
    const r = await checkText(c.text());
    expect(violated(r)).toEqual(['endpoints/complete']);
    expect(r.violations[0]!.at).toMatchObject({ kind: 'Endpoints', time: at(10_000) });
    expect(r.violations[0]!.events.map((e) => `${e.type} ${e.kind} ${e.name}`)).toContain('ADDED Pod b');
  });
  it('a change the controller follows quickly never reaches a settle point', async () => {
    const { c } = healthy();
    c.pod('ADDED', 'b', { uid: c.uid(), labels: { app: 'web' }, ip: '10.244.1.11', ms: 1000 })
      .endpoints('MODIFIED', 'web', [{ addresses: [addr('10.244.1.10', 'a'), addr('10.244.1.11', 'b')], ports: [port(8080)] }], { ms: 1011 });
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
});

describe('what a real cluster does that must check clean', () => {
  it('the initial listing may come in any kind order, with timestamps hours apart', async () => {
    const c = new Cluster(), podUid = c.uid();
    c.endpoints('ADDED', 'web', [{ addresses: [addr('10.244.1.10', 'a')], ports: [port(8080)] }], { ms: 7_200_000 })
      .service('ADDED', 'web', { clusterIP: IP.web, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }, { uid: c.uid(), ms: 0 })
      .pod('ADDED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', ms: 3_600_000 })
      .pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web', v: '2' }, ip: '10.244.1.10', ms: 7_300_000 });
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
  it('the legacy tolerate-unready-endpoints annotation publishes not-ready pods, as publishNotReadyAddresses does', async () => {
    for (const how of [{ annotations: { 'service.alpha.kubernetes.io/tolerate-unready-endpoints': 'true' } }, { spec: { publishNotReadyAddresses: true } }]) {
      const c = new Cluster(), podUid = c.uid();
      c.service('ADDED', 'web', { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...(how.spec ?? {}) }, { uid: c.uid(), annotations: how.annotations })
        .pod('ADDED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', ready: false })
        .endpoints('ADDED', 'web', [{ addresses: [addr('10.244.1.10', 'a')], ports: [port(8080)] }])
        .pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', ready: false, terminating: true, ms: 1000 })
        .pod('ADDED', 'z', { uid: c.uid(), labels: {}, ip: '10.244.1.99', ms: 5000 });
      expect(violated(await checkText(c.text()))).toEqual([]);
    }
  });
  it('a deletion in a quiet cluster carries a stale time: the Endpoints update minutes later (in recorded time) is not a lag', async () => {
    // The API server stamps no managedFields entry when it sets a deletionTimestamp, so the event
    // shows the pod's last status write; the controller's write after it shows the real time.
    const { c, podUid } = healthy();
    c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web', v: '2' }, ip: '10.244.1.10', ms: 1000 })
      .pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web', v: '2' }, ip: '10.244.1.10', terminating: true, ms: 1000 })
      .endpoints('MODIFIED', 'web', [], { ms: 301_000 })
      .pod('ADDED', 'z', { uid: c.uid(), labels: {}, ip: '10.244.1.99', ms: 310_000 });
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
  it('a failure caused by a stale event is still reported once the clock has moved on by the window', async () => {
    const { c, podUid } = healthy();
    c.pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web', v: '2' }, ip: '10.244.1.10', ms: 1000 })
      .pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web', v: '2' }, ip: '10.244.1.10', terminating: true, ms: 1000 })
      .pod('ADDED', 'y', { uid: c.uid(), labels: {}, ip: '10.244.1.98', ms: 301_000 })
      .pod('ADDED', 'z', { uid: c.uid(), labels: {}, ip: '10.244.1.99', ms: 303_000 });
    const r = await checkText(c.text());
    expect(violated(r)).toEqual(['endpoints/terminating-pods-leave']);
    expect(r.violations[0]!.at).toMatchObject({ name: 'z' });
    expect(r.violations[0]!.lastedMs).toBe(2000);
  });
  it('Endpoints writes by the API server (the kubernetes Service) are not the endpoints controller', async () => {
    const c = new Cluster(), uid = c.uid();
    c.service('ADDED', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443 }] }, { uid })
      .endpoints('ADDED', 'kubernetes', [{ addresses: [addr('192.168.0.10')], ports: [port(6443, 'https')] }], { manager: 'kube-apiserver' })
      .endpoints('MODIFIED', 'kubernetes', [{ addresses: [addr('192.168.0.11')], ports: [port(6443, 'https')] }], { manager: 'kube-apiserver', ms: 1000 });
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
  it('hostNetwork pods share their node IP (pod/ip-unique is not a trace invariant)', async () => {
    const c = new Cluster();
    c.pod('ADDED', 'kube-proxy-x', { uid: c.uid(), ns: 'kube-system', ip: '192.168.0.10' }).pod('ADDED', 'node-exporter-x', { uid: c.uid(), ns: 'kube-system', ip: '192.168.0.10' });
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
});

describe('EndpointSlices stand in for missing Endpoints', () => {
  const svc = (c: Cluster) => c.service('ADDED', 'web', { clusterIP: IP.web, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }, { uid: c.uid() });
  it('a terminating endpoint that is not ready is dropped, as the Endpoints controller drops it', async () => {
    const c = new Cluster(), podUid = c.uid();
    svc(c).pod('ADDED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10' })
      .slice('ADDED', 'web-abc', 'web', [{ addresses: ['10.244.1.10'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: 'a' } }], [port(8080)])
      .pod('MODIFIED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', terminating: true, ms: 1000 })
      .slice('MODIFIED', 'web-abc', 'web', [{ addresses: ['10.244.1.10'], conditions: { ready: false, serving: true, terminating: true }, targetRef: { kind: 'Pod', namespace: 'default', name: 'a' } }], [port(8080)], { ms: 1010 })
      .pod('ADDED', 'z', { uid: c.uid(), ip: '10.244.1.99', ms: 5000 });
    expect(violated(await checkText(c.text()))).toEqual([]);
  });
  it('a slice that keeps an unready pod ready is reported', async () => {
    const c = new Cluster(), podUid = c.uid();
    svc(c).pod('ADDED', 'a', { uid: podUid, labels: { app: 'web' }, ip: '10.244.1.10', ready: false })
      .slice('ADDED', 'web-abc', 'web', [{ addresses: ['10.244.1.10'], conditions: { ready: true }, targetRef: { kind: 'Pod', namespace: 'default', name: 'a' } }], [port(8080)]);
    expect(violated(await checkText(c.text()))).toEqual(['endpoints/ready-in-addresses']);
  });
});
