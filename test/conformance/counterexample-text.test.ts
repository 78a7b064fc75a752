/**
 * A counterexample a person reads once: the operations show the fields that matter (an RC's
 * selector and template, an Ingress's rules, a pod's restartPolicy), and a rule that reads the
 * answer shows the implementation's answer as sent beside the model's, with their differences.
 */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../model/index.ts';
import { LoopbackAdapter } from '../../conformance/loopback-adapter.ts';
import { type ConformOptions, runConform } from '../../conformance/runner.ts';
import type { Wrapper } from '../../conformance/serve-loop.ts';
import { counterexampleText } from '../../cli/report/conform-report.ts';
import { describeOp } from '../../properties/engine/describe.ts';
import { loadSpec } from '../../properties/spec/load.ts';

const apply = (object: unknown) => ({ op: 'apply', object }) as unknown as Operation;

describe('operations as script lines', () => {
  it("show an RC's selector and template, an Ingress's rules, a pod's restartPolicy, an Endpoints' addresses", () => {
    const rc = apply({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { replicas: 2, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] } } } });
    expect(describeOp(rc)).toBe('apply ReplicationController rc replicas=2 selector=app=web template {app=web,tier=front} restartPolicy=Never ports=http:8080');
    const ing = apply({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing', namespace: 'other' }, spec: { ingressClassName: 'nginx', defaultBackend: { service: { name: 'web', port: { number: 80 } } }, rules: [{ host: 'a.com', http: { paths: [{ path: '/api', pathType: 'Exact', backend: { service: { name: 'api', port: { name: 'http' } } } }, { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } });
    expect(describeOp(ing)).toBe('apply Ingress other/ing class=nginx rules=a.com/api(Exact)→api:http,a.com/→web:80 default=web:80');
    const pod = apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { app: 'web' } }, spec: { nodeName: 'node-2', restartPolicy: 'OnFailure', terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'x', readinessProbe: { httpGet: { port: 8080 } } }] } });
    expect(describeOp(pod)).toBe('apply Pod a {app=web} node=node-2 restartPolicy=OnFailure grace=0s +readiness(httpGet)');
    const ep = apply({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext' }, subsets: [{ addresses: [{ ip: '1.2.3.4' }], notReadyAddresses: [{ ip: '1.2.3.5' }], ports: [{ name: 'http', port: 80 }] }] });
    expect(describeOp(ep)).toBe('apply Endpoints ext 1.2.3.4,1.2.3.5(not ready) ports=http:80');
  });
});

describe('a rule that reads the answer', () => {
  it("prints the answer as sent beside the model's, and their differences", async () => {
    const spec = loadSpec();
    // A DNS server that answers a Service's name with the address after its ClusterIP.
    const offByOne: Wrapper = {
      step(state, op, next) {
        const out = next(state, op);
        const r = out.result as any;
        if (op.op !== 'resolve' || !r.ok || !r.answers?.length) return out;
        const answers = r.answers.map((a: any) => (a.type === 'A' ? { ...a, data: a.data.replace(/\d+$/, (n: string) => String(Number(n) + 1)) } : a));
        return { state: out.state, result: { ...r, answers } };
      },
    };
    const o: ConformOptions = { scope: spec.scopes.find((s) => s.name === 'small')!, timing: 'sync', runs: 200, maxSteps: 30, seed: 0, settle: 'end', only: ['dns/cluster-ip-record'], adapter: { command: 'off-by-one-dns', shell: false, timeoutMs: 1000 } };
    const r = await runConform(spec, o, new LoopbackAdapter({ wrapper: offByOne }));
    expect(r.counterexample?.failure.kind).toBe('invariant');
    const text = counterexampleText(r);
    expect(text).toContain("holds gave false on the implementation's answer and observation");
    expect(text).toMatch(/the implementation answered: \{"ok":true,"rcode":"NOERROR","answers":\[/);
    expect(text).toMatch(/the model answers: +\{"ok":true,"rcode":"NOERROR"/);
    expect(text).toMatch(/result\.answers\[\*\]\.data: model "10\.\d+\.\d+\.\d+", implementation "10\.\d+\.\d+\.\d+"/);
  }, 300_000);
});
