#!/usr/bin/env -S npx tsx
/**
 * Mutant: a selectorless Service whose manual Endpoints are overwritten.
 * Breaks: endpoints/selectorless-left-alone
 *
 * A Service without a selector is how you point a Service at something outside the cluster: you
 * write its Endpoints yourself and the controller must leave them alone. This controller syncs
 * such a Service like any other when it is updated, finds no pods, and writes empty Endpoints over
 * the user's — the external database silently disappears from the Service.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/selectorless-endpoints-overwritten.ts"
 */
import type { Operation } from '../../model/index.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

type Obj = Record<string, any>;

await serveStdio({
  step(state, op, next) {
    const out = next(state, op);
    const manifest = op.op === 'apply' ? (op.object as Obj) : undefined;
    if (!manifest || manifest.kind !== 'Service' || !out.result.ok) return out;
    const namespace = manifest.metadata?.namespace ?? 'default';
    const key = `${namespace}/${manifest.metadata?.name}`;
    const after = out.state.services.get(key);
    const endpoints = out.state.endpoints.get(key);
    if (!state.services.has(key) || !after || after.object.spec.selector || after.object.spec.type === 'ExternalName') return out;
    if (!endpoints?.object.subsets?.length) return out;
    const overwrite = { op: 'apply', object: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: manifest.metadata.name, namespace }, subsets: [] } } as unknown as Operation;
    const r = next(out.state, overwrite);
    return r.result.ok ? { ...out, state: r.state } : out;
  },
});
