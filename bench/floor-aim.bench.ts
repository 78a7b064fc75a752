/**
 * What aiming the bias above the floor adds (properties/engine/bias.ts AIM), side by side in one
 * run: the default check of every scope and timing on several seeds, steering each rule toward
 * AIM times the floor the whole budget will demand, and toward the floor it has reached (as
 * before AIM). Prints per seed the floor's smallest margin (held / target) in each scope and
 * timing, and how many seeds meet the floor everywhere. Not run by npm test.
 *   npx tsx bench/floor-aim.bench.ts            # seeds 0-7
 *   SEEDS=16 npx tsx bench/floor-aim.bench.ts
 */
import { DEFAULT_RUNS } from '../cli/commands/check.ts';
import { AIM } from '../properties/engine/bias.ts';
import { searchCheck } from '../properties/engine/check.ts';
import { floorTarget } from '../properties/engine/floor.ts';
import { loadSpec } from '../properties/spec/load.ts';

const SEEDS = Number(process.env.SEEDS ?? 8);
const spec = loadSpec();
const scopes = spec.scopes.filter((s) => s.name === 'small' || s.name === 'medium');
const met = { aim: 0, reached: 0 };
const rows: string[] = [];
for (let seed = 0; seed < SEEDS; seed++) {
  const cells = (['aim', 'reached'] as const).map((side) => {
    const margins = scopes.flatMap((scope) =>
      (['sync', 'async'] as const).map((timing) => {
        const { report } = searchCheck(spec, { scope, timing, runs: DEFAULT_RUNS, maxSteps: scope.maxSteps, seed, floorAim: side === 'aim' });
        const judged = report.invariants.filter((i) => i.floor.status === 'met' || i.floor.status === 'below');
        return Math.min(...judged.map((i) => i.stats.held / floorTarget(i.stats)));
      }),
    );
    if (margins.every((m) => m >= 1)) met[side]++;
    return margins.map((m) => m.toFixed(2)).join(' / ');
  });
  rows.push(`| ${seed} | ${cells[0]} | ${cells[1]} |`);
}
const columns = scopes.flatMap((s) => [`${s.name} sync`, `${s.name} async`]).join(' / ');
console.log(`| seed | aiming at ${AIM}× the budget's floor (${columns}) | at the floor reached |\n|---|---|---|`);
console.log(rows.join('\n'));
console.log(`\nseeds meeting the floor in every scope and timing: ${met.aim} of ${SEEDS} aiming at ${AIM}×, ${met.reached} at the floor reached`);
