/**
 * The conform report, rendered by pure functions (data in, text out), like check's: conform.json
 * with stable keys and no clock readings; conform.md and the terminal text with the shrunk
 * counterexample as a script — the implementation's answers beside the model's — or the fault
 * that ended the run with the operations sent and the implementation's stderr.
 */
import { describeDifference, resultDifferences } from '../../conformance/compare.ts';
import { type AdapterCommand, CONFORMANCE_RULES, type ConformReport, type ConformStep, type Failure, failureId, MINIMIZE_BUDGET, readsResult } from '../../conformance/runner.ts';
import { describeOp, describeResult } from '../../properties/engine/describe.ts';

/** `spec/invariants.yaml:42` rather than an absolute path, when it lies under the working directory. */
function relative(location: string): string {
  const cwd = `${process.cwd()}/`;
  return location.startsWith(cwd) ? location.slice(cwd.length) : location;
}

export interface ConformMeta {
  readonly adapter: AdapterCommand;
  /** Scope and timing pairs not run because an earlier one failed. */
  readonly skipped: readonly { scope: string; timing: string }[];
}

export function overallVerdict(reports: readonly ConformReport[]): ConformReport['verdict'] {
  for (const v of ['error', 'violation', 'unknown'] as const) if (reports.some((r) => r.verdict === v)) return v;
  return 'ok';
}

function invariantVerdict(r: ConformReport, id: string): 'ok' | 'violation' | 'unexercised' {
  if (r.counterexample && failureId(r.counterexample.failure) === id) return 'violation';
  const s = r.invariants.find((x) => x.invariant.id === id)?.stats;
  return s && s.held > 0 ? 'ok' : 'unexercised';
}

const differs = (s: ConformStep) => resultDifferences(s.op, s.model, s.implementation).length > 0;

function failureStep(f: Failure): number {
  return f.kind === 'invariant' ? f.violation.step : f.step;
}

function ruleOf(f: Failure): { id: string; statement: string; location?: string } {
  if (f.kind === 'invariant') return { id: f.violation.invariant.id, statement: f.violation.invariant.statement, location: relative(f.violation.invariant.location) };
  return CONFORMANCE_RULES[f.kind];
}

function divergenceJson(f: Failure): unknown {
  if (f.kind === 'invariant') return undefined;
  return {
    rule: CONFORMANCE_RULES[f.kind].id,
    step: f.step + 1,
    differences: f.differences,
    ...(f.kind === 'result' && f.alternatives.length ? { allowed: f.alternatives } : {}),
  };
}

export function conformJson(reports: readonly ConformReport[], meta: ConformMeta): unknown {
  return {
    tool: 'svcspec conform',
    adapter: meta.adapter,
    verdict: overallVerdict(reports),
    runs: reports.map((r) => ({
      scope: r.scope,
      timing: r.timing,
      settle: r.settle,
      seed: r.seed,
      runs: r.runs,
      steps: r.steps,
      indefinite: r.indefinite,
      verdict: r.verdict,
      compared: r.compared,
      ...(r.supports ? { supports: r.supports } : {}),
      unexercised: r.unexercised,
      ...(r.interrupted ? { interrupted: true } : {}),
      ...(r.error ? { error: r.error } : {}),
      invariants: r.invariants.map(({ invariant, stats }) => ({
        id: invariant.id,
        statement: invariant.statement,
        verdict: invariantVerdict(r, invariant.id),
        checked: stats.checked,
        preconditionHeld: stats.held,
      })),
      ...(r.counterexample ? { counterexample: counterexampleJson(r) } : {}),
      ...(r.fault ? { fault: r.fault } : {}),
    })),
    skipped: meta.skipped,
  };
}

