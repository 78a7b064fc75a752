/** Faults of the data plane: where a connection to a Service goes, and what it looks like there. */
import type { Chooser, Operation, Result } from '../../../model/index.ts';
import type { System } from '../../../properties/engine/system.ts';
import { type Fault, type Obs, type Pod, type Svc, clientPod, endpointsOf, hash, pickIndex, rewriteObservation, rewriteResult, selects, stateful, targetService, withChooser, rewriteStep } from './wrap.ts';

interface Backend {
  readonly ip: string;
  readonly port: number;
}

const same = (a: Backend, b: Backend) => a.ip === b.ip && a.port === b.port;
const servicePort = (s: Svc, op: Operation) => (op.op === 'connect' ? s.ports.find((p) => p.port === op.to.port && p.protocol === ((op.to as { protocol?: string }).protocol ?? 'TCP')) : undefined);

/** What the proxy of the client's node has programmed for the Service port the connect targets. */
function programmed(obs: Obs, op: Operation): { client: Pod; svc: Svc; endpoints: Backend[] } | undefined {
  const client = clientPod(obs, op);
  const svc = targetService(obs, op);
  if (!client || !svc || op.op !== 'connect' || !servicePort(svc, op)) return undefined;
  const ps = obs.proxies.find((x) => x.node === client.node)?.services.find((p) => p.namespace === svc.namespace && p.name === svc.name && p.port === op.to.port);
  return ps ? { client, svc, endpoints: ps.endpoints.map((e) => ({ ip: e.ip, port: e.port })) } : undefined;
}

/** The faulty proxy's choice among `backends`, DNATed straight to the backend by the inner system. */
function forwardTo(sys: System, s: unknown, op: Operation, chooser: Chooser | undefined, backends: Backend[], before: Obs): { state: unknown; result: Result } {
  const i = pickIndex(chooser, backends.map((b) => `${b.ip}:${b.port}`), hash(`${before.time}|${JSON.stringify(op)}|${before.pods.length}`));
  const b = backends[i];
  return sys.step(s, { op: 'connect', from: (op as unknown as { from: unknown }).from, to: { ip: b.ip, port: b.port } } as Operation, chooser);
}

/** Pod of an Endpoints address list, with the port its subset gives the Service port. */
function endpointBackends(obs: Obs, svc: Svc, portName: string | undefined, lists: ('addresses' | 'notReadyAddresses')[]): Backend[] {
  const out: Backend[] = [];
  for (const ss of endpointsOf(obs, svc)?.subsets ?? []) {
    const ep = ss.ports.find((p) => (p.name ?? '') === (portName ?? ''));
    if (!ep) continue;
    for (const list of lists) for (const a of ss[list]) out.push({ ip: a.ip, port: ep.port });
  }
  return out;
}

/** Every connection to a ClientIP Service balanced afresh, as if no client were remembered. */
function ignoresAffinity(sys: System): System {
  return rewriteStep(sys, (inner, s, op, chooser, before) => {
    const prog = programmed(before, op);
    if (!prog || prog.svc.sessionAffinity !== 'ClientIP' || prog.endpoints.length === 0) return inner.step(s, op, chooser);
    return forwardTo(inner, s, op, chooser, prog.endpoints, before);
  });
}

