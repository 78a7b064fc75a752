/**
 * How clients find Services: the environment a container started with (docs/semantics.md A1) and the
 * cluster DNS (A2), answered over the current state through the views env.ts and dns.ts read.
 */
import type { EnvOp, ResolveOp } from '../contract/types.generated.ts';
import type { ApiError } from '../k8s/field-errors.ts';
import { notFound } from '../k8s/field-errors.ts';
import type { Pod } from '../k8s/objects.ts';
import { type DnsView, type ResolveResult, resolve } from './dns.ts';
import { containerEnvironment, serviceEnvironment } from './env.ts';
import type { ClusterState, PodRecord } from './state.ts';
import { objectKey } from './state.ts';

export function containerIndex(pod: PodRecord, name: string | undefined): number | ApiError {
  if (name === undefined) return 0;
  const i = pod.object.spec.containers.findIndex((c) => c.name === name);
  if (i < 0) return { reason: 'BadRequest', message: `container ${name} is not valid for pod ${pod.object.metadata.name}` };
  return i;
}

/** The container's environment as the kubelet built it when the container (last) started. */
export function environment(s: ClusterState, op: EnvOp): { ok: true; env: Record<string, string> } | { ok: false; error: ApiError } {
  const pod = s.pods.get(objectKey(op.namespace, op.pod));
  if (!pod) return { ok: false, error: notFound('pods', op.pod) };
  const i = containerIndex(pod, op.container);
  if (typeof i !== 'number') return { ok: false, error: i };
  const c = pod.containers[i];
  // A container the kubelet never started (unscheduled, or a status-managed pod) has no
  // environment to read: kubectl exec answers that the container is not found.
  if (!c) return { ok: false, error: { reason: 'BadRequest', message: `container ${spec0(pod, i)} not found in pod ${pod.object.metadata.name}` } };
  const spec = pod.object.spec;
  const known = [...c.servicesAtStart.values()].map((r) => r.object);
  const services = serviceEnvironment(known, pod.object.metadata.namespace!, spec.enableServiceLinks !== false);
  const podWithStatus = { ...pod.object, status: { podIP: pod.status.ip, hostIP: s.nodes.get(pod.node)?.ip } } as Pod;
  return { ok: true, env: containerEnvironment(spec.containers[i], services, podWithStatus) };
}

const spec0 = (pod: PodRecord, i: number): string => pod.object.spec.containers[i]?.name ?? '';

export function dnsView(s: ClusterState): DnsView {
  return {
    clusterDomain: s.config.clusterDomain,
    dnsServiceIP: s.config.dnsServiceIP,
    service: (ns, name) => s.services.get(objectKey(ns, name))?.object,
    endpoints: (ns, name) => s.endpoints.get(objectKey(ns, name))?.object,
    serviceByClusterIP: (ip) => {
      const k = s.clusterIPs.get(ip);
      return k === undefined ? undefined : s.services.get(k)?.object;
    },
    endpointAddressesByIP: (ip) => {
      const out: { service: import('../k8s/objects.ts').Service; hostname?: string }[] = [];
      for (const ep of s.endpoints.values()) {
        const svc = s.services.get(ep.key)?.object;
        if (!svc) continue;
        for (const sub of ep.object.subsets ?? []) for (const a of sub.addresses ?? []) if (a.ip === ip) out.push({ service: svc, hostname: a.hostname });
      }
      return out;
    },
    podsBySubdomain: (ns, subdomain) =>
      [...(s.podIndex.get(ns)?.keys() ?? [])]
        .map((k) => s.pods.get(k)!)
        .filter((p) => p.object.spec.subdomain === subdomain && p.object.spec.hostname)
        .map((p) => ({ ...p.object, status: { podIP: p.status.ip, phase: p.status.phase } }) as Pod),
    podReady: (pod) => s.pods.get(objectKey(pod.metadata.namespace, pod.metadata.name!))?.status.ready ?? false,
    namespaceExists: (ns) => s.podIndex.has(ns) || [...s.services.keys()].some((k) => k.startsWith(`${ns}/`)),
  };
}

export function lookup(s: ClusterState, op: ResolveOp): ({ ok: true } & ResolveResult) | { ok: false; error: ApiError } {
  const pod = s.pods.get(objectKey(op.from.namespace, op.from.pod));
  if (!pod) return { ok: false, error: notFound('pods', op.from.pod) };
  const r = resolve(dnsView(s), { namespace: pod.object.metadata.namespace!, pod: pod.object }, op.name, op.type ?? 'A');
  return { ok: true, ...r };
}
