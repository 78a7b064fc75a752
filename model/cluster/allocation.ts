/**
 * ClusterIP and nodePort allocation (docs/semantics.md B2, B3): one bitmap per range, requested values
 * checked (in range, free), dynamic values chosen through the Chooser, released on delete (and
 * free again at once). Each range has a lower band kept for requested values: dynamic allocation
 * takes the upper band first, the lower band only when the upper one is full (KEP-3070 for
 * ClusterIPs, KEP-3668 for nodePorts). Errors carry the allocator's wording; callers turn them
 * into API errors.
 */
import type { FieldError } from '../k8s/field-errors.ts';
import type { Draft } from './draft.ts';
import { allocate } from './draft.ts';
import { formatIPv4, offsetIn, parseIPv4 } from './ip.ts';

/** Where an address lies after `base` (NaN when `value` is not an IPv4 address): offsets for Chooser.prefer. */
export function offsetFrom(base: number, value: string | number): number {
  const n = typeof value === 'string' ? parseIPv4(value) : undefined;
  return n === undefined ? NaN : n - base;
}

/**
 * The size of the lower band, min(max(min, size/step), max) and none for a range of at most
 * `min` values (pkg/registry/core/service/ipallocator calculateRangeOffset: 16, 256, 16 over
 * the CIDR's size; portallocator calculateRangeOffset: 16, 128, 32 over the port range's size).
 */
export function staticBand(size: number, min: number, max: number, step: number): number {
  if (size <= min) return 0;
  return Math.min(Math.max(min, Math.floor(size / step)), max);
}

export const clusterIPBand = (cidrSize: number) => staticBand(cidrSize, 16, 256, 16);
export const nodePortBand = (rangeSize: number) => staticBand(rangeSize, 16, 128, 32);

/** A dynamic value: an offset of the upper band [band, size) when one is free, else of the lower band. */
function allocateBanded(d: Draft, kind: 'clusterIP' | 'nodePort', size: number, band: number, isFree: (o: number) => boolean, subject: string, offsetOf: (v: string | number) => number): number {
  const upper = allocate(d, kind, size - band, (i) => isFree(band + i), { subject, offsetOf: (v) => offsetOf(v) - band });
  if (upper >= 0 || band === 0) return upper < 0 ? -1 : band + upper;
  return allocate(d, kind, band, isFree, { subject, offsetOf });
}

export type Allocated<T> = { ok: true; value: T } | { ok: false; field?: FieldError; internal?: string };

/** Allocates `requested` or, when empty, any free ClusterIP (network and broadcast addresses excluded). */
export function allocateClusterIP(d: Draft, owner: string, requested: string | undefined): Allocated<string> {
  const range = d.config.serviceCIDR;
  if (requested) {
    const o = offsetIn(requested, range);
    const fail = (why: string): Allocated<string> => ({
      ok: false,
      field: { type: 'Invalid', field: 'spec.clusterIPs', value: [requested], detail: `failed to allocate IP ${requested}: ${why}` },
    });
    if (parseIPv4(requested) === undefined) return fail('not a valid IP');
    if (o <= 0 || o >= range.size - 1) {
      return fail(`the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${range.text}`);
    }
    if (d.clusterIPs.has(requested)) return fail('provided IP is already allocated');
    d.clusterIPs = d.clusterIPs.set(requested, owner);
    return { ok: true, value: requested };
  }
  const usable = range.size - 2;
  const o = allocateBanded(d, 'clusterIP', usable, Math.min(clusterIPBand(range.size), usable), (i) => !d.clusterIPs.has(formatIPv4(range.base + 1 + i)), owner, (v) => offsetFrom(range.base + 1, v));
  if (o < 0) return { ok: false, internal: 'failed to allocate a serviceIP: range is full' };
  const ip = formatIPv4(range.base + 1 + o);
  d.clusterIPs = d.clusterIPs.set(ip, owner);
  return { ok: true, value: ip };
}

export function releaseClusterIP(d: Draft, ip: string | undefined, owner: string): void {
  if (ip && d.clusterIPs.get(ip) === owner) d.clusterIPs = d.clusterIPs.delete(ip);
}

/** Allocates one nodePort; `field` is the path errors are reported on (spec.ports[i].nodePort). */
export function allocateNodePort(d: Draft, owner: string, requested: number | undefined, field: string): Allocated<number> {
  const { min, max } = d.config.nodePortRange;
  if (requested) {
    if (requested < min || requested > max) {
      return {
        ok: false,
        field: { type: 'Invalid', field, value: requested, detail: `provided port is not in the valid range. The range of valid ports is ${min}-${max}` },
      };
    }
    const holder = d.nodePorts.get(String(requested));
    if (holder !== undefined && holder !== owner) {
      return { ok: false, field: { type: 'Invalid', field, value: requested, detail: 'provided port is already allocated' } };
    }
    d.nodePorts = d.nodePorts.set(String(requested), owner);
    return { ok: true, value: requested };
  }
  const size = max - min + 1;
  const o = allocateBanded(d, 'nodePort', size, nodePortBand(size), (i) => !d.nodePorts.has(String(min + i)), owner, (v) => (typeof v === 'number' ? v - min : NaN));
  if (o < 0) return { ok: false, internal: 'failed to allocate a nodePort: range is full' };
  d.nodePorts = d.nodePorts.set(String(min + o), owner);
  return { ok: true, value: min + o };
}

export function releaseNodePort(d: Draft, port: number | undefined, owner: string): void {
  if (port && d.nodePorts.get(String(port)) === owner) d.nodePorts = d.nodePorts.delete(String(port));
}

/** A load-balancer address for a Service (what a cloud controller would write to its status). */
export function allocateLoadBalancerIP(d: Draft, owner: string): string | undefined {
  const range = d.config.loadBalancerCIDR;
  const o = allocate(d, 'lbAddress', range.size - 2, (i) => !d.lbAddresses.has(formatIPv4(range.base + 1 + i)), { subject: owner, offsetOf: (v) => offsetFrom(range.base + 1, v) });
  if (o < 0) return undefined;
  const ip = formatIPv4(range.base + 1 + o);
  d.lbAddresses = d.lbAddresses.set(ip, owner);
  return ip;
}

export function releaseLoadBalancerIP(d: Draft, ip: string | undefined, owner: string): void {
  if (ip && d.lbAddresses.get(ip) === owner) d.lbAddresses = d.lbAddresses.delete(ip);
}
