/** Faults of discovery: the kubelet's Service environment variables and the cluster DNS. */
import type { Operation, Result } from '../../../model/index.ts';
import { type Fault, type Obs, type Svc, endpointsOf, rewriteObservation, rewriteResult } from './wrap.ts';

const ZONE = 'cluster.local';
const envName = (s: Svc) => s.name.toUpperCase().replace(/-/g, '_');
const fqdn = (s: { name: string; namespace: string }) => `${s.name}.${s.namespace}.svc.${ZONE}.`;
const hasAddress = (s: Svc) => s.clusterIP !== '' && s.clusterIP !== 'None';

type Env = Record<string, string>;
type Dns = { ok: true; rcode: string; answers: { name: string; type: string; data: string }[]; tried: string[] };

/** The pod and container an env operation reads. */
function envTarget(obs: Obs, op: Operation) {
  if (op.op !== 'env') return undefined;
  const pod = obs.pods.find((p) => p.namespace === (op.namespace ?? 'default') && p.name === op.pod);
  const container = pod && (op.container ? pod.containers.find((c) => c.name === op.container) : pod.containers[0]);
  return pod && container ? { pod, container } : undefined;
}

function rewriteEnv(f: (env: Env, op: Operation, before: Obs) => Env) {
  return (result: Result, op: Operation, before: Obs): Result => {
    const r = result as Result & { env?: Env };
    return op.op === 'env' && r.ok && r.env ? ({ ...r, env: f({ ...r.env }, op, before) } as Result) : result;
  };
}

function rewriteDns(f: (r: Dns, op: Operation & { op: 'resolve' }, before: Obs) => Dns) {
  return (result: Result, op: Operation, before: Obs): Result => {
    const r = result as unknown as Dns;
    return op.op === 'resolve' && r.ok && Array.isArray(r.tried) ? (f(structuredClone(r), op, before) as unknown as Result) : result;
  };
}

/** The Service a resolve ended up asking for (the last name tried), if any. */
function resolvedService(r: Dns, before: Obs): Svc | undefined {
  return before.services.find((s) => r.tried.includes(fqdn(s)));
}

const isA = (op: { type?: string }) => !op.type || op.type === 'A';

