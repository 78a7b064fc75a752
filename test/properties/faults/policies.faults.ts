/** Faults of the traffic policies: internal and external traffic policy, health checks, externalIPs, source ranges. */
import type { Chooser, Operation, Result } from '../../../model/index.ts';
import type { System } from '../../../properties/engine/system.ts';
import { type Fault, type Obs, type Pod, type Svc, clientPod, hash, pickIndex, rewriteResult, stateful, targetService, rewriteStep } from './wrap.ts';

type Backend = { readonly ip: string; readonly port: number };
type To = { ip?: string; node?: string; port: number; protocol?: string };

const target = (op: Operation): To | undefined => (op.op === 'connect' ? (op.to as To) : undefined);
const isLocal = (policy: string | undefined) => policy === 'Local';

/** The Service whose nodePort a connect to a node targets. */
function nodePortService(obs: Obs, op: Operation): Svc | undefined {
  const to = target(op);
  if (!to?.node) return undefined;
  return obs.services.find((s) => s.ports.some((p) => p.nodePort === to.port));
}

/** The Service whose load-balancer address a connect targets. */
function loadBalancerService(obs: Obs, op: Operation): Svc | undefined {
  const to = target(op);
  if (!to?.ip) return undefined;
  return obs.services.find((s) => s.loadBalancerIngress.some((i) => i.ip === to.ip));
}

/** What `node`'s proxy has programmed for a Service port. */
function programmedOn(obs: Obs, node: string, svc: Svc, port: number): Backend[] {
  const ps = obs.proxies.find((x) => x.node === node)?.services.find((p) => p.namespace === svc.namespace && p.name === svc.name && p.port === port);
  return ps ? ps.endpoints.map((e) => ({ ip: e.ip, port: e.port })) : [];
}

/** The faulty proxy DNATs straight to one of `backends` (the inner system connects to it directly). */
function forwardTo(sys: System, s: unknown, op: Operation, chooser: Chooser | undefined, backends: Backend[], before: Obs): { state: unknown; result: Result } {
  const i = pickIndex(chooser, backends.map((b) => `${b.ip}:${b.port}`), hash(`${before.time}|${JSON.stringify(op)}|${before.pods.length}`));
  const b = backends[i];
  return sys.step(s, { op: 'connect', from: (op as unknown as { from: unknown }).from, to: { ip: b.ip, port: b.port } } as Operation, chooser);
}

/** A fault that reroutes some connections itself and leaves the others to the inner system. */
function rerouting(sys: System, reroute: (op: Operation, before: Obs, inner: Result) => Backend[] | undefined): System {
  return rewriteStep(sys, (inner, s, op, chooser, before) => {
    const out = inner.step(s, op, chooser);
    const backends = reroute(op, before, out.result);
    return backends && backends.length > 0 ? forwardTo(inner, s, op, chooser, backends, before) : out;
  });
}

const dropped = (r: Result) => !r.ok && r.error === 'timeout';

/** The Service port of an internal-Local Service a pod's ClusterIP connect targets, with its client. */
function internalLocal(before: Obs, op: Operation): { client: Pod; svc: Svc } | undefined {
  const client = clientPod(before, op);
  const svc = targetService(before, op);
  if (!client || !svc || !target(op)?.ip || !isLocal(svc.internalTrafficPolicy)) return undefined;
  return { client, svc };
}

type Spec = Record<string, unknown> & { externalIPs?: string[]; loadBalancerSourceRanges?: string[] };
type Kept = Readonly<Record<string, { externalIPs?: string[]; loadBalancerSourceRanges?: string[] }>>;

