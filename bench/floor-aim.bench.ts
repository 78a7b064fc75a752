/**
 * What keeps the default check's floor on every seed, side by side in one run: the default check
 * of every scope and timing on several seeds, as it runs (steering each rule toward AIM times the
 * floor the whole budget will demand, properties/engine/bias.ts, then topping the floor up past
 * the budget while a rule is below it, TOP_UP_SHARE in properties/engine/check.ts) and without the
 * top-up. Prints per seed the floor's smallest margin (held / target) in each scope and timing,
 * the runs the top-up added, and how many seeds meet the floor everywhere. Not run by npm test.
 *   npx tsx bench/floor-aim.bench.ts            # seeds 0-7
 *   FIRST=8 SEEDS=8 npx tsx bench/floor-aim.bench.ts   # seeds 8-15
 */
import { DEFAULT_RUNS } from '../cli/commands/check.ts';
import { AIM } from '../properties/engine/bias.ts';
import { TOP_UP_SHARE, searchCheck } from '../properties/engine/check.ts';
import { floorTarget } from '../properties/engine/floor.ts';
import { loadSpec } from '../properties/spec/load.ts';

const FIRST = Number(process.env.FIRST ?? 0);
const SEEDS = Number(process.env.SEEDS ?? 8);
const spec = loadSpec();
const scopes = spec.scopes.filter((s) => s.name === 'small' || s.name === 'medium');
const sides = ['topped up', 'budget only'] as const;
const met = { 'topped up': 0, 'budget only': 0 };
const rows: string[] = [];
for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
  const cells = sides.map((side) => {
    const margins = scopes.flatMap((scope) =>
      (['sync', 'async'] as const).map((timing) => {
        const { report } = searchCheck(spec, { scope, timing, runs: DEFAULT_RUNS, maxSteps: scope.maxSteps, seed, floorTopUp: side === 'topped up' });
        const judged = report.invariants.filter((i) => i.floor.status === 'met' || i.floor.status === 'below');
        return { margin: Math.min(...judged.map((i) => i.stats.held / floorTarget(i.stats))), topUp: report.topUp ?? 0 };
      }),
    );
    if (margins.every((m) => m.margin >= 1)) met[side]++;
    return margins.map((m) => `${m.margin.toFixed(2)}${m.topUp ? ` (+${m.topUp})` : ''}`).join(' / ');
  });
  rows.push(`| ${seed} | ${cells[0]} | ${cells[1]} |`);
}
const columns = scopes.flatMap((s) => [`${s.name} sync`, `${s.name} async`]).join(' / ');
console.log(`aim ${AIM}× the budget's floor; top-up up to ${TOP_UP_SHARE * DEFAULT_RUNS} runs past the budget of ${DEFAULT_RUNS}`);
console.log(`| seed | topped up (${columns}; +runs past the budget) | budget only |\n|---|---|---|`);
console.log(rows.join('\n'));
console.log(`\nseeds meeting the floor in every scope and timing: ${met['topped up']} of ${SEEDS} topped up, ${met['budget only']} with the budget only`);
