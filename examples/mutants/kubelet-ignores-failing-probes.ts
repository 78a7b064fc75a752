#!/usr/bin/env -S npx tsx
/**
 * Mutant: a kubelet that never sees a readiness probe fail.
 * Breaks: readiness/failing-probe-unready
 *
 * The kubelet runs each readiness probe every periodSeconds and marks the container unready after
 * failureThreshold consecutive failures (pkg/kubelet/prober/worker.go doProbe). This kubelet's
 * prober treats a failing handler as a passing one: a container once ready stays ready, and its
 * pod keeps receiving traffic. The rule judges it from the operations and the time the
 * observations show, so it is caught with the comparison against the model turned off too
 * (`--only readiness/failing-probe-unready`).
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/kubelet-ignores-failing-probes.ts"
 */
import { serveStdio } from '../../conformance/serve-loop.ts';

await serveStdio({
  step(state, op, next) {
    // The handler's failure never reaches the prober: the probe is recorded as answered, nothing changes.
    if (op.op === 'probe' && op.result === 'failure') return { state, result: next(state, { ...op, result: 'success' }).result };
    return next(state, op);
  },
});