function counterexampleJson(r: ConformReport): unknown {
  const c = r.counterexample!;
  const f = c.failure;
  const rule = ruleOf(f);
  return {
    rule: rule.id,
    statement: rule.statement,
    kind: f.kind,
    step: failureStep(f) + 1,
    seed: c.seed,
    path: c.path,
    replay: c.replay,
    shrinks: c.shrinks,
    oneMinimal: c.oneMinimal,
    deletionsTried: c.deletionsTried,
    minimizeBudget: MINIMIZE_BUDGET,
    steps: c.steps.map((s) => ({ op: s.op, implementation: s.implementation, model: s.model, differs: differs(s), ...(s.inserted ? { inserted: true } : {}), ...(s.indefinite ? { indefinite: true } : {}) })),
    ...(f.kind === 'invariant' ? (f.violation.error ? { error: f.violation.error } : { value: f.violation.value ?? null }) : { divergence: divergenceJson(f) }),
    ...(f.kind === 'invariant' && readsResult(f.violation.invariant) && c.steps[failureStep(f)] ? { answer: answerJson(c.steps[failureStep(f)]) } : {}),
    ...(c.divergence ? { earlierDivergence: divergenceJson(c.divergence) } : {}),
    changes: c.changes,
  };
}

/** What the rule read at the breaking step: both answers as sent, and their differences. */
function answerJson(s: ConformStep): unknown {
  return { implementation: s.implementation, model: s.model, differences: resultDifferences(s.op, s.model, s.implementation) };
}

function clip(s: string, width: number): string {
  return s.length <= width ? s.padEnd(width) : `${s.slice(0, width - 1)}…`;
}

/** The counterexample as a numbered script: the implementation's answer beside the model's. */
export function counterexampleText(r: ConformReport): string {
  const c = r.counterexample!;
  const f = c.failure;
  const rule = ruleOf(f);
  const at = failureStep(f);
  const ops = c.steps.map((s) => `${describeOp(s.op)}${s.inserted ? ' (added by --settle)' : ''}`);
  const opWidth = Math.min(72, Math.max(9, ...ops.map((o) => o.length)));
  const implAnswers = c.steps.map((s) => `${describeResult(s.implementation)}${s.indefinite ? ' (indefinite)' : ''}`);
  const implWidth = Math.min(48, Math.max(14, ...implAnswers.map((o) => o.length)));
  const lines = [
    `✗ ${rule.id} (${r.scope}, ${r.timing} timing, settle ${r.settle})`,
    `  ${rule.statement}`,
    ...(rule.location ? [`  ${rule.location}`] : []),
    '',
    `  step  ${clip('operation', opWidth)}  ${clip('implementation', implWidth)}  model`,
    ...c.steps.map((s, i) => {
      const mark = i === at ? '▶' : differs(s) ? '≠' : ' ';
      return `  ${String(i + 1).padStart(3)} ${mark} ${clip(ops[i], opWidth)}  ${clip(implAnswers[i], implWidth)}  ${describeResult(s.model)}`;
    }),
    '',
  ];
  if (f.kind === 'invariant') {
    const v = f.violation;
    lines.push(`  broke after step ${at + 1}: ${v.error ? `error: ${v.error}` : `holds gave ${JSON.stringify(v.value)}`} on the implementation's ${readsResult(v.invariant) ? 'answer and observation' : 'observation'}`);
    if (readsResult(v.invariant) && c.steps[at]) lines.push(...answerLines(c.steps[at]));
    lines.push(...c.changes.slice(0, 12).map((ch) => `    ${ch.list} ${ch.key}: ${ch.before === undefined ? 'added' : ch.after === undefined ? 'removed' : 'changed'}${ch.after !== undefined ? ` → ${JSON.stringify(ch.after)}` : ''}`));
  } else {
    lines.push(...divergenceLines(f, 'diverged'));
  }
  if (c.divergence) lines.push('', ...divergenceLines(c.divergence, 'had already diverged'));
  lines.push('', c.oneMinimal
    ? `  1-minimal: no single step can be deleted with the same failure kept (${c.deletionsTried} re-inits tried)`
    : `  not shown 1-minimal: ${c.deletionsTried} of at most ${MINIMIZE_BUDGET} re-inits spent on deleting steps`);
  lines.push(`  replay: ${c.replay}`);
  return lines.join('\n');
}

