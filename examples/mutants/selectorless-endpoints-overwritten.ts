#!/usr/bin/env -S npx tsx
/**
 * Mutant: a selectorless Service whose manual Endpoints are overwritten.
 * Breaks: endpoints/selectorless-left-alone
 *
 * A Service without a selector is how you point a Service at something outside the cluster: you
 * write its Endpoints yourself and the controller must leave them alone. This controller syncs
 * such a Service like any other — when the Service is updated, and on its periodic resync (when
 * time passes) — finds no pods, and writes empty Endpoints over the user's: the external database
 * silently disappears from the Service.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/selectorless-endpoints-overwritten.ts"
 */
import type { ClusterState, Operation } from '../../model/index.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

type Obj = Record<string, any>;

function selectorless(state: ClusterState, key: string): boolean {
  const s = state.services.get(key)?.object;
  return !!s && !s.spec.selector && s.spec.type !== 'ExternalName';
}

await serveStdio({
  step(state, op, next) {
    const out = next(state, op);
    if (!out.result.ok) return out;
    const manifest = op.op === 'apply' ? (op.object as Obj) : undefined;
    const updated = manifest?.kind === 'Service' ? `${manifest.metadata?.namespace ?? 'default'}/${manifest.metadata?.name}` : undefined;
    const synced = op.op === 'advance' ? out.state.services.keys() : updated ? [updated] : [];
    let s = out.state;
    for (const key of synced) {
      if (!selectorless(state, key) || !selectorless(s, key) || !s.endpoints.get(key)?.object.subsets?.length) continue;
      const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
      const overwrite = { op: 'apply', object: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, subsets: [] } } as unknown as Operation;
      const r = next(s, overwrite);
      if (r.result.ok) s = r.state;
    }
    return { ...out, state: s };
  },
});
