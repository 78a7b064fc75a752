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

const pairs = (o: Record<string, unknown> | undefined) => Object.entries(o ?? {}).map(([k, v]) => `${k}=${v}`).join(',');

/** A Service or Ingress backend: `web:80`, `web:http`, or the resource it names. */
function backend(b: any): string {
  if (b?.resource) return `resource ${b.resource.kind}/${b.resource.name}`;
  return `${b?.service?.name}:${b?.service?.port?.number ?? b?.service?.port?.name}`;
}

/** Host and path rules as the controller reads them: `a.com/api(Prefix)→web:80`. */
function ingressRules(spec: Record<string, any>): string {
  const rules = (spec.rules ?? []).flatMap((r: any) => {
    const paths = r.http?.paths ?? [];
    if (paths.length === 0) return [`${r.host ?? '*'} (no paths)`];
    return paths.map((p: any) => `${r.host ?? '*'}${p.path ?? ''}${p.pathType && p.pathType !== 'Prefix' ? `(${p.pathType})` : ''}→${backend(p.backend)}`);
  });
  return [...(rules.length ? [`rules=${rules.join(',')}`] : []), ...(spec.defaultBackend ? [`default=${backend(spec.defaultBackend)}`] : [])].join(' ');
}

/** The fields of a pod spec that change what the cluster does with it (defaults left out). */
function podFields(spec: Record<string, any>): string {
  const out: string[] = [];
  if (spec.nodeName) out.push(`node=${spec.nodeName}`);
  if (spec.hostNetwork) out.push('hostNetwork');
  if (spec.restartPolicy && spec.restartPolicy !== 'Always') out.push(`restartPolicy=${spec.restartPolicy}`);
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds !== 30) out.push(`grace=${spec.terminationGracePeriodSeconds}s`);
  const ports = (spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => `${p.name ? `${p.name}:` : ''}${p.containerPort}${p.protocol && p.protocol !== 'TCP' ? `/${p.protocol}` : ''}`));
  if (ports.length) out.push(`ports=${ports.join(',')}`);
  const probes = (spec.containers ?? []).map((c: any) => c.readinessProbe).filter(Boolean).map((p: any) => Object.keys(p).find((k) => ['exec', 'httpGet', 'tcpSocket', 'grpc'].includes(k)) ?? 'probe');
  if (probes.length) out.push(`+readiness(${probes.join(',')})`);
  return out.length ? ` ${out.join(' ')}` : '';
}

function manifestSummary(m: Manifest): string {
  const name = `${m.kind ?? '?'} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name ?? '?'}`;
  const spec = (m.spec ?? {}) as Record<string, any>;
  switch (m.kind) {
    case 'Service': {
      const ports = (spec.ports ?? []).map((p: any) => `${p.name ? `${p.name}:` : ''}${p.port}→${p.targetPort ?? p.port}${p.protocol && p.protocol !== 'TCP' ? `/${p.protocol}` : ''}${p.nodePort ? `@${p.nodePort}` : ''}`).join(',');
      const sel = spec.selector ? ` selector=${pairs(spec.selector) || '{}'}` : ' (no selector)';
      const extra = [
        spec.clusterIP ? `clusterIP=${spec.clusterIP}` : '',
        spec.externalName ? `externalName=${spec.externalName}` : '',
        spec.externalTrafficPolicy === 'Local' ? 'externalTrafficPolicy=Local' : '',
        spec.internalTrafficPolicy === 'Local' ? 'internalTrafficPolicy=Local' : '',
        spec.sessionAffinity === 'ClientIP' ? 'sessionAffinity=ClientIP' : '',
        spec.publishNotReadyAddresses ? 'publishNotReadyAddresses' : '',
      ].filter(Boolean);
      return `${name}${spec.type && spec.type !== 'ClusterIP' ? ` type=${spec.type}` : ''} ports=${ports}${sel}${extra.length ? ` ${extra.join(' ')}` : ''}`;
    }
    case 'Pod':
      return `${name}${labels(m.metadata?.labels)}${podFields(spec)}${(m as any).status ? ' (status-managed)' : ''}`;
    case 'ReplicationController':
      return `${name} replicas=${spec.replicas ?? 1} selector=${pairs(spec.selector) || '{}'} template${labels(spec.template?.metadata?.labels) || ' {}'}${podFields(spec.template?.spec ?? {})}`;
    case 'Ingress':
      return `${name}${spec.ingressClassName ? ` class=${spec.ingressClassName}` : ''} ${ingressRules(spec)}`.trimEnd();
    case 'Endpoints': {
      const subsets = ((m as any).subsets ?? []).map((ss: any) => {
        const ips = [...(ss.addresses ?? []).map((a: any) => a.ip), ...(ss.notReadyAddresses ?? []).map((a: any) => `${a.ip}(not ready)`)];
        const ports = (ss.ports ?? []).map((p: any) => `${p.name ? `${p.name}:` : ''}${p.port}`);
        return `${ips.join(',') || '-'} ports=${ports.join(',') || '-'}`;
      });
      return `${name} ${subsets.join(' | ') || '(no subsets)'}`;
    }
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
