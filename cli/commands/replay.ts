/**
 * `svcspec replay`: re-runs a reported counterexample — the exact shrunk run of `check`
 * (`--seed` and `--path`, with the scope, timing and budget it printed) or a saved scenario file.
 */
import { runCheck } from '../../properties/engine/check.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { type FlagSpec, UsageError } from '../args.ts';
import { writeJsonLine } from '../io.ts';
import { counterexampleText } from '../report/check-report.ts';
import { checkOnly, scopesOf, timingsOf } from './check.ts';
import { runCommand } from './run.ts';
import { weightsOf } from './shared-flags.ts';

export const REPLAY_FLAGS: FlagSpec = {
  seed: { type: 'number', help: 'the seed check printed' },
  path: { type: 'string', help: 'the path check printed' },
  scope: { type: 'list', help: 'the scope check printed' },
  timing: { type: 'list', help: 'the timing check printed' },
  'max-steps': { type: 'number', help: 'the budget check printed' },
  only: { type: 'list', help: 'the invariants check printed' },
  weights: { type: 'string', help: 'the generator weights check printed' },
  swarm: { type: 'boolean', help: 'the run was drawn under swarm testing (check printed --swarm)' },
  json: { type: 'boolean', help: 'machine-readable output' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function replayCommand(flags: Record<string, unknown>, positionals: string[]): Promise<number> {
  if (positionals.length) return runCommand({ json: flags.json }, positionals);
  if (flags.seed === undefined || flags.path === undefined) throw new UsageError('replay needs --seed and --path (as check printed them), or a saved scenario file');
  const spec = loadSpec();
  checkOnly(spec, flags.only as string[] | undefined);
  const [scope] = scopesOf(spec, flags.scope as string[] | undefined);
  const [timing] = timingsOf(flags.timing as string[] | undefined, ['sync']);
  const r = runCheck(spec, {
    scope,
    timing,
    runs: 1,
    maxSteps: (flags['max-steps'] as number) ?? scope.maxSteps,
    seed: flags.seed as number,
    path: String(flags.path),
    only: flags.only as string[] | undefined,
    weights: weightsOf(spec, flags.weights as string | undefined),
    swarm: flags.swarm === true,
  });
  if (flags.json) writeJsonLine({ reproduced: !!r.counterexample, invariant: r.counterexample?.violation.invariant.id ?? null });
  else process.stdout.write(r.counterexample ? `${counterexampleText(r)}\n` : 'the run no longer breaks any invariant\n');
  return r.counterexample ? 1 : 0;
}
