#!/usr/bin/env node
// An implementation with one bug, written against the installed package: the reference adapter
// (svcspec's serveAdapter) with re-applying a Service allocating its ClusterIP again, as
// examples/mutants/cluster-ip-reallocated.ts does in the repository. Breaks service/cluster-ip/stable.
import { serveAdapter } from 'svcspec';

const toNumber = (ip) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const toIP = (n) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

await serveAdapter({
  step(state, op, next) {
    const out = next(state, op);
    const manifest = op.op === 'apply' ? op.object : undefined;
    if (manifest?.kind !== 'Service' || !out.result.ok) return out;
    const key = `${manifest.metadata?.namespace ?? 'default'}/${manifest.metadata?.name}`;
    const before = state.services.get(key);
    const after = out.state.services.get(key);
    const ip = after?.object.spec.clusterIP;
    if (!before || !ip || ip === 'None' || ip !== before.object.spec.clusterIP) return out;
    // The update allocates again: the next free address of the range after the old one.
    const { base, size } = out.state.config.serviceCIDR;
    const usable = size - 2;
    let fresh;
    for (let i = 1; i < usable && !fresh; i++) {
      const candidate = toIP(base + 1 + ((toNumber(ip) - base - 1 + i) % usable));
      if (!out.state.clusterIPs.has(candidate)) fresh = candidate;
    }
    if (!fresh) return out;
    const spec = { ...after.object.spec, clusterIP: fresh, clusterIPs: [fresh] };
    const services = out.state.services.set(key, { ...after, object: { ...after.object, spec } });
    const clusterIPs = out.state.clusterIPs.delete(ip).set(fresh, key);
    const object = out.result.object;
    const result = { ...out.result, object: { ...object, spec: { ...object.spec, clusterIP: fresh, clusterIPs: [fresh] } } };
    return { state: { ...out.state, services, clusterIPs }, result };
  },
});
