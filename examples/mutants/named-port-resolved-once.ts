#!/usr/bin/env -S npx tsx
/**
 * Mutant: a named targetPort resolved once for all pods.
 * Breaks: endpoints/named-port-per-pod
 *
 * `targetPort: http` must be looked up in each pod (FindPort): one pod may call 8080 "http",
 * another 9090. This controller resolves the name on the first pod and uses that number for
 * every pod of the Service, so connections to the others land on a port nothing listens on.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/named-port-resolved-once.ts"
 */
import { serveStdio } from '../../conformance/serve-loop.ts';
import { rewriteEndpoints } from './_endpoints.ts';

await serveStdio({
  step(state, op, next) {
    const out = next(state, op);
    const once = rewriteEndpoints(out.state, (svc, entries) => {
      let result = entries;
      for (const sp of svc.object.spec.ports ?? []) {
        if (typeof sp.targetPort !== 'string' || /^[0-9]+$/.test(sp.targetPort)) continue;
        const name = sp.name ?? '';
        const first = entries.find((e) => e.ports[name] !== undefined)?.ports[name];
        if (first === undefined) continue;
        result = result.map((e) => (e.ports[name] === undefined || e.ports[name] === first ? e : { ...e, ports: { ...e.ports, [name]: first } }));
      }
      return result;
    });
    return { ...out, state: once };
  },
});
