#!/usr/bin/env -S npx tsx
/**
 * Mutant: terminating pods kept as ready endpoints.
 * Breaks: endpoints/terminating-pods-leave
 *
 * The endpoints controller ignores deletionTimestamp: a pod that is shutting down but still
 * passes its readiness probe stays under `addresses`, and proxies keep sending it new connections
 * during its whole grace period (what EndpointSlice's separate serving/terminating conditions,
 * KEP-1672, were introduced to prevent).
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/terminating-kept-ready.ts"
 */
import { serveStdio } from '../../conformance/serve-loop.ts';
import { rewriteEndpoints } from './_endpoints.ts';

await serveStdio({
  step(state, op, next) {
    const out = next(state, op);
    const kept = rewriteEndpoints(out.state, (_svc, entries) => entries.map((e) => (e.terminating && e.serving && !e.ready ? { ...e, ready: true } : e)));
    return { ...out, state: kept };
  },
});
