/**
 * `svcspec run FILE…`: scenario files on the reference model (docs/contract.md section 4); with `--check`,
 * every invariant after every operation, and which rules each scenario exercised and broke.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ModelImplementation } from '../../properties/engine/implementation.ts';
import { RecordingImplementation, exportScenarioRun } from '../../conformance/trace/export.ts';
import { describeOp, describeResult } from '../../properties/engine/describe.ts';
import { type Diagnostic, InputError } from '../../properties/load/diagnostics.ts';
import { type Scenario, loadScenario } from '../../properties/scenario/load.ts';
import { type BrokenRule, type ExpectOutcome, runScenario } from '../../properties/scenario/run.ts';
import { type RuleCheck, ruleCheck } from '../../properties/scenario/check.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import type { InvariantStats } from '../../properties/engine/checker.ts';
import { checkOnly } from './check.ts';
import { type FlagSpec, UsageError } from '../args.ts';
import { writeJsonLine } from '../io.ts';

export const RUN_FLAGS: FlagSpec = {
  json: { type: 'boolean', help: 'one JSON line per step: {"scenario","step","op","result"}' },
  check: { type: 'boolean', help: 'check every invariant after every operation (as check does); a broken rule fails the scenario' },
  only: { type: 'list', help: 'with --check: only these invariants (ids or id prefixes)' },
  'export-watch': { type: 'string', help: 'write what the model did as a kubectl watch stream (several scenarios: FILE.<scenario>.json each)' },
  help: { type: 'boolean', help: 'show this help' },
};

/** Directories expand to their .yaml/.yml files, sorted, so `svcspec run examples/scenarios` works. */
export function expandFiles(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return [p]; // Reported as unreadable by the loader, with its position.
    }
    if (!st.isDirectory()) return [p];
    return readdirSync(p).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(p, f));
  });
}

export function loadAll(files: readonly string[]): Scenario[] {
  const diagnostics: Diagnostic[] = [];
  const out: Scenario[] = [];
  for (const f of files) {
    try {
      out.push(loadScenario(f));
    } catch (e) {
      if (e instanceof InputError) diagnostics.push(...e.diagnostics);
      else throw e;
    }
  }
  if (diagnostics.length) throw new InputError(diagnostics);
  return out;
}

/** Adds one scenario's rule counts to the totals. */
function addStats(total: Map<string, InvariantStats>, stats: ReadonlyMap<string, InvariantStats>): void {
  for (const [id, s] of stats) {
    const t = total.get(id) ?? { checked: 0, held: 0, violations: 0 };
    total.set(id, { checked: t.checked + s.checked, held: t.held + s.held, violations: t.violations + s.violations });
  }
}

function rulesLine(stats: ReadonlyMap<string, InvariantStats>): string {
  const all = [...stats.entries()];
  const exercised = all.filter(([, s]) => s.held > 0);
  const broken = all.filter(([, s]) => s.violations > 0);
  return `rules: ${exercised.length} of ${all.length} exercised, ${broken.length} broken`;
}

export async function runCommand(flags: Record<string, unknown>, positionals: string[]): Promise<number> {
  if (positionals.length === 0) throw new UsageError('run needs at least one scenario file or directory');
  const checking = flags.check === true;
  if (flags.only !== undefined && !checking) throw new UsageError('--only goes with --check');
  const spec = checking ? loadSpec() : undefined;
  if (spec) checkOnly(spec, flags.only as string[] | undefined);
  const scenarios = loadAll(expandFiles(positionals));
  const json = flags.json === true;
  const totals = new Map<string, InvariantStats>();
  let failed = 0;
  let steps = 0;
  for (const sc of scenarios) {
    if (!json) process.stdout.write(`scenario ${sc.name} (${sc.file})\n`);
    const ops = new Map(sc.steps.filter((s) => s.op).map((s) => [s.number, s]));
    const impl = flags['export-watch'] ? new RecordingImplementation() : new ModelImplementation();
    const rules: RuleCheck | undefined = spec ? ruleCheck(spec, sc.cluster, flags.only as string[] | undefined) : undefined;
    const outcome = await runScenario(impl, sc, (r) => {
      steps++;
      if (json) return writeJsonLine(r);
      if (r.op === 'expect') {
        const e = r.result as ExpectOutcome;
        const detail = e.ok ? '' : e.error ? `  error: ${e.error}` : `  got ${JSON.stringify(e.value)}`;
        process.stdout.write(`  ${String(r.step).padStart(3)} ${e.ok ? '✓' : '✗'} expect ${e.expression}${detail}\n`);
      } else if (r.op === 'invariant') {
        const b = r.result as BrokenRule;
        const detail = b.error ? `error: ${b.error}` : `holds gave ${JSON.stringify(b.value)}`;
        process.stdout.write(`  ${String(r.step).padStart(3)} ✗ invariant ${b.invariant}: ${b.statement}  ${detail}\n`);
      } else {
        const s = ops.get(r.step);
        process.stdout.write(`  ${String(r.step).padStart(3)}   ${s?.op ? describeOp(s.op) : r.op}  ${describeResult(r.result as never)}\n`);
      }
    }, rules?.hook);
    if (!outcome.passed) failed++;
    if (impl instanceof RecordingImplementation) {
      const p = exportScenarioRun(flags['export-watch'] as string, impl, sc.file, scenarios.length);
      if (!json) process.stdout.write(`  watch stream: ${p}\n`);
    }
    if (rules) {
      addStats(totals, rules.stats);
      if (json) writeJsonLine({ scenario: sc.name, rules: Object.fromEntries(rules.stats) });
      else process.stdout.write(`  ${rulesLine(rules.stats)}\n`);
    }
    if (!json) process.stdout.write(`  ${outcome.passed ? 'PASS' : 'FAIL'}\n`);
  }
  if (!json && spec) {
    const never = [...totals.entries()].filter(([, s]) => s.held === 0).map(([id]) => id);
    process.stdout.write(`${rulesLine(totals)} over all scenarios${never.length ? `; never exercised: ${never.join(', ')}` : ''}\n`);
  }
  if (!json) process.stdout.write(`${scenarios.length - failed} passed, ${failed} failed (${scenarios.length} scenarios, ${steps} steps)\n`);
  return failed > 0 ? 1 : 0;
}