export const discoveryFaults: Fault[] = [
  {
    invariant: 'env/no-later-services',
    scope: 'small',
    timing: 'sync',
    description: 'the environment is built when it is read, from the Services that exist now, not when the container started',
    wrap: (sys) =>
      rewriteResult(
        sys,
        rewriteEnv((env, op, before) => {
          const t = envTarget(before, op);
          for (const s of before.services) {
            if (!t || s.namespace !== t.pod.namespace || !hasAddress(s) || `${envName(s)}_SERVICE_HOST` in env) continue;
            env[`${envName(s)}_SERVICE_HOST`] = s.clusterIP;
            if (s.ports[0]) env[`${envName(s)}_SERVICE_PORT`] = String(s.ports[0].port);
          }
          return env;
        }),
      ),
  },
  {
    invariant: 'env/service-host-in-range',
    scope: 'small',
    timing: 'sync',
    description: 'headless and ExternalName Services are not skipped: their variables hold None or the external name as the host',
    wrap: (sys) =>
      rewriteResult(
        sys,
        rewriteEnv((env, op, before) => {
          const t = envTarget(before, op);
          for (const s of before.services) {
            if (!t || s.namespace !== t.pod.namespace || hasAddress(s) || (s.created ?? 0) > (t.container.startedAt ?? 0)) continue;
            env[`${envName(s)}_SERVICE_HOST`] = s.type === 'ExternalName' ? (s.externalName ?? '') : s.clusterIP;
          }
          return env;
        }),
      ),
  },
  {
    invariant: 'env/kubernetes-service-always',
    scope: 'small',
    timing: 'sync',
    description: 'the kubernetes Service is treated like any Service of namespace default: pods of other namespaces do not get its variables',
    wrap: (sys) =>
      rewriteResult(
        sys,
        rewriteEnv((env, op) => {
          if (op.op === 'env' && (op.namespace ?? 'default') !== 'default') for (const k of Object.keys(env)) if (k.startsWith('KUBERNETES_')) delete env[k];
          return env;
        }),
      ),
  },
  {
    invariant: 'env/kubernetes-service-always',
    scope: 'small',
    timing: 'sync',
    description: 'the master service is looked up by name in every namespace: a Service named kubernetes elsewhere sets KUBERNETES_SERVICE_HOST',
    wrap: (sys) =>
      rewriteResult(
        sys,
        rewriteEnv((env, op, before) => {
          const t = envTarget(before, op);
          if (!t || t.container.envNames?.includes('KUBERNETES_SERVICE_HOST')) return env;
          const other = before.services.find((s) => s.name === 'kubernetes' && s.namespace !== 'default' && s.namespace !== t.pod.namespace && hasAddress(s));
          if (other) env.KUBERNETES_SERVICE_HOST = other.clusterIP;
          return env;
        }),
      ),
  },
  {
    invariant: 'dns/cluster-ip-record',
    scope: 'small',
    timing: 'sync',
    description: 'a ClusterIP Service without ready endpoints is not published (NXDOMAIN), as if it were headless',
    wrap: (sys) =>
      rewriteResult(
        sys,
        rewriteDns((r, op, before) => {
          const s = resolvedService(r, before);
          if (!s || !hasAddress(s) || !isA(op)) return r;
          const ready = (endpointsOf(before, s)?.subsets ?? []).some((ss) => ss.addresses.length > 0);
          return ready ? r : { ...r, rcode: 'NXDOMAIN', answers: [] };
        }),
      ),
  },
  {
    invariant: 'dns/headless-ready-addresses',
    scope: 'medium',
    timing: 'sync',
    description: 'headless A records are built from every Endpoints address, ready or not, and an empty set is answered NOERROR (NODATA) instead of NXDOMAIN',
    wrap: (sys) =>
      rewriteResult(
        sys,
        rewriteDns((r, op, before) => {
          const s = resolvedService(r, before);
          if (!s || s.clusterIP !== 'None' || !isA(op)) return r;
          const ips = (endpointsOf(before, s)?.subsets ?? []).flatMap((ss) => [...ss.addresses, ...ss.notReadyAddresses].map((a) => a.ip));
          return { ...r, rcode: 'NOERROR', answers: [...new Set(ips)].map((ip) => ({ name: fqdn(s), type: 'A', data: ip })) };
        }),
      ),
  },
  {
    invariant: 'dns/headless-ready-addresses',
    scope: 'small',
    timing: 'sync',
    description: 'a headless Service with no Endpoints object is answered NOERROR without records (NODATA), not NXDOMAIN',
    wrap: (sys) =>
      rewriteResult(
        sys,
        rewriteDns((r, op, before) => {
          const s = before.services.find((x) => x.clusterIP === 'None' && [fqdn(x), fqdn(x).slice(0, -1)].includes(op.name.toLowerCase()));
          if (!s || !isA(op) || endpointsOf(before, s)) return r;
          return { ...r, rcode: 'NOERROR', answers: [] };
        }),
      ),
  },
  {
    invariant: 'dns/search-order',
    scope: 'small',
    timing: 'sync',
    description: 'the resolv.conf search list puts svc.<zone> before <namespace>.svc.<zone>',
    wrap: (sys) =>
      rewriteResult(
        sys,
        rewriteDns((r, op) => {
          if (op.name.endsWith('.') || op.name.split('.').length >= 5 || r.tried.length === 0) return r;
          const first = `${op.name}.svc.${ZONE}.`;
          return { ...r, tried: [first, ...r.tried.filter((t) => t !== first)] };
        }),
      ),
  },
  {
    invariant: 'dns/short-name-same-namespace',
    scope: 'small',
    timing: 'sync',
    description: 'the pod\'s resolv.conf lacks the <namespace>.svc.<zone> search entry: bare Service names are tried under svc.<zone> and <zone> only',
    wrap: (sys) =>
      rewriteResult(
        sys,
        rewriteDns((r, op) => {
          if (op.name.includes('.')) return r;
          // <name>.svc.<zone>, <name>.<zone> and <name>. name no Service.
          return { ...r, rcode: 'NXDOMAIN', answers: [], tried: [`${op.name}.svc.${ZONE}.`, `${op.name}.${ZONE}.`, `${op.name}.`] };
        }),
      ),
  },
  {
    invariant: 'dns/search-order',
    scope: 'small',
    timing: 'sync',
    description: 'the resolver ignores an ndots option from dnsConfig and keeps ndots 5: a name with enough dots is still tried with the search list first',
    wrap: (sys) =>
      rewriteResult(
        sys,
        rewriteDns((r, op, before) => {
          const pod = before.pods.find((p) => p.name === op.from.pod && p.namespace === (op.from.namespace ?? 'default'));
          const dots = op.name.split('.').length - 1;
          if (!pod?.dns || op.name.endsWith('.') || dots < pod.dns.ndots || dots >= 5 || pod.dns.searches.length === 0) return r;
          const first = `${op.name}.${pod.dns.searches[0].replace(/\.$/, '')}.`;
          return { ...r, tried: [first, ...r.tried.filter((t) => t !== first)] };
        }),
      ),
  },
  {
    invariant: 'dns/resolv-conf-follows-policy',
    scope: 'small',
    timing: 'sync',
    description: 'a host-network pod with dnsPolicy ClusterFirst keeps the cluster DNS instead of falling back to the node\'s resolv.conf',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const p of obs.pods) {
          if (!p.hostNetwork || p.dns?.policy !== 'ClusterFirst') continue;
          p.dns.nameservers = ['10.96.0.10', ...p.dns.nameservers];
          p.dns.searches = [`${p.namespace}.svc.${ZONE}`, `svc.${ZONE}`, ZONE, ...p.dns.searches];
        }
      }),
  },
  {
    invariant: 'dns/resolv-conf-follows-policy',
    scope: 'small',
    timing: 'sync',
    description: 'dnsPolicy ClusterFirstWithHostNet is read as Default: the pod gets the node\'s resolv.conf and no cluster search domains',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const p of obs.pods) {
          if (p.dns?.policy !== 'ClusterFirstWithHostNet') continue;
          p.dns.nameservers = p.dns.nameservers.filter((n) => n !== '10.96.0.10');
          p.dns.searches = p.dns.searches.filter((x) => !x.endsWith(ZONE));
        }
      }),
  },
];
