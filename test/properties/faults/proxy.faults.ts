/** Faults of the node proxies: what each node programs for a Service port. */
import { type Fault, endpointsOf, rewriteObservation, stateful } from './wrap.ts';

type Programmed = readonly { readonly ip: string; readonly port: number }[];

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
    invariant: 'proxy/settled-no-unready',
    scope: 'small',
    timing: 'sync',
    description: 'the proxy programs notReadyAddresses as well as addresses',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const x of obs.proxies) {
          for (const ps of x.services) {
            const svc = obs.services.find((s) => s.namespace === ps.namespace && s.name === ps.name);
            const sp = svc?.ports.find((p) => p.port === ps.port && p.protocol === (ps.protocol ?? 'TCP'));
            if (!svc || !sp) continue;
            for (const ss of endpointsOf(obs, svc)?.subsets ?? []) {
              const ep = ss.ports.find((p) => (p.name ?? '') === (sp.name ?? ''));
              if (!ep) continue;
              for (const a of ss.notReadyAddresses) if (!ps.endpoints.some((e) => e.ip === a.ip && e.port === ep.port)) ps.endpoints.push({ ip: a.ip, port: ep.port });
            }
          }
        }
      }),
  },
];
