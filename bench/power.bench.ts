/**
 * The checker's power over the fault catalogue (test/properties/faults/): for each fault, `check`
 * at the default budget on 24 seeds — how many seeds catch it, the median operations and time to
 * the first catch, and the shrunk counterexample's length beside the shortest the explorer finds
 * over that counterexample's own operations. Not run by npm test (it runs the catalogue 24 times).
 *   npx tsx bench/power.bench.ts                 # every fault, seeds 0-23
 *   SEEDS=8 FAULTS=traffic/ npx tsx bench/power.bench.ts
 *   FROM=12 SEEDS=12 npx tsx bench/power.bench.ts   # seeds 12-23 (another process takes 0-11)
 *   FAULTS=traffic/target-port,env/ SWARM=on npx tsx bench/power.bench.ts   # as check --swarm, to compare
 * Writes reports/power.json and prints a Markdown table (the README's).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RUNS } from '../cli/commands/check.ts';
import { type Operation, normalizeConfig } from '../model/index.ts';
import { execute, runCheck } from '../properties/engine/check.ts';
import { InvariantChecker } from '../properties/engine/checker.ts';
import { readsHistory } from '../properties/engine/history.ts';
import { modelSystem } from '../properties/engine/system.ts';
import { explore } from '../properties/explore/explore.ts';
import { loadSpec } from '../properties/spec/load.ts';
import type { Invariant, Scope, Timing } from '../properties/spec/types.ts';
import { type Fault, allFaults } from '../test/properties/faults/index.ts';

const SEEDS = Number(process.env.SEEDS ?? 24);
/** The first seed (seeds FROM … FROM+SEEDS-1): a long run can be split and the tables added up. */
const FROM = Number(process.env.FROM ?? 0);
/** SWARM=on runs check with swarm testing (`--swarm`, properties/arbitraries/swarm.ts): what it adds, measured side by side. */
const SWARM = process.env.SWARM === 'on';
const spec = loadSpec();
const scopeNamed = (name: string): Scope => spec.scopes.find((s) => s.name === name)!;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** As `svcspec check` with its defaults: the fault's scope, then the other default scope. */
function catchOnce(fault: Fault, seed: number) {
  const t0 = performance.now();
  let steps = 0;
  for (const name of [fault.scope, ...['small', 'medium'].filter((x) => x !== fault.scope)]) {
    const scope = scopeNamed(name);
    const r = runCheck(spec, { scope, timing: fault.timing, runs: DEFAULT_RUNS, maxSteps: scope.maxSteps, seed, only: [fault.invariant], swarm: SWARM }, fault.wrap(modelSystem as never));
    steps += r.steps;
    const c = r.counterexample;
    if (c?.violation.invariant.id === fault.invariant) return { caught: true, steps, ms: performance.now() - t0, length: c.templates.length, templates: c.templates, scope };
  }
  return { caught: false, steps, ms: performance.now() - t0 };
}

function explorerShortest(fault: Fault, scope: Scope, timing: Timing, templates: readonly Operation[]): number | undefined {
  const invariants: Invariant[] = spec.invariants.filter((i) => i.id === fault.invariant);
  if (invariants.some((i) => readsHistory([...(i.when?.reads ?? []), ...i.holds.reads]))) return undefined;
  const alphabet = [...new Map(templates.map((t) => [JSON.stringify(t), t])).values()];
  const system = fault.wrap(modelSystem as never);
  const r = explore({ scope, system, alphabet, timing, depth: templates.length, invariants, maxStates: 3_000, timeLimitSeconds: 3 });
  const v = r.verdicts[0];
  if (!v?.trace || v.setupSteps) return undefined;
  // Only a trace that breaks the rule under check's own (seeded) choices is one check could have found.
  const again = execute(system, scope, timing, v.trace.map((t) => t.op), new InvariantChecker(invariants, timing, normalizeConfig({ ...scope.cluster, timing })), false);
  return again.violation?.invariant.id === fault.invariant ? v.trace.length : undefined;
}

/** FAULTS: comma-separated parts of invariant ids (a fault is run when its invariant contains one). */
const wanted = process.env.FAULTS?.split(',').filter(Boolean);
const faults = allFaults.filter((f) => !wanted?.length || wanted.some((w) => f.invariant.includes(w)));
const rows = [];
for (const fault of faults) {
  const tries = Array.from({ length: SEEDS }, (_, i) => catchOnce(fault, FROM + i));
  const caught = tries.filter((t) => t.caught);
  const first = caught[0] as (typeof caught)[number] & { templates: Operation[]; scope: Scope };
  const row = {
    invariant: fault.invariant,
    description: fault.description,
    caught: caught.length,
    seeds: SEEDS,
    medianOperations: median(caught.map((t) => t.steps)),
    medianMs: Math.round(median(caught.map((t) => t.ms))),
    medianLength: median(caught.map((t) => t.length!)),
    explorerShortest: first ? explorerShortest(fault, first.scope, fault.timing, first.templates) : undefined,
  };
  rows.push(row);
  process.stderr.write(`${row.invariant}: ${row.caught}/${SEEDS}\n`);
}
mkdirSync('reports', { recursive: true });
writeFileSync(join('reports', `power${FROM ? `-from-${FROM}` : ''}${SWARM ? '-swarm' : ''}.json`), `${JSON.stringify({ runs: DEFAULT_RUNS, from: FROM, seeds: SEEDS, swarm: SWARM, rows }, null, 2)}\n`);
console.log('| fault (the invariant that must catch it) | seeds caught | median operations to the first catch | median time | counterexample (median steps) | explorer\'s shortest |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| \`${r.invariant}\`: ${r.description} | ${r.caught}/${r.seeds} | ${r.medianOperations} | ${r.medianMs} ms | ${r.medianLength} | ${r.explorerShortest ?? '—'} |`);
const weak = rows.filter((r) => r.caught < r.seeds - 1);
console.log(`\n${rows.length} faults; caught on at least ${SEEDS - 1} of ${SEEDS} seeds: ${rows.length - weak.length}${weak.length ? `; below: ${weak.map((r) => `${r.invariant} ${r.caught}/${r.seeds}`).join(', ')}` : ''}`);
