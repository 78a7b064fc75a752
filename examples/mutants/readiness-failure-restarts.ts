#!/usr/bin/env -S npx tsx
/**
 * Mutant: readiness failure that restarts the container.
 * Breaks: readiness/never-restarts
 *
 * A kubelet that treats a failing readiness probe like a failing liveness probe: once the probe
 * has failed failureThreshold times in a row, the container is killed (exit 137) and restarted.
 * Readiness must only take the pod out of its Services' Endpoints ("if a container fails the
 * readiness check, it won't be killed or restarted"); a slow starter now crash-loops instead.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/readiness-failure-restarts.ts"
 */
import { type ContainerView, type Operation, observe } from '../../model/index.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

const QUERIES = new Set(['observe', 'env', 'resolve', 'connect', 'ping', 'http']);

const failed = (c: ContainerView | undefined) => !!c?.probe && c.probe.lastResult === 'failure' && (c.probe.run ?? 0) >= c.probe.failureThreshold;

await serveStdio({
  step(state, op, next) {
    const out = next(state, op);
    if (!out.result.ok || QUERIES.has(op.op)) return out;
    const before = new Map(observe(state).pods.map((p) => [p.uid, p]));
    let s = out.state;
    for (const pod of observe(s).pods) {
      if (pod.phase !== 'Running' || pod.terminating) continue;
      for (const c of pod.containers) {
        const was = before.get(pod.uid)?.containers.find((d) => d.name === c.name);
        // The moment the failure streak reaches the threshold, as a liveness probe would act.
        if (!failed(c) || (failed(was) && was!.restartCount === c.restartCount)) continue;
        const kill = { op: 'exit', namespace: pod.namespace, pod: pod.name, container: c.name, code: 137 } as Operation;
        const r = next(s, kill);
        if (r.result.ok) s = r.state;
      }
    }
    return { ...out, state: s };
  },
});
