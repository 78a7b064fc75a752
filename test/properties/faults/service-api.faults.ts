/**
 * Faults of the API server's Service handling that upstream review found the model itself got
 * wrong or no rule stated: nodePorts moved within a Service, allocateLoadBalancerNodePorts,
 * loadBalancerClass, the healthCheckNodePort's share of the nodePort range, and the kubernetes
 * Service the API server recreates.
 */
import type { Operation } from '../../../model/index.ts';
import { type Fault, type Obs, type Svc, hash, rewriteObservation, stateful, rewriteStep } from './wrap.ts';

type Manifest = { kind?: string; metadata?: { namespace?: string; name?: string }; spec?: { type?: string; loadBalancerClass?: string; ports?: { name?: string; nodePort?: number }[] } };

/** The stored Service an apply of a Service manifest updates, if any. */
function updatedBy(op: Operation, before: Obs): { manifest: Manifest; old: Svc } | undefined {
  if (op.op !== 'apply') return undefined;
  const manifest = op.object as Manifest;
  if (manifest.kind !== 'Service') return undefined;
  const old = before.services.find((s) => s.namespace === (manifest.metadata?.namespace ?? 'default') && s.name === manifest.metadata?.name);
  return old ? { manifest, old } : undefined;
}

const isKubernetes = (s: Svc) => s.namespace === 'default' && s.name === 'kubernetes';

export const serviceApiFaults: Fault[] = [
  {
    invariant: 'service/kubernetes/present',
    scope: 'small',
    timing: 'sync',
    description: 'the API server recreates a deleted kubernetes Service on a dynamically allocated ClusterIP instead of the first address of the range',
    wrap: (sys) =>
      stateful<{ first?: string }>(sys, {
        init: {},
        remember: (m, _op, _result, before) => (m.first ? m : { first: before.services.find(isKubernetes)?.uid }),
        observe: (obs, m) => {
          for (const s of obs.services) if (isKubernetes(s) && m.first && s.uid !== m.first) s.clusterIP = `10.96.${(hash(s.uid) % 200) + 20}.7`;
        },
      }),
  },
  {
    invariant: 'service/node-port/reassignable-within-service',
    scope: 'small',
    timing: 'sync',
    description: 'the update path refills every omitted nodePort by port name, even one another port of the update asks for: moving a nodePort within a Service is refused as a duplicate',
    wrap: (sys) =>
      rewriteStep(sys, (inner, s, op, chooser, before) => {
        const u = updatedBy(op, before);
        if (!u || !u.manifest.spec?.ports || !['NodePort', 'LoadBalancer'].includes(u.old.type)) return inner.step(s, op, chooser);
        const ports = u.manifest.spec.ports.map((p) => (p.nodePort ? p : { ...p, nodePort: u.old.ports.find((q) => (q.name ?? '') === (p.name ?? ''))?.nodePort }));
        return inner.step(s, { ...op, object: { ...u.manifest, spec: { ...u.manifest.spec, ports } } } as unknown as Operation, chooser);
      }),
  },
  {
    invariant: 'service/node-port/not-allocated-when-disabled',
    scope: 'small',
    timing: 'sync',
    description: 'allocateLoadBalancerNodePorts is ignored: every port of a LoadBalancer gets a nodePort',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) {
          if (s.type !== 'LoadBalancer' || s.allocateLoadBalancerNodePorts !== false) continue;
          s.ports.forEach((p, i) => (p.nodePort ??= 30500 + ((hash(s.uid) + i) % 200)));
        }
      }),
  },
  {
    invariant: 'service/load-balancer/class-immutable',
    scope: 'medium',
    timing: 'sync',
    description: 'update validation lets a LoadBalancer change its loadBalancerClass',
    wrap: (sys) =>
      stateful<Readonly<Record<string, string>>>(sys, {
        init: {},
        step: (inner, s, op, chooser, _m, before) => {
          const u = updatedBy(op, before);
          if (!u || u.old.type !== 'LoadBalancer' || u.manifest.spec?.type !== 'LoadBalancer') return inner.step(s, op, chooser);
          const { loadBalancerClass: _c, ...spec } = u.manifest.spec;
          const kept = u.old.loadBalancerClass ? { ...spec, loadBalancerClass: u.old.loadBalancerClass } : spec;
          return inner.step(s, { ...op, object: { ...u.manifest, spec: kept } } as unknown as Operation, chooser);
        },
        remember: (classes, op, result, before) => {
          const u = updatedBy(op, before);
          if (!u || !result.ok || u.old.type !== 'LoadBalancer' || u.manifest.spec?.type !== 'LoadBalancer') return classes;
          return { ...classes, [u.old.uid]: u.manifest.spec.loadBalancerClass ?? '' };
        },
        observe: (obs, classes) => {
          for (const s of obs.services) {
            const c = classes[s.uid];
            if (c === undefined || s.type !== 'LoadBalancer') continue;
            if (c) s.loadBalancerClass = c;
            else delete s.loadBalancerClass;
          }
        },
      }),
  },
  {
    invariant: 'service/load-balancer/address-needs-cloud',
    scope: 'medium',
    timing: 'sync',
    description: "the cloud provider's service controller provisions every LoadBalancer, whatever its loadBalancerClass",
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) if (s.type === 'LoadBalancer' && s.loadBalancerClass && s.loadBalancerIngress.length === 0) s.loadBalancerIngress = [{ ip: `203.0.113.${(hash(s.uid) % 50) + 200}` }];
      }),
  },
  {
    invariant: 'service/node-port/unique',
    scope: 'small',
    timing: 'sync',
    description: 'healthCheckNodePorts come from a bitmap of their own: one repeats a nodePort another Service holds',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) {
          if (s.healthCheckNodePort === undefined) continue;
          const taken = obs.services.find((t) => t.uid !== s.uid && t.ports.some((p) => p.nodePort))?.ports.find((p) => p.nodePort)?.nodePort;
          if (taken) s.healthCheckNodePort = taken;
        }
      }),
  },
  {
    invariant: 'service/node-port/in-range',
    scope: 'small',
    timing: 'sync',
    description: 'healthCheckNodePorts are drawn from the range shifted by its size (an off-by-range base): past its end',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) if (s.healthCheckNodePort !== undefined) s.healthCheckNodePort += 2768;
      }),
  },
];
