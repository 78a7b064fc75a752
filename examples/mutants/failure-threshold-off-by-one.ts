#!/usr/bin/env -S npx tsx
/**
 * Mutant: a readiness failureThreshold off by one.
 * Breaks: readiness/failure-threshold
 *
 * The prober marks a container unready when its count of consecutive failures reaches
 * failureThreshold - 1 instead of failureThreshold (the classic off-by-one of a counter compared
 * before it is incremented): with the default `#failure=3`, two failed probes in a row take a
 * healthy pod out of its Services. A threshold of 1 is unaffected.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/failure-threshold-off-by-one.ts"
 */
import type { Operation, Result } from '../../model/index.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

type Obj = Record<string, any>;
/** The thresholds the user asked for, per container (JSON), so the API still shows them. */
const MARK = 'mutant.svcspec.dev/failure-threshold';

/** The containers as the buggy prober runs them, and what the user asked for. */
function lowered(spec: Obj | undefined, metadata: Obj | undefined): { spec: Obj | undefined; metadata: Obj | undefined } {
  if (!spec?.containers) return { spec, metadata };
  const asked: Record<string, number> = {};
  const containers = spec.containers.map((c: Obj) => {
    const t = c.readinessProbe?.failureThreshold ?? 3;
    if (!c.readinessProbe || t < 2) return c;
    asked[c.name] = t;
    return { ...c, readinessProbe: { ...c.readinessProbe, failureThreshold: t - 1 } };
  });
  if (Object.keys(asked).length === 0) return { spec, metadata };
  return { spec: { ...spec, containers }, metadata: { ...metadata, annotations: { ...metadata?.annotations, [MARK]: JSON.stringify(asked) } } };
}

await serveStdio({
  step(state, op, next) {
    const manifest = op.op === 'apply' ? (op.object as Obj) : undefined;
    if (manifest?.kind === 'Pod') {
      const { spec, metadata } = lowered(manifest.spec, manifest.metadata);
      return next(state, { op: 'apply', object: { ...manifest, metadata, spec } } as unknown as Operation);
    }
    if (manifest?.kind === 'ReplicationController' && manifest.spec?.template) {
      const t = manifest.spec.template;
      const { spec, metadata } = lowered(t.spec, t.metadata);
      return next(state, { op: 'apply', object: { ...manifest, spec: { ...manifest.spec, template: { ...t, metadata, spec } } } } as unknown as Operation);
    }
    const out = next(state, op);
    if (op.op !== 'observe' || !out.result.ok) return out;
    const obs = (out.result as Obj).state as Obj;
    const pods = obs.pods.map((p: Obj) => {
      const mark = state.pods.get(`${p.namespace}/${p.name}`)?.object.metadata.annotations?.[MARK];
      if (!mark) return p;
      const asked = JSON.parse(mark) as Record<string, number>;
      return { ...p, containers: p.containers.map((c: Obj) => (c.probe && asked[c.name] ? { ...c, probe: { ...c.probe, failureThreshold: asked[c.name] } } : c)) };
    });
    return { ...out, result: { ...out.result, state: { ...obs, pods } } as Result };
  },
});
