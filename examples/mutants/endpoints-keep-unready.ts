#!/usr/bin/env -S npx tsx
/**
 * Mutant: Endpoints that keep unready pods.
 * Breaks: endpoints/ready-in-addresses
 *
 * The endpoints controller puts every selected pod under `addresses`, ready or not — the bug of
 * controllers that look at the pod's phase (Running) rather than its Ready condition. Proxies then
 * program pods whose readiness probe fails, and clients reach apps that are not ready.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/endpoints-keep-unready.ts"
 */
import { serveStdio } from '../../conformance/serve-loop.ts';
import { rewriteEndpoints } from './_endpoints.ts';

await serveStdio({
  step(state, op, next) {
    const out = next(state, op);
    const keepUnready = rewriteEndpoints(out.state, (_svc, entries) => entries.map((e) => (e.ready || e.terminating ? e : { ...e, ready: true })));
    return { ...out, state: keepUnready };
  },
});
