/** Faults of the endpoints controller: which pods an Endpoints object lists, and where. */
import { type Eps, type Fault, type Obs, type Svc, addAddress, address, endpointsOf, hasAddress, isTerminal, managed, rewriteObservation, selects, stateful, upsertSorted } from './wrap.ts';

/** For every managed Service with Endpoints: `add` the pods it returns (ready → addresses). */
function listExtra(obs: Obs, extra: (s: Svc, e: Eps) => { pod: Obs['pods'][number]; ready: boolean }[]): void {
  for (const s of obs.services) {
    if (!managed(s)) continue;
    const e = endpointsOf(obs, s);
    if (!e) continue;
    for (const { pod, ready } of extra(s, e)) if (!hasAddress(e, pod.name)) addAddress(e, s, address(pod), ready);
  }
}

export const endpointsFaults: Fault[] = [
  {
    invariant: 'endpoints/selected-pods-only',
    scope: 'small',
    timing: 'sync',
    description: 'the selector ignores namespaces: matching pods of every namespace are listed',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) =>
        listExtra(obs, (s) => obs.pods.filter((p) => p.namespace !== s.namespace && p.ip !== '' && !isTerminal(p) && selects(s.selector, p.labels)).map((pod) => ({ pod, ready: pod.ready }))),
      ),
  },
  {
    invariant: 'endpoints/ready-in-addresses',
    scope: 'small',
    timing: 'sync',
    description: 'unready pods kept in addresses (notReadyAddresses never used)',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const e of obs.endpoints) {
          for (const ss of e.subsets) {
            ss.addresses.push(...ss.notReadyAddresses);
            ss.notReadyAddresses = [];
          }
        }
      }),
  },
  {
    invariant: 'endpoints/complete',
    scope: 'small',
    timing: 'sync',
    description: 'unready pods dropped instead of listed under notReadyAddresses',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const e of obs.endpoints) {
          for (const ss of e.subsets) ss.notReadyAddresses = [];
          e.subsets = e.subsets.filter((ss) => ss.addresses.length > 0);
        }
      }),
  },
  {
    invariant: 'endpoints/no-terminal-pods',
    scope: 'medium',
    timing: 'sync',
    description: 'pods that ended (Succeeded or Failed) are not filtered out: listed under notReadyAddresses',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) =>
        listExtra(obs, (s) => obs.pods.filter((p) => p.namespace === s.namespace && isTerminal(p) && selects(s.selector, p.labels)).map((pod) => ({ pod, ready: false }))),
      ),
  },
  {
    invariant: 'endpoints/terminating-pods-leave',
    scope: 'small',
    timing: 'sync',
    description: 'terminating pods kept in the Endpoints until they are gone',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) =>
        listExtra(obs, (s) => obs.pods.filter((p) => p.namespace === s.namespace && p.terminating && p.ip !== '' && selects(s.selector, p.labels)).map((pod) => ({ pod, ready: pod.ready }))),
      ),
  },
  {
    invariant: 'endpoints/named-port-per-pod',
    scope: 'small',
    timing: 'sync',
    description: 'a named targetPort is resolved once, against the first pod, and that number used for every pod',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) {
          if (!managed(s) || !s.ports.some((p) => typeof p.targetPort === 'string')) continue;
          const e = endpointsOf(obs, s);
          if (!e || e.subsets.length < 2) continue;
          e.subsets = [{
            addresses: e.subsets.flatMap((ss) => ss.addresses),
            notReadyAddresses: e.subsets.flatMap((ss) => ss.notReadyAddresses),
            ports: e.subsets[0].ports,
          }];
        }
      }),
  },
  {
    invariant: 'endpoints/named-port-per-pod',
    scope: 'small',
    timing: 'sync',
    description: 'a pod that does not declare the named targetPort is listed anyway, on its first container port (or the Service port)',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) {
          const named = s.ports.filter((p) => typeof p.targetPort === 'string');
          const e = endpointsOf(obs, s);
          if (!managed(s) || named.length === 0 || !e) continue;
          for (const p of obs.pods) {
            if (p.namespace !== s.namespace || p.ip === '' || isTerminal(p) || p.terminating || !selects(s.selector, p.labels) || hasAddress(e, p.name)) continue;
            const declared = p.containers.flatMap((c) => c.ports ?? []);
            if (named.every((sp) => declared.some((cp) => cp.name === sp.targetPort))) continue;
            const fallback = declared[0]?.containerPort;
            e.subsets.push({
              addresses: p.ready ? [address(p)] : [],
              notReadyAddresses: p.ready ? [] : [address(p)],
              ports: s.ports.map((sp) => ({
                ...(sp.name ? { name: sp.name } : {}),
                port: typeof sp.targetPort === 'number' ? sp.targetPort : (declared.find((cp) => cp.name === sp.targetPort)?.containerPort ?? fallback ?? sp.port),
                protocol: sp.protocol,
              })),
            });
          }
        }
      }),
  },
  {
    invariant: 'endpoints/named-port-per-pod',
    scope: 'medium',
    timing: 'sync',
    description: 'a named targetPort is resolved by name alone: a pod whose port of that name has another protocol is listed on it',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) {
          const e = endpointsOf(obs, s);
          if (!managed(s) || !e) continue;
          for (const p of obs.pods) {
            if (p.namespace !== s.namespace || p.ip === '' || isTerminal(p) || p.terminating || !selects(s.selector, p.labels) || hasAddress(e, p.name)) continue;
            const declared = p.containers.flatMap((c) => c.ports ?? []);
            // FindPort without its protocol check: the first port of the name, whatever its protocol.
            const byName = (sp: Svc['ports'][number]) => declared.find((cp) => cp.name === sp.targetPort);
            if (!s.ports.some((sp) => typeof sp.targetPort === 'string' && byName(sp) && byName(sp)!.protocol !== sp.protocol)) continue;
            e.subsets.push({
              addresses: p.ready ? [address(p)] : [],
              notReadyAddresses: p.ready ? [] : [address(p)],
              ports: s.ports.flatMap((sp) => {
                const port = typeof sp.targetPort === 'number' ? sp.targetPort : byName(sp)?.containerPort;
                return port === undefined ? [] : [{ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol }];
              }),
            });
          }
        }
      }),
  },
  {
    invariant: 'endpoints/selectorless-left-alone',
    scope: 'small',
    timing: 'sync',
    description: 'a Service without a selector is treated as selecting every pod: the controller overwrites the user\'s Endpoints',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) {
          if (s.selector || s.type === 'ExternalName') continue;
          const e: Eps = { namespace: s.namespace, name: s.name, subsets: [] };
          for (const p of obs.pods) if (p.namespace === s.namespace && p.ip !== '' && !isTerminal(p)) addAddress(e, s, address(p), p.ready);
          obs.endpoints = upsertSorted(obs.endpoints, e);
        }
      }),
  },
  {
    invariant: 'endpoints/user-write-marked',
    scope: 'small',
    timing: 'sync',
    description: "the check for the controller's managed-by label is inverted: what the controller wrote is reported as a user's write",
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) {
          const e = managed(s) ? endpointsOf(obs, s) : undefined;
          if (e) {
            if (e.userWritten) delete e.userWritten;
            else e.userWritten = true;
          }
        }
      }),
  },
  {
    invariant: 'endpoints/user-write-overwritten',
    scope: 'small',
    timing: 'sync',
    description: "a user's write of a selector Service's Endpoints is never rewritten: the controller skips Endpoints it did not write",
    wrap: (sys) =>
      stateful<Record<string, Eps>>(sys, {
        init: {},
        // What the user wrote stays, until the user deletes it.
        remember: (kept, op, _result, _before, after) => {
          const next = { ...kept };
          for (const e of after.endpoints) if (e.userWritten) next[`${e.namespace}/${e.name}`] = e;
          for (const k of Object.keys(next)) if (!after.endpoints.some((e) => `${e.namespace}/${e.name}` === k)) delete next[k];
          return next;
        },
        observe: (obs, kept) => {
          obs.endpoints = obs.endpoints.map((e) => kept[`${e.namespace}/${e.name}`] ?? e);
        },
      }),
  },
];
