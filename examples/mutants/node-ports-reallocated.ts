#!/usr/bin/env -S npx tsx
/**
 * Mutant: nodePorts reallocated on every update.
 * Breaks: service/node-port/stable
 *
 * The pre-1.22 bug fixed by kubernetes/kubernetes#103532: an update that omits a port's nodePort
 * (kubectl apply of the original manifest) did not carry the allocated value over, so the port got
 * a new nodePort — and every load balancer or firewall rule pointing at the old one broke.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/node-ports-reallocated.ts"
 */
import type { ServicePort } from '../../model/k8s/objects.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

type Obj = Record<string, any>;

await serveStdio({
  step(state, op, next) {
    const manifest = op.op === 'apply' ? (op.object as Obj) : undefined;
    const key = `${manifest?.metadata?.namespace ?? 'default'}/${manifest?.metadata?.name}`;
    const rec = manifest?.kind === 'Service' ? state.services.get(key) : undefined;
    const old = (rec?.object.spec.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n);
    if (!rec || old.length === 0) return next(state, op);
    // The bug: the stored Service's nodePorts are not there for the update to keep (they stay
    // allocated until the update commits, so the new ones differ).
    const ports = (rec.object.spec.ports ?? []).map(({ nodePort: _, ...p }: ServicePort) => p);
    const forgetful = { ...state, services: state.services.set(key, { ...rec, object: { ...rec.object, spec: { ...rec.object.spec, ports } } }) };
    const out = next(forgetful, op);
    if (!out.result.ok) return { state, result: out.result };
    const now = out.state.services.get(key)!.object.spec;
    const kept = new Set([...(now.ports ?? []).map((p) => p.nodePort), now.healthCheckNodePort]);
    let nodePorts = out.state.nodePorts;
    for (const n of old) if (!kept.has(n) && nodePorts.get(String(n)) === key) nodePorts = nodePorts.delete(String(n));
    return { ...out, state: { ...out.state, nodePorts } };
  },
});
