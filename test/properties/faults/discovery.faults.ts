/** Faults of discovery: the kubelet's Service environment variables and the cluster DNS. */
import type { Operation, Result } from '../../../model/index.ts';
import { type Fault, type Obs, type Svc, endpointsOf, rewriteResult } from './wrap.ts';

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
];
