/** Faults of the edge: nodePorts seen from outside, and Ingress. */
import type { Operation, Result } from '../../../model/index.ts';
import { type Fault, type Obs, type Svc, hash, pickIndex, rewriteObservation, rewriteResult, stateful } from './wrap.ts';

/** The Service whose nodePort an external connect to a node targets. */
function nodePortService(obs: Obs, op: Operation): Svc | undefined {
  if (op.op !== 'connect' || !('node' in op.to) || !('external' in op.from)) return undefined;
  const port = op.to.port;
  return obs.services.find((s) => s.ports.some((p) => p.nodePort === port));
}

const DEFAULT_EXTERNAL_CLIENT = '198.51.100.1';

export const edgeFaults: Fault[] = [
  {
    invariant: 'edge/node-port-any-node',
    scope: 'medium',
    timing: 'sync',
    description: 'no forwarding between nodes (FORWARD chain policy DROP): a nodePort only answers with pods of the receiving node',
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        if (!result.ok || !result.pod || op.op !== 'connect' || !('node' in op.to) || !nodePortService(before, op)) return result;
        const pod = before.pods.find((p) => p.namespace === result.pod!.namespace && p.name === result.pod!.name);
        return pod && pod.node !== op.to.node ? { ok: false, error: 'timeout' } : result;
      }),
  },
  {
    invariant: 'edge/cluster-policy-hides-client',
    scope: 'medium',
    timing: 'sync',
    description: 'nodePort traffic with Cluster policy is not masqueraded: the backend sees the external client\'s address',
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        const s = nodePortService(before, op);
        if (!result.ok || !s || s.externalTrafficPolicy !== 'Cluster' || op.op !== 'connect') return result;
        return { ...result, sourceIP: (op.from as { ip?: string }).ip ?? DEFAULT_EXTERNAL_CLIENT };
      }),
  },
  {
    invariant: 'edge/local-policy-keeps-client',
    scope: 'medium',
    timing: 'sync',
    description: 'nodePort traffic with Local policy is still masqueraded to the node\'s address',
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        const s = nodePortService(before, op);
        if (!result.ok || !s || s.externalTrafficPolicy !== 'Local' || op.op !== 'connect' || !('node' in op.to)) return result;
        const node = op.to.node;
        return { ...result, sourceIP: before.nodes.find((n) => n.name === node)?.ip ?? result.sourceIP };
      }),
  },
  {
    invariant: 'edge/load-balancer-has-node-ports',
    scope: 'small',
    timing: 'sync',
    description: 'LoadBalancer Services get no nodePorts (allocation done only for type NodePort)',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) if (s.type === 'LoadBalancer') for (const p of s.ports) delete p.nodePort;
      }),
  },
  {
    invariant: 'ingress/address-needs-controller',
    scope: 'tiny',
    timing: 'sync',
    description: 'Ingress status gets a node address although no Ingress controller runs (written by the Service load-balancer controller)',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const i of obs.ingresses) i.address ??= obs.nodes[0].ip;
      }),
  },
  {
    invariant: 'ingress/no-address-no-traffic',
    scope: 'tiny',
    timing: 'sync',
    description: 'a catch-all default backend answers 404 for requests no addressed Ingress can take',
    wrap: (sys) => rewriteResult(sys, (result) => (!result.ok && result.error === 'no address' ? ({ ok: true, status: 404 } as Result) : result)),
  },
  {
    invariant: 'ingress/routes-to-service-endpoints',
    scope: 'medium',
    timing: 'sync',
    description: 'the Ingress controller builds upstreams from every address the Endpoints ever listed, not-ready ones included, and never prunes them',
    wrap: (sys) =>
      stateful<Readonly<Record<string, readonly { namespace: string; name: string }[]>>>(sys, {
        init: {},
        step: (inner, s, op, chooser, upstreams, before) => {
          const out = inner.step(s, op, chooser);
          const r = out.result as Result & { service?: { namespace: string; name: string }; pod?: { namespace: string; name: string } };
          if (op.op !== 'http' || !r.ok || !r.pod || !r.service) return out;
          const svc = before.services.find((x) => x.namespace === r.service!.namespace && x.name === r.service!.name);
          const others = (svc ? upstreams[svc.uid] ?? [] : []).filter((p) => p.name !== r.pod!.name || p.namespace !== r.pod!.namespace);
          if (others.length === 0) return out;
          const all = [r.pod, ...others];
          const i = pickIndex(chooser, all.map((p) => `${p.namespace}/${p.name}`), hash(`${before.time}|${JSON.stringify(op)}`));
          return { state: out.state, result: { ...r, pod: { ...all[i] } } as Result };
        },
        remember: (upstreams, _op, _result, _before, after) => {
          let next = upstreams;
          for (const e of after.endpoints) {
            const svc = after.services.find((x) => x.namespace === e.namespace && x.name === e.name);
            if (!svc) continue;
            const known = next[svc.uid] ?? [];
            const listed = e.subsets.flatMap((ss) => [...ss.addresses, ...ss.notReadyAddresses]);
            const add = listed.filter((a) => a.pod && !known.some((p) => p.name === a.pod!.name && p.namespace === a.pod!.namespace)).map((a) => ({ ...a.pod! }));
            if (add.length) next = { ...next, [svc.uid]: [...known, ...add] };
          }
          return next;
        },
      }),
  },
];
