/**
 * The healthCheckNodePort of a LoadBalancer Service with externalTrafficPolicy Local: every node's
 * kube-proxy serves HTTP on it, so that the cloud load balancer sends traffic only to nodes that
 * have an endpoint (pkg/proxy/healthcheck/service_health.go): 200 when the node has at least one
 * local ready endpoint of the Service, 503 otherwise, the body carrying `localEndpoints`. The count
 * is of distinct addresses, over all the Service's ports, of ready endpoints only: a node left with
 * serving-terminating endpoints fails the check so the load balancer drains it
 * (pkg/proxy/endpointschangetracker.go LocalReadyEndpoints). The server opens when the node's proxy
 * programs the Service, so what it answers is what that proxy has programmed.
 */
import type { ProgrammedService } from './state.ts';

export interface HealthCheckAnswer {
  readonly status: 200 | 503;
  readonly localEndpoints: number;
}

/** The answer of `node`'s health check server for a programmed Service, or undefined when `port` is not its healthCheckNodePort. */
export function healthCheck(p: ProgrammedService, node: string, port: number): HealthCheckAnswer | undefined {
  const spec = p.service.spec;
  if (!spec.healthCheckNodePort || spec.healthCheckNodePort !== port) return undefined;
  const names = (spec.ports ?? []).map((sp) => sp.name ?? '');
  const ips = new Set(p.entries.filter((e) => e.node === node && e.ready && names.some((n) => e.ports[n] !== undefined)).map((e) => e.ip));
  return { status: ips.size > 0 ? 200 : 503, localEndpoints: ips.size };
}
