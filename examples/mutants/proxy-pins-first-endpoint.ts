#!/usr/bin/env -S npx tsx
/**
 * Mutant: a proxy that never balances.
 * Breaks: traffic/spreads-load
 *
 * kube-proxy picks an endpoint at random for every new connection (iptables: `-m statistic
 * --mode random --probability 1/n`; IPVS: round robin). This proxy programs the right endpoints
 * but always forwards to the first of its sorted list, so every answer it gives is, on its own,
 * an allowed choice — only many answers together show that one pod takes all the load.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/proxy-pins-first-endpoint.ts"
 */
import { type Chooser, seededChooser, step } from '../../model/index.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

const pinned: Chooser = { ...seededChooser, pick: (kind, keys, ctx) => (kind === 'endpoint' ? 0 : seededChooser.pick(kind, keys, ctx)) };

await serveStdio({
  step: (state, op, next) => (op.op === 'connect' || op.op === 'http' ? step(state, op, pinned) : next(state, op)),
});