export const trafficFaults: Fault[] = [
  {
    invariant: 'traffic/spreads-load',
    scope: 'small',
    timing: 'sync',
    description: 'the proxy always forwards to the first endpoint of its sorted list: no random choice, all load on one pod',
    wrap: (sys) => withChooser(sys, (base) => ({ ...base, pick: (kind, keys, ctx) => (kind === 'endpoint' ? 0 : base.pick(kind, keys, ctx)) })),
  },
  {
    invariant: 'traffic/selected-pods-only',
    scope: 'small',
    timing: 'sync',
    description: "the proxy balances over every running pod of the Service's namespace, ignoring the selector",
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        if (!result.ok || !result.pod || op.op !== 'connect') return result;
        const svc = targetService(before, op);
        if (!svc?.selector) return result;
        const stray = before.pods.filter((p) => p.namespace === svc.namespace && p.phase === 'Running' && p.ip !== '' && !selects(svc.selector, p.labels));
        if (stray.length === 0) return result;
        const p = stray[hash(`${result.pod.name}|${before.time}`) % stray.length];
        return { ...result, pod: { namespace: p.namespace, name: p.name }, ip: p.ip };
      }),
  },
  {
    invariant: 'traffic/selected-pods-only',
    scope: 'tiny',
    timing: 'sync',
    description: 'the proxy never deletes the rules of removed endpoints: a pod relabeled away, or dropped by a new selector, still gets traffic',
    wrap: (sys) =>
      stateful<Record<string, readonly Backend[]>>(sys, {
        init: {},
        step: (inner, s, op, chooser, stale, before) => {
          const prog = programmed(before, op);
          if (!prog) return inner.step(s, op, chooser);
          const old = (stale[`${prog.svc.uid}|${op.op === 'connect' ? op.to.port : 0}`] ?? []).filter((b) => !prog.endpoints.some((e) => same(e, b)));
          return old.length ? forwardTo(inner, s, op, chooser, [...prog.endpoints, ...old], before) : inner.step(s, op, chooser);
        },
        remember: (stale, _op, _result, _before, after) => {
          let next = stale;
          for (const x of after.proxies) {
            for (const ps of x.services) {
              const svc = after.services.find((s) => s.namespace === ps.namespace && s.name === ps.name);
              if (!svc) continue;
              const k = `${svc.uid}|${ps.port}`;
              const add = ps.endpoints.filter((e) => !(next[k] ?? []).some((b) => same(b, e)));
              if (add.length) next = { ...next, [k]: [...(next[k] ?? []), ...add.map((e) => ({ ip: e.ip, port: e.port }))] };
            }
          }
          return next;
        },
      }),
  },
  {
    invariant: 'traffic/ready-pods-only',
    scope: 'tiny',
    timing: 'sync',
    description: 'the proxy ignores readiness: it balances over notReadyAddresses too',
    wrap: (sys) =>
      rewriteStep(sys, (inner, s, op, chooser, before) => {
        const prog = programmed(before, op);
        const sp = prog && servicePort(prog.svc, op);
        if (!prog || !sp) return inner.step(s, op, chooser);
        const unready = endpointBackends(before, prog.svc, sp.name, ['notReadyAddresses']);
        return unready.length ? forwardTo(inner, s, op, chooser, [...endpointBackends(before, prog.svc, sp.name, ['addresses']), ...unready], before) : inner.step(s, op, chooser);
      }),
  },
  {
    invariant: 'traffic/programmed-endpoints-only',
    scope: 'tiny',
    timing: 'sync',
    description: 'when a Service port has no ready endpoint, the proxy falls back to its not-ready addresses instead of rejecting',
    wrap: (sys) =>
      rewriteStep(sys, (inner, s, op, chooser, before) => {
        const prog = op.op === 'connect' && 'ip' in op.to ? programmed(before, op) : undefined;
        const sp = prog && servicePort(prog.svc, op);
        if (!prog || !sp || prog.endpoints.length > 0) return inner.step(s, op, chooser);
        const unready = endpointBackends(before, prog.svc, sp.name, ['notReadyAddresses']);
        return unready.length ? forwardTo(inner, s, op, chooser, unready, before) : inner.step(s, op, chooser);
      }),
  },
  {
    invariant: 'traffic/target-port',
    scope: 'tiny',
    timing: 'sync',
    description: 'the proxy DNATs to the backend\'s IP but keeps the Service port (targetPort ignored)',
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => (result.ok && result.pod && op.op === 'connect' && targetService(before, op) ? { ...result, port: op.to.port as number } : result)),
  },
  {
    invariant: 'traffic/refused-without-endpoints',
    scope: 'tiny',
    timing: 'sync',
    description: 'a Service port without endpoints drops packets (timeout) instead of rejecting them',
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => (!result.ok && result.error === 'refused' && targetService(before, op) ? { ok: false, error: 'timeout' } : result)),
  },
  {
    invariant: 'traffic/every-endpoint-reachable',
    scope: 'small',
    timing: 'sync',
    description: 'the proxy always picks the first endpoint',
    wrap: (sys) =>
      withChooser(sys, (base) => ({
        ...base,
        pick: (kind, keys, ctx) => (kind === 'endpoint' ? 0 : base.pick(kind, keys, ctx)),
      })),
  },
  {
    invariant: 'traffic/cluster-ip-never-pings',
    scope: 'tiny',
    timing: 'sync',
    description: 'ClusterIPs answer ping (bound to a dummy interface on every node, as IPVS mode does)',
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => (result.ok && op.op === 'ping' && before.services.some((s) => s.clusterIP === op.ip) ? { ...result, reply: true } : result)),
  },
  {
    invariant: 'traffic/source-is-client-pod',
    scope: 'tiny',
    timing: 'sync',
    description: 'all pod-to-ClusterIP traffic is masqueraded (masqueradeAll), not only hairpin: the backend sees the client node\'s IP',
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        const client = clientPod(before, op);
        if (!result.ok || !client || op.op !== 'connect' || !('ip' in op.to) || !targetService(before, op)) return result;
        return { ...result, sourceIP: before.nodes.find((n) => n.name === client.node)?.ip ?? result.sourceIP };
      }),
  },
  {
    invariant: 'traffic/source-is-client-pod',
    scope: 'tiny',
    timing: 'sync',
    description: 'hairpin traffic is not masqueraded: a pod that reaches itself through its Service sees its own IP as the source',
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        const client = clientPod(before, op);
        if (!result.ok || !client || client.ip === '' || result.ip !== client.ip || !targetService(before, op)) return result;
        return { ...result, sourceIP: client.ip };
      }),
  },
  {
    invariant: 'traffic/target-port',
    scope: 'small',
    timing: 'sync',
    description: "the proxy DNATs to the Service's numeric targetPort instead of the port the Endpoints give (wrong for a selectorless Service's own Endpoints)",
    wrap: (sys) =>
      rewriteResult(sys, (result, op, before) => {
        if (!result.ok || op.op !== 'connect' || result.ip === undefined) return result;
        const svc = targetService(before, op);
        const sp = svc && servicePort(svc, op);
        return sp && typeof sp.targetPort === 'number' ? { ...result, port: sp.targetPort } : result;
      }),
  },
  {
    invariant: 'traffic/client-ip-affinity',
    scope: 'small',
    timing: 'sync',
    description: 'the proxy ignores ClientIP session affinity: every connection is balanced afresh and no client is remembered',
    wrap: ignoresAffinity,
  },
  {
    invariant: 'traffic/affinity-sticks',
    scope: 'small',
    timing: 'sync',
    description: 'the proxy ignores ClientIP session affinity and shows no affinity table: only the run of answers gives it away',
    wrap: (sys) =>
      rewriteObservation(ignoresAffinity(sys), (obs) => {
        for (const x of obs.proxies) for (const ps of x.services) delete (ps as { affinity?: unknown }).affinity;
      }),
  },
  {
    invariant: 'traffic/client-ip-affinity',
    scope: 'small',
    timing: 'sync',
    description: "the affinity timer counts from a client's first connection (its recent entry is never renewed)",
    wrap: (sys) =>
      stateful<Readonly<Record<string, number>>>(sys, {
        init: {},
        remember: (first, _op, _result, _before, after) => {
          let next = first;
          for (const x of after.proxies) for (const ps of x.services) for (const a of ps.affinity?.clients ?? []) {
            const k = `${x.node}|${ps.namespace}/${ps.name}:${ps.port}|${a.client}|${a.ip}:${a.port}`;
            if (next[k] === undefined) next = { ...next, [k]: a.lastSeen };
          }
          return next;
        },
        observe: (obs, first) => {
          for (const x of obs.proxies) for (const ps of x.services) for (const a of ps.affinity?.clients ?? []) {
            a.lastSeen = first[`${x.node}|${ps.namespace}/${ps.name}:${ps.port}|${a.client}|${a.ip}:${a.port}`] ?? a.lastSeen;
          }
        },
      }),
  },
  {
    invariant: 'traffic/reaches-running-pods',
    scope: 'small',
    timing: 'sync',
    description: 'the last node stops renewing its lease: its pods are marked phase Unknown but stay Ready and in the Endpoints, so traffic still reaches them',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        const lost = obs.nodes[obs.nodes.length - 1]?.name;
        for (const p of obs.pods) if (p.node === lost && p.phase === 'Running') p.phase = 'Unknown';
      }),
  },
];
