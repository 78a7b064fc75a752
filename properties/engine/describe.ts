/**
 * Operations and results as script lines — `apply Service default/kubia ports=80→8080` — so a
 * transcript or a shrunk counterexample reads like what a person would type.
 */
import type { Operation, Result } from '../../model/index.ts';

type Manifest = { kind?: string; metadata?: { name?: string; namespace?: string; labels?: Record<string, string> }; spec?: Record<string, unknown> };

function ns(n: string | undefined): string {
  return n ?? 'default';
}

function labels(l: Record<string, string> | undefined): string {
  const e = Object.entries(l ?? {});
  return e.length ? ` {${e.map(([k, v]) => `${k}=${v}`).join(',')}}` : '';
}

function manifestSummary(m: Manifest): string {
  const name = `${m.kind ?? '?'} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name ?? '?'}`;
  const spec = (m.spec ?? {}) as Record<string, any>;
  switch (m.kind) {
    case 'Service': {
      const ports = (spec.ports ?? []).map((p: any) => `${p.name ? `${p.name}:` : ''}${p.port}→${p.targetPort ?? p.port}${p.nodePort ? `@${p.nodePort}` : ''}`).join(',');
      const sel = spec.selector ? ` selector=${Object.entries(spec.selector).map(([k, v]) => `${k}=${v}`).join(',') || '{}'}` : ' (no selector)';
      return `${name}${spec.type && spec.type !== 'ClusterIP' ? ` type=${spec.type}` : ''} ports=${ports}${sel}`;
    }
    case 'Pod': {
      const probe = (spec.containers ?? []).some((c: any) => c.readinessProbe) ? ' +readiness' : '';
      return `${name}${labels(m.metadata?.labels)}${probe}${(m as any).status ? ' (status-managed)' : ''}`;
    }
    case 'ReplicationController':
      return `${name} replicas=${spec.replicas ?? 1}`;
    default:
      return name;
  }
}

function client(from: any): string {
  return from?.external ? `external${from.ip ? ` ${from.ip}` : ''}` : `${ns(from?.namespace)}/${from?.pod}`;
}

function target(to: any): string {
  if (to?.service) return `service ${ns(to.namespace)}/${to.service}:${to.port}`;
  if (to?.node) return `node ${to.node}:${to.port}`;
  return `${to?.ip}:${to?.port}${to?.protocol && to.protocol !== 'TCP' ? `/${to.protocol}` : ''}`;
}

export function describeOp(op: Operation): string {
  const o = op as any;
  const pod = () => `${ns(o.namespace)}/${o.pod}${o.container ? `[${o.container}]` : ''}`;
  switch (op.op) {
    case 'apply': return `apply ${manifestSummary(o.object ?? {})}`;
    case 'delete': return `delete ${o.kind} ${o.kind === 'Node' || o.kind === 'IngressClass' ? '' : `${ns(o.namespace)}/`}${o.name}`;
    case 'probe': return `probe ${pod()} → ${o.result}`;
    case 'listen': return `listen ${pod()} ${o.listening ? 'on' : 'off'}`;
    case 'exit': return `exit ${pod()} code=${o.code}`;
    case 'advance': return `advance ${o.seconds}s`;
    case 'connect': return `connect ${client(o.from)} → ${target(o.to)}`;
    case 'http': return `http ${client(o.from)} → ${o.host}${o.path}${o.to ? ` via ${o.to}` : ''}`;
    case 'ping': return `ping ${client(o.from)} → ${o.ip}`;
    case 'resolve': return `resolve ${client(o.from)} ${o.name} ${o.type ?? 'A'}`;
    case 'env': return `env ${pod()}`;
    case 'sync': return `sync ${o.controller} ${o.target}`;
    default: return op.op;
  }
}

export function describeResult(r: Result): string {
  const x = r as any;
  if (!x.ok) return typeof x.error === 'string' ? `✗ ${x.error}` : `✗ ${x.error?.reason}: ${x.error?.message}`;
  if (x.localEndpoints !== undefined) return `→ health check ${x.status} (${x.localEndpoints} local endpoints)`;
  if (x.ip !== undefined && x.port !== undefined) return `→ ${x.pod ? `${x.pod.namespace}/${x.pod.name} ` : ''}${x.ip}:${x.port} (source ${x.sourceIP})`;
  if (x.status !== undefined) return `→ ${x.status}${x.service ? ` ${x.service.namespace}/${x.service.name}` : ''}${x.pod ? ` ${x.pod.namespace}/${x.pod.name}` : ''}`;
  if (x.reply !== undefined) return x.reply ? '→ reply' : '→ no reply';
  if (x.rcode !== undefined) return `→ ${x.rcode} ${(x.answers ?? []).map((a: any) => `${a.type} ${a.data}`).join(', ')}`.trimEnd();
  if (x.env !== undefined) return `→ ${Object.keys(x.env).length} variables`;
  if (x.object?.spec?.clusterIP) return `ok clusterIP=${x.object.spec.clusterIP}`;
  return 'ok';
}
