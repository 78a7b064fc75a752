/** Faults of the node proxies: what each node programs for a Service port. */
import type { System } from '../../../properties/engine/system.ts';
import { type Fault, type Obs, type Svc, endpointsOf, rewriteObservation, selects, stateful } from './wrap.ts';

type Programmed = readonly { readonly ip: string; readonly port: number }[];
type AffinityEntry = NonNullable<Obs['proxies'][number]['services'][number]['affinity']>['clients'][number];

type ProgrammedPort = Obs['proxies'][number]['services'][number];

/** Rewrites each Service port a proxy programs (a private copy), given the Service and its port. */
function rewriteProgrammed(sys: System, f: (obs: Obs, ps: ProgrammedPort, svc: Svc, sp: Svc['ports'][number]) => void): System {
  return rewriteObservation(sys, (obs) => {
    for (const x of obs.proxies) {
      for (const ps of x.services) {
        const svc = obs.services.find((s) => s.namespace === ps.namespace && s.name === ps.name);
        const sp = svc?.ports.find((p) => p.port === ps.port && p.protocol === (ps.protocol ?? 'TCP'));
        if (svc && sp) f(obs, ps, svc, sp);
      }
    }
  });
}

export const proxyFaults: Fault[] = [
  {
    invariant: 'proxy/follows-endpoints',
    scope: 'small',
    timing: 'sync',
    description: 'the proxy programs a Service port once and misses later Endpoints updates (no update handler)',
    wrap: (sys) =>
      stateful<Readonly<Record<string, Programmed>>>(sys, {
        init: {},
        remember: (first, _op, _result, _before, after) => {
          let next = first;
          for (const x of after.proxies) {
            for (const ps of x.services) {
              const k = `${x.node}|${ps.namespace}/${ps.name}|${ps.port}|${ps.protocol ?? 'TCP'}`;
              if (!next[k] && ps.endpoints.length) next = { ...next, [k]: ps.endpoints.map((e) => ({ ip: e.ip, port: e.port })) };
            }
          }
          return next;
        },
        observe: (obs, first) => {
          for (const x of obs.proxies) {
            for (const ps of x.services) {
              const k = `${x.node}|${ps.namespace}/${ps.name}|${ps.port}|${ps.protocol ?? 'TCP'}`;
              if (first[k]) ps.endpoints = first[k].map((e) => ({ ...e }));
            }
          }
        },
      }),
  },
  {
    invariant: 'proxy/follows-endpoints',
    scope: 'tiny',
    timing: 'sync',
    description: 'the proxy programs nothing (it never receives a Service or Endpoints event)',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const x of obs.proxies) x.services = [];
      }),
  },
  {
    invariant: 'proxy/follows-endpoints',
    scope: 'small',
    timing: 'sync',
    description: 'the proxy adds serving-terminating endpoints beside the ready ones (instead of only when none is ready)',
    wrap: (sys) =>
      rewriteProgrammed(sys, (obs, ps, svc, sp) => {
        if (!svc.selector || typeof sp.targetPort !== 'number' || ps.endpoints.length === 0) return;
        for (const p of obs.pods) {
          if (p.namespace !== svc.namespace || !p.terminating || !p.ready || p.ip === '' || !selects(svc.selector, p.labels)) continue;
          if (!ps.endpoints.some((e) => e.ip === p.ip)) ps.endpoints.push({ ip: p.ip, port: sp.targetPort });
        }
      }),
  },
  {
    invariant: 'proxy/settled-no-unready',
    scope: 'small',
    timing: 'sync',
    description: 'the proxy programs notReadyAddresses as well as addresses',
    wrap: (sys) =>
      rewriteProgrammed(sys, (obs, ps, svc, sp) => {
        for (const ss of endpointsOf(obs, svc)?.subsets ?? []) {
          const ep = ss.ports.find((p) => (p.name ?? '') === (sp.name ?? ''));
          if (!ep) continue;
          for (const a of ss.notReadyAddresses) if (!ps.endpoints.some((e) => e.ip === a.ip && e.port === ep.port)) ps.endpoints.push({ ip: a.ip, port: ep.port });
        }
      }),
  },
  {
    invariant: 'proxy/affinity-ends-with-endpoint',
    scope: 'small',
    timing: 'sync',
    description: "a client's affinity outlives its endpoint: the proxy keeps the entry after the endpoint leaves the programmed set",
    wrap: (sys) =>
      stateful<Readonly<Record<string, readonly AffinityEntry[]>>>(sys, {
        init: {},
        remember: (kept, _op, _result, _before, after) => {
          let next = kept;
          for (const x of after.proxies) for (const ps of x.services) {
            const k = `${x.node}|${ps.namespace}/${ps.name}:${ps.port}`;
            const fresh = (ps.affinity?.clients ?? []).filter((a) => !(next[k] ?? []).some((b) => b.client === a.client && b.ip === a.ip && b.port === a.port));
            if (fresh.length) next = { ...next, [k]: [...(next[k] ?? []).filter((b) => !fresh.some((a) => a.client === b.client)), ...fresh.map((a) => ({ ...a }))] };
          }
          return next;
        },
        observe: (obs, kept) => {
          for (const x of obs.proxies) for (const ps of x.services) {
            if (!ps.affinity) continue;
            for (const b of kept[`${x.node}|${ps.namespace}/${ps.name}:${ps.port}`] ?? []) {
              if (!ps.affinity.clients.some((a) => a.client === b.client)) ps.affinity.clients.push({ ...b });
            }
          }
        },
      }),
  },
];