/** The answer a rule read, as the implementation sent it, beside the model's, and how they differ. */
function answerLines(s: ConformStep): string[] {
  return [
    `    the implementation answered: ${JSON.stringify(s.implementation)}`,
    `    the model answers:           ${JSON.stringify(s.model)}`,
    ...resultDifferences(s.op, s.model, s.implementation).map((d) => `      ${describeDifference(d)}`),
  ];
}

function divergenceLines(f: Exclude<Failure, { kind: 'invariant' }>, verb: string): string[] {
  const where = f.step < 0 ? 'right after init' : `at step ${f.step + 1}`;
  const what = f.kind === 'result' ? 'its answer is not one the model allows' : 'its observation is not the model\'s';
  const out = [`  the implementation ${verb} ${where}: ${what} (${CONFORMANCE_RULES[f.kind].id})`];
  out.push(...f.differences.map((d) => `    ${describeDifference(d)}`));
  if (f.kind === 'result' && f.alternatives.length) out.push(`    the model allows: ${f.alternatives.map((a) => describeResult(a)).join(' | ')}`);
  return out;
}

export function faultText(r: ConformReport): string {
  const f = r.fault!;
  const lines = [
    `✗ implementation fault (${r.scope}, ${r.timing} timing): ${f.kind} — ${f.message}`,
    ...(f.line !== undefined ? [`  offending line: ${f.line}`] : []),
    `  after ${f.afterRuns} complete sequence${f.afterRuns === 1 ? '' : 's'}; the sequence running had sent (each followed by observe):`,
    ...(f.sent.length ? f.sent.map((op, i) => `  ${String(i + 1).padStart(4)}  ${describeOp(op)}${i > f.answered ? '   (sent ahead, not answered)' : ''}`) : ['     (nothing after init)']),
    ...(f.pending ? [`  waiting for: request ${f.pending.id} (${f.pending.op})`] : []),
    `  stderr (last ${f.stderrTail.length} characters):`,
    ...(f.stderrTail.trim() ? f.stderrTail.trimEnd().split('\n').slice(-40).map((l) => `    | ${l}`) : ['    (empty)']),
    f.replay
      ? `  replay: ${f.replay}`
      : f.afterRuns === 0
        ? '  replay: none — the fault came at the first init, before any sequence ran'
        : '  replay: none — the fault came while shrinking a counterexample, on a sequence no --path names',
  ];
  return lines.join('\n');
}

/** What an ok verdict covers: the comparisons with the model only when they ran. */
function okText(r: ConformReport): string {
  return r.compared ? 'all invariants held, every answer allowed' : 'all invariants held (answers and observations not compared with the model: --only without conform)';
}

/**
 * What the run left unexercised, one line per part: the scope's generators not drawn or not
 * supported, the contract's operations and kinds outside `supports`, invariants never exercised.
 */
export function unexercisedLines(r: ConformReport): string[] {
  const u = r.unexercised;
  const out: string[] = [];
  if (!r.compared) out.push('answers and observations were not compared with the model (--only)');
  if (u.unsupported.operations.length || u.unsupported.kinds.length) {
    out.push(`not supported by the implementation: ${[...(u.unsupported.operations.length ? [`operations ${u.unsupported.operations.join(', ')}`] : []), ...(u.unsupported.kinds.length ? [`kinds ${u.unsupported.kinds.join(', ')}`] : [])].join('; ')}`);
  }
  if (u.unsupportedGenerators.length) out.push(`generators left out (they use what is not supported): ${u.unsupportedGenerators.join(', ')}`);
  if (u.generators.length) out.push(`generators never drawn: ${u.generators.join(', ')}`);
  const plain = u.invariants.filter((i) => !i.reason).map((i) => i.id);
  if (plain.length) out.push(`invariants never exercised (precondition never held): ${plain.join(', ')}`);
  // Grouped by reason: a scope says why once for all the rules a missing part of the cluster leaves out.
  const byReason = new Map<string, string[]>();
  for (const i of u.invariants) if (i.reason) byReason.set(i.reason, [...(byReason.get(i.reason) ?? []), i.id]);
  for (const [reason, ids] of byReason) out.push(`out of reach in scope ${r.scope} (${reason}): ${ids.join(', ')}`);
  return out;
}