export const policiesFaults: Fault[] = [
  {
    invariant: 'service/external-ips/not-special',
    scope: 'small',
    timing: 'sync',
    description: 'externalIPs and loadBalancerSourceRanges stored unvalidated (the proxy only parses them later)',
    wrap: (sys) =>
      stateful<Kept>(sys, {
        init: {},
        step: (inner, s, op, chooser) => {
          const o = op.op === 'apply' ? (op.object as { kind?: string; spec?: Spec }) : undefined;
          if (o?.kind !== 'Service' || !o.spec || (!o.spec.externalIPs && !o.spec.loadBalancerSourceRanges)) return inner.step(s, op, chooser);
          const { externalIPs: _e, loadBalancerSourceRanges: _r, ...rest } = o.spec;
          return inner.step(s, { ...op, object: { ...o, spec: rest } } as unknown as Operation, chooser);
        },
        remember: (kept, op, result, _before, after) => {
          const o = op.op === 'apply' ? (op.object as { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: Spec }) : undefined;
          let next: Record<string, { externalIPs?: string[]; loadBalancerSourceRanges?: string[] }> = Object.fromEntries(
            Object.entries(kept).filter(([k]) => after.services.some((x) => `${x.namespace}/${x.name}` === k)));
          if (o?.kind === 'Service' && result.ok) {
            const k = `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`;
            const { externalIPs, loadBalancerSourceRanges } = o.spec ?? {};
            const { [k]: _old, ...others } = next;
            next = externalIPs?.length || loadBalancerSourceRanges?.length
              ? { ...others, [k]: { ...(externalIPs?.length ? { externalIPs } : {}), ...(loadBalancerSourceRanges?.length ? { loadBalancerSourceRanges } : {}) } }
              : others;
          }
          return next;
        },
        observe: (obs, kept) => {
          for (const x of obs.services) Object.assign(x, kept[`${x.namespace}/${x.name}`] ?? {});
        },
      }),
  },
  {
    invariant: 'traffic/internal-local-only',
    scope: 'medium',
    timing: 'sync',
    description: 'internalTrafficPolicy Local ignored when the node has no local endpoint: ClusterIP traffic falls back to endpoints of other nodes',
    wrap: (sys) =>
      rerouting(sys, (op, before, inner) => {
        const hit = internalLocal(before, op);
        return hit && dropped(inner) ? programmedOn(before, hit.client.node, hit.svc, target(op)!.port) : undefined;
      }),
  },
  {
    invariant: 'traffic/internal-local-drops-without-local-endpoint',
    scope: 'medium',
    timing: 'sync',
    description: 'ClusterIP traffic of an internalTrafficPolicy Local Service is rejected, not dropped, on a node without local endpoints',
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => (internalLocal(before, op) && dropped(result) ? { ok: false, error: 'refused' } : result)),
  },
  {
    invariant: 'edge/node-port-any-node',
    scope: 'medium',
    timing: 'sync',
    description: "a pod's connection to a nodePort is taken for internal traffic: internalTrafficPolicy Local drops it when the pod's node has no endpoint",
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        const client = clientPod(before, op);
        const svc = nodePortService(before, op);
        if (!result.ok || !client || !svc || !isLocal(svc.internalTrafficPolicy) || !result.pod) return result;
        const backend = before.pods.find((p) => p.namespace === result.pod!.namespace && p.name === result.pod!.name);
        return backend && backend.node !== client.node ? { ok: false, error: 'timeout' } : result;
      }),
  },
  {
    invariant: 'edge/cluster-policy-hides-client',
    scope: 'medium',
    timing: 'sync',
    description: "a pod's connection to a nodePort or load-balancer address is taken for internal traffic: not masqueraded, the backend sees the pod's address",
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        const client = clientPod(before, op);
        const svc = nodePortService(before, op) ?? loadBalancerService(before, op);
        if (!result.ok || !client || !client.ip || !svc || svc.externalTrafficPolicy !== 'Cluster') return result;
        return { ...result, sourceIP: client.ip };
      }),
  },
  {
    invariant: 'edge/local-policy-drops-without-local-endpoint',
    scope: 'medium',
    timing: 'sync',
    description: 'externalTrafficPolicy Local falls back to endpoints of other nodes when the receiving node has none',
    wrap: (sys) =>
      rerouting(sys, (op, before, inner) => {
        const svc = nodePortService(before, op);
        const sp = svc?.ports.find((p) => p.nodePort === target(op)!.port);
        return svc && sp && isLocal(svc.externalTrafficPolicy) && dropped(inner) ? programmedOn(before, target(op)!.node!, svc, sp.port) : undefined;
      }),
  },
  {
    invariant: 'edge/health-check-node-port',
    scope: 'medium',
    timing: 'sync',
    description: "the health check counts the Service's endpoints on every node, not only the node's own",
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        const to = target(op);
        const svc = to?.node ? before.services.find((s) => s.healthCheckNodePort === to.port) : undefined;
        if (!result.ok || !svc || (result as { localEndpoints?: number }).localEndpoints === undefined) return result;
        const ips = new Set(svc.ports.flatMap((p) => programmedOn(before, to!.node!, svc, p.port)).map((b) => b.ip));
        return { ...result, status: ips.size > 0 ? 200 : 503, localEndpoints: ips.size } as Result;
      }),
  },
  {
    invariant: 'edge/external-ip-is-a-service-address',
    scope: 'medium',
    timing: 'sync',
    description: 'externalIPs are stored but never programmed: connections to them go nowhere',
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        const ip = target(op)?.ip;
        return ip && before.services.some((s) => s.externalIPs?.includes(ip)) ? { ok: false, error: 'unreachable' } : result;
      }),
  },
  {
    invariant: 'edge/load-balancer-source-ranges',
    scope: 'medium',
    timing: 'sync',
    description: 'loadBalancerSourceRanges ignored: every client reaches the load-balancer address',
    wrap: (sys) =>
      rerouting(sys, (op, before, inner) => {
        const svc = loadBalancerService(before, op);
        if (!svc?.loadBalancerSourceRanges || !dropped(inner)) return undefined;
        return before.proxies.flatMap((x) => programmedOn(before, x.node, svc, target(op)!.port));
      }),
  },
];
