#!/usr/bin/env -S npx tsx
/**
 * Mutant: a nodePort that only forwards to pods on the node that received the connection.
 * Breaks: edge/node-port-any-node
 * Counterexample: at most 5 steps
 *
 * With externalTrafficPolicy Cluster (the default), every node forwards a nodePort connection to
 * any endpoint of the Service, on whatever node it runs, masquerading the source to its own
 * address (the seed: "it doesn't matter what node a client sends the request to"). This proxy
 * treats every Service as if it had policy Local on the nodePort path: it balances only over the
 * endpoints on the receiving node, and drops the connection when there are none — but it still
 * masquerades, so only a node without a local endpoint gives it away.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/node-port-local-only.ts"
 */
import { type Chooser, observe, seededChooser, step } from '../../model/index.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

await serveStdio({
  step(state, op, next) {
    if (op.op !== 'connect' || !('node' in op.to)) return next(state, op);
    const obs = observe(state);
    const node = op.to.node;
    const port = op.to.port;
    const svc = obs.services.find((s) => s.ports.some((p) => p.nodePort === port));
    if (!svc) return next(state, op);
    const local = new Set(obs.pods.filter((p) => p.node === node && p.ip).map((p) => p.ip));
    const programmed = obs.proxies.find((x) => x.node === node)?.services.filter((ps) => ps.namespace === svc.namespace && ps.name === svc.name) ?? [];
    const endpoints = programmed.flatMap((ps) => ps.endpoints);
    if (endpoints.length > 0 && !endpoints.some((ep) => local.has(ep.ip))) return { state, result: { ok: false, error: 'timeout' } };
    // Among the endpoints the model may pick, only a local one.
    const localOnly: Chooser = {
      ...seededChooser,
      pick(kind, keys, ctx) {
        if (kind !== 'endpoint') return seededChooser.pick(kind, keys, ctx);
        const candidates = keys.map((k, i) => [k, i] as const).filter(([k]) => local.has(k.slice(0, k.lastIndexOf(':'))));
        if (candidates.length === 0) return seededChooser.pick(kind, keys, ctx);
        return candidates[seededChooser.pick(kind, candidates.map(([k]) => k), ctx)][1];
      },
    };
    return step(state, op, localOnly);
  },
});