export function summaryLine(r: ConformReport, seconds?: number): string {
  // A rate only for a plain search: shrinking attempts and faults take time no operation counts.
  const rate = seconds === undefined ? '' : ` in ${seconds.toFixed(1)}s${r.verdict === 'ok' ? ` (${Math.round(r.steps / Math.max(seconds, 1e-9))} operations/s)` : ''}`;
  const verdict = r.verdict === 'ok' ? okText(r)
    : r.verdict === 'violation' ? 'VIOLATION'
    : r.verdict === 'unknown' ? 'interrupted: no violation found so far'
    : r.fault ? `FAULT (${r.fault.kind})` : `error: ${r.error?.split('\n')[0]}`;
  const unsure = r.indefinite ? `, ${r.indefinite} indefinite answers` : '';
  return `${r.scope} (${r.timing}, settle ${r.settle}): ${r.runs} runs, ${r.steps} operations${rate}${unsure}: ${verdict}`;
}

export function conformMarkdown(reports: readonly ConformReport[], meta: ConformMeta): string {
  const out: string[] = [
    '# svcspec conform',
    '',
    `Implementation: \`${meta.adapter.command}\`${meta.adapter.shell ? ' (through a shell)' : ''}, ${meta.adapter.timeoutMs} ms per answer. Verdict: **${overallVerdict(reports)}**.`,
    '',
  ];
  for (const r of reports) {
    out.push(`## Scope \`${r.scope}\`, ${r.timing} timing, settle ${r.settle}`, '', `Seed ${r.seed}: ${r.runs} runs, ${r.steps} operations, verdict **${r.verdict}**.${r.indefinite ? ` ${r.indefinite} indefinite answers.` : ''}${r.interrupted ? ' Interrupted (partial report).' : ''}`, '');
    if (r.supports) out.push(`The implementation supports: ${r.supports.operations ? `operations ${r.supports.operations.join(', ')}` : 'every operation'}; ${r.supports.kinds ? `kinds ${r.supports.kinds.join(', ')}` : 'every kind'}.`, '');
    const notExercised = unexercisedLines(r);
    if (notExercised.length) out.push('### Not exercised', '', ...notExercised.map((l) => `- ${l}`), '');
    if (r.fault) out.push('### Fault', '', '```', faultText(r), '```', '');
    if (r.error) out.push('### Runner error', '', '```', r.error, '```', '');
    if (r.counterexample) out.push('### Counterexample', '', '```', counterexampleText(r), '```', '');
    out.push('| invariant | statement | verdict | checked | precondition held |', '|---|---|---|---|---|');
    for (const { invariant, stats } of r.invariants) {
      const v = invariantVerdict(r, invariant.id);
      const mark = v === 'ok' ? 'ok' : v === 'violation' ? '**violation**' : '⚠ never exercised';
      out.push(`| \`${invariant.id}\` | ${invariant.statement.replace(/\|/g, '\\|')} | ${mark} | ${stats.checked} | ${stats.held} |`);
    }
    for (const rule of Object.values(CONFORMANCE_RULES)) {
      const v = r.counterexample && failureId(r.counterexample.failure) === rule.id ? '**violation**' : !r.compared ? 'not compared (--only)' : r.runs > 0 && !r.fault ? 'ok' : '—';
      out.push(`| \`${rule.id}\` | ${rule.statement.replace(/\|/g, '\\|')} | ${v} | | |`);
    }
    out.push('');
  }
  if (meta.skipped.length) out.push(`Not run, after the failure above: ${meta.skipped.map((s) => `${s.scope}/${s.timing}`).join(', ')}.`, '');
  return out.join('\n');
}
