#!/usr/bin/env -S npx tsx
/**
 * Mutant: publishNotReadyAddresses ignored.
 * Breaks: endpoints/complete, endpoints/ready-in-addresses
 *
 * `publishNotReadyAddresses: true` (what StatefulSets' headless Services use so peers can find each
 * other before they are ready) must list every pod under `addresses`, terminating ones included.
 * This controller stores the field but never reads it: a terminating pod leaves the Endpoints
 * (endpoints/complete) and unready pods stay under
 * notReadyAddresses (endpoints/ready-in-addresses), so peer discovery waits for readiness that
 * itself waits for the peers. Which of the two rules a run meets first depends on what it draws.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/publish-not-ready-ignored.ts"
 */
import type { Operation, Result } from '../../model/index.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

type Obj = Record<string, any>;
/** Where the user's value is kept, so the API still shows it: the controller never looks. */
const MARK = 'mutant.svcspec.dev/publish-not-ready-addresses';

await serveStdio({
  step(state, op, next) {
    const manifest = op.op === 'apply' ? (op.object as Obj) : undefined;
    if (manifest?.kind === 'Service' && manifest.spec?.publishNotReadyAddresses) {
      const { publishNotReadyAddresses: _, ...spec } = manifest.spec;
      const metadata = { ...manifest.metadata, annotations: { ...manifest.metadata?.annotations, [MARK]: 'true' } };
      const out = next(state, { op: 'apply', object: { ...manifest, metadata, spec } } as unknown as Operation);
      if (!out.result.ok) return out;
      const object = (out.result as Obj).object as Obj;
      return { ...out, result: { ...out.result, object: { ...object, spec: { ...object.spec, publishNotReadyAddresses: true } } } as Result };
    }
    const out = next(state, op);
    if (op.op !== 'observe' || !out.result.ok) return out;
    const obs = (out.result as Obj).state as Obj;
    const services = obs.services.map((s: Obj) => (state.services.get(`${s.namespace}/${s.name}`)?.object.metadata.annotations?.[MARK] ? { ...s, publishNotReadyAddresses: true } : s));
    return { ...out, result: { ...out.result, state: { ...obs, services } } as Result };
  },
});
