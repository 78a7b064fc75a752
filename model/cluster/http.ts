/**
 * HTTP through an Ingress controller (docs/semantics.md A3): the request goes to an Ingress address, the
 * controller routes by host then path (model/cluster/ingress.ts) and proxies to the backend
 * Service. Statuses as ingress-nginx answers: 404 with no matching rule and no default backend,
 * 503 when the backend has no usable endpoint, 502 when the pod refuses the connection.
 */
import type { HttpOp } from '../contract/types.generated.ts';
import type { Draft } from './draft.ts';
import { route } from './ingress.ts';
import { objectKey } from './state.ts';
import { clientOf, connectFromNode } from './traffic.ts';
import type { ApiError } from '../k8s/field-errors.ts';

export type HttpResult =
  | { ok: true; status: number; service?: { namespace: string; name: string }; pod?: { namespace: string; name: string } }
  | { ok: false; error: 'no address' | ApiError };

export function http(d: Draft, op: HttpOp): HttpResult {
  const client = clientOf(d, op.from);
  if ('reason' in client) return { ok: false, error: client };
  const addressed = [...d.ingresses.values()].filter((r) => r.address && (op.to === undefined || r.address === op.to));
  if (addressed.length === 0) return { ok: false, error: 'no address' };
  const r = route(addressed.map((x) => x.object), op.host, op.path);
  if ('status' in r) return { ok: true, status: r.status };
  const backend = r.backend.service;
  if (!backend) return { ok: true, status: 404 };
  const ns = r.ingress.metadata.namespace!;
  const service = { namespace: ns, name: backend.name };
  const svcKey = objectKey(ns, backend.name);
  if (!d.services.has(svcKey)) return { ok: true, status: 503, service };
  const node = [...d.nodes.keys()].sort()[0];
  const address = addressed.find((x) => x.object === r.ingress)?.address ?? '';
  const c = connectFromNode(d, node, address, svcKey, backend.port.number ?? backend.port.name ?? 0);
  if (!c.ok) return { ok: true, status: c.error === 'refused' && hasEndpoints(d, svcKey) ? 502 : 503, service };
  return c.pod ? { ok: true, status: 200, service, pod: c.pod } : { ok: true, status: 200, service };
}

function hasEndpoints(d: Draft, svcKey: string): boolean {
  return (d.endpoints.get(svcKey)?.entries ?? []).some((e) => e.ready);
}
