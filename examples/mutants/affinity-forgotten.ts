#!/usr/bin/env -S npx tsx
/**
 * Mutant: ClientIP session affinity that forgets.
 * Breaks: traffic/affinity-sticks
 * Counterexample: at most 5 steps
 *
 * kube-proxy keeps, per endpoint chain, a `-m recent` list of client addresses and sends a client
 * back to the endpoint it reached last while that entry is younger than timeoutSeconds. This
 * proxy accepts `sessionAffinity: ClientIP` and shows it on the Service, but chooses every
 * connection afresh, as if the timeout were zero, and shows no affinity table (the observation's
 * `affinity` is optional). Each answer alone is an allowed choice; only the run of answers shows
 * a client bouncing between endpoints.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/affinity-forgotten.ts"
 */
import { PMap } from '../../model/index.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

type Obj = Record<string, any>;

await serveStdio({
  step(state, op, next) {
    if (op.op === 'connect') {
      let proxies = state.proxies;
      for (const [node, p] of state.proxies.entries()) proxies = proxies.set(node, { ...p, affinity: PMap.empty() });
      return next({ ...state, proxies }, op);
    }
    const out = next(state, op);
    if (op.op !== 'observe' || !out.result.ok) return out;
    const obs = (out.result as Obj).state as Obj;
    const proxies = obs.proxies.map((x: Obj) => ({ ...x, services: x.services.map(({ affinity: _, ...ps }: Obj) => ps) }));
    return { ...out, result: { ...out.result, state: { ...obs, proxies } } as typeof out.result };
  },
});
