#!/usr/bin/env -S npx tsx
/**
 * Mutant: a ClusterIP reallocated on update.
 * Breaks: service/cluster-ip/stable
 *
 * Re-applying a Service (kubectl apply without spec.clusterIP) runs the allocator again instead of
 * keeping the address the Service already holds: the Service moves to a new ClusterIP, and every
 * client that resolved or stored the old one — environment variables, DNS caches — loses it.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/cluster-ip-reallocated.ts"
 */
import type { Result } from '../../model/index.ts';
import { formatIPv4, parseIPv4 } from '../../model/cluster/ip.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

type Obj = Record<string, any>;

await serveStdio({
  step(state, op, next) {
    const out = next(state, op);
    const manifest = op.op === 'apply' ? (op.object as Obj) : undefined;
    if (!manifest || manifest.kind !== 'Service' || !out.result.ok) return out;
    const key = `${manifest.metadata?.namespace ?? 'default'}/${manifest.metadata?.name}`;
    const before = state.services.get(key);
    const after = out.state.services.get(key);
    const ip = after?.object.spec.clusterIP;
    if (!before || !after || !ip || ip === 'None' || ip !== before.object.spec.clusterIP) return out;
    // The update allocates again: the next free address after the old one.
    const range = out.state.config.serviceCIDR;
    const usable = range.size - 2;
    const from = parseIPv4(ip)! - range.base - 1;
    let fresh: string | undefined;
    for (let i = 1; i < usable && !fresh; i++) {
      const candidate = formatIPv4(range.base + 1 + ((from + i) % usable));
      if (!out.state.clusterIPs.has(candidate)) fresh = candidate;
    }
    if (!fresh) return out;
    const spec = { ...after.object.spec, clusterIP: fresh, clusterIPs: [fresh] };
    const services = out.state.services.set(key, { ...after, object: { ...after.object, spec } });
    const clusterIPs = out.state.clusterIPs.delete(ip).set(fresh, key);
    const object = (out.result as Obj).object as Obj;
    const result = { ...out.result, object: { ...object, spec: { ...object.spec, clusterIP: fresh, clusterIPs: [fresh] } } } as Result;
    return { state: { ...out.state, services, clusterIPs }, result };
  },
});
