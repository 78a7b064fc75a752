/**
 * What the pull toward missed machine transitions (properties/engine/bias.ts) adds, side by side in
 * one run: the default check of every scope and timing on a few seeds, with the pull and without,
 * printing per scope and timing the transitions its own runs never took (out of those the machines
 * define and a cluster can take) and the floor's smallest margin (held / target). Not run by npm test.
 *   npx tsx bench/coverage-bias.bench.ts            # seeds 0-3
 *   SEEDS=8 npx tsx bench/coverage-bias.bench.ts
 */
import { DEFAULT_RUNS } from '../cli/commands/check.ts';
import { searchCheck } from '../properties/engine/check.ts';
import { coverageOf, missedTransitions } from '../properties/engine/coverage.ts';
import { floorTarget } from '../properties/engine/floor.ts';
import { loadSpec } from '../properties/spec/load.ts';

const SEEDS = Number(process.env.SEEDS ?? 4);
const spec = loadSpec();
const rows: string[] = [];
const totals = { on: 0, off: 0 };
for (let seed = 0; seed < SEEDS; seed++) {
  for (const scope of spec.scopes.filter((s) => s.name === 'small' || s.name === 'medium')) {
    for (const timing of ['sync', 'async'] as const) {
      const cells = (['on', 'off'] as const).map((side) => {
        const { report, visited } = searchCheck(spec, { scope, timing, runs: DEFAULT_RUNS, maxSteps: scope.maxSteps, seed, transitionBias: side === 'on' });
        const missed = coverageOf(visited).reduce((n, c) => n + missedTransitions(c).length, 0);
        totals[side] += missed;
        const margins = report.invariants.filter((i) => i.floor.status === 'met' || i.floor.status === 'below').map((i) => i.stats.held / floorTarget(i.stats));
        return `${missed} missed, floor margin ${Math.min(...margins).toFixed(2)}`;
      });
      rows.push(`| ${seed} | ${scope.name} | ${timing} | ${cells[0]} | ${cells[1]} |`);
    }
  }
}
console.log('| seed | scope | timing | with the transition pull | without |\n|---|---|---|---|---|');
console.log(rows.join('\n'));
console.log(`\nmissed transitions summed over every scope, timing and seed: ${totals.on} with the pull, ${totals.off} without`);
