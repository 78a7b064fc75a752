/**
 * The check report, rendered by pure functions: data in, text out. check.json has stable keys and
 * nothing that varies between runs of the same seed (no clock, no durations); check.md is the same
 * data for people: a table of invariants, counterexamples as scripts, machine diagrams, coverage.
 */
import { toMermaid, tables } from '../../model/index.ts';
import { describeOp, describeResult } from '../../properties/engine/describe.ts';
import { type CheckReport, belowFloor, neverExercised } from '../../properties/engine/check.ts';
import { FLOOR } from '../../properties/engine/floor.ts';
import { type MachineCoverage, missedTransitions } from '../../properties/engine/coverage.ts';

export type Verdict = 'ok' | 'violation' | 'unexercised';

export function verdictOf(r: CheckReport, id: string): Verdict {
  if (r.counterexample?.violation.invariant.id === id) return 'violation';
  const s = r.invariants.find((x) => x.invariant.id === id)?.stats;
  return s && s.held > 0 ? 'ok' : 'unexercised';
}

export function checkJson(reports: readonly CheckReport[], coverage: readonly MachineCoverage[]): unknown {
  return {
    tool: 'svcspec check',
    floor: { preconditionHeld: FLOOR.held, shareOfChecked: FLOOR.share },
    neverExercised: neverExercised(reports),
    runs: reports.map((r) => ({
      scope: r.scope,
      timing: r.timing,
      seed: r.seed,
      runs: r.runs,
      ...(r.topUp ? { topUpRuns: r.topUp } : {}),
      steps: r.steps,
      verdict: r.error ? 'error' : r.counterexample ? 'violation' : 'ok',
      ...(r.error ? { error: r.error } : {}),
      floorMet: belowFloor(r).length === 0,
      ...(r.swarm ? { swarm: { meanGeneratorsKept: r.swarm.meanKept, generators: r.swarm.of } } : {}),
      invariants: r.invariants.map(({ invariant, stats, floor }) => ({
        id: invariant.id,
        statement: invariant.statement,
        verdict: verdictOf(r, invariant.id),
        checked: stats.checked,
        preconditionHeld: stats.held,
        floor: floor.status,
        ...(floor.status === 'below' ? { floorMissing: floor.missing } : floor.status === 'out-of-reach' ? { outOfReach: floor.reason } : {}),
      })),
      ...(r.counterexample ? { counterexample: counterexampleJson(r) } : {}),
    })),
    coverage: coverage.map((c) => ({
      machine: c.machine,
      states: { visited: c.states.visited.length, total: c.states.all.length, missing: c.states.all.filter((s) => !c.states.visited.includes(s)) },
      transitions: { visited: c.transitions.visited.length, total: c.transitions.all.length, missing: missedTransitions(c), unreachable: c.unreachable },
    })),
  };
}

function counterexampleJson(r: CheckReport): unknown {
  const c = r.counterexample!;
  return {
    invariant: c.violation.invariant.id,
    statement: c.violation.invariant.statement,
    step: c.violation.step + 1,
    seed: c.seed,
    path: c.path,
    replay: c.replay,
    shrinks: c.shrinks,
    oneMinimal: c.oneMinimal,
    deletionsTried: c.deletionsTried,
    ...(c.swarm ? { swarm: c.swarm } : {}),
    steps: c.transcript.ops.map((op, i) => ({ op, result: c.transcript.results[i] })),
    ...(c.violation.error ? { error: c.violation.error } : { value: c.violation.value ?? null }),
    changes: c.changes,
  };
}

/** The counterexample as a numbered script, the step that broke marked, and the replay line. */
export function counterexampleText(r: CheckReport): string {
  const c = r.counterexample!;
  const v = c.violation;
  const lines = [
    `✗ ${v.invariant.id} (${r.scope}, ${r.timing} timing)`,
    `  ${v.invariant.statement}`,
    `  ${v.invariant.location}`,
    '',
    ...c.transcript.ops.map((op, i) => `  ${String(i + 1).padStart(3)}${i === v.step ? ' ▶' : '  '} ${describeOp(op)}   ${describeResult(c.transcript.results[i])}`),
    '',
    `  broke after step ${v.step + 1}: ${v.error ? `error: ${v.error}` : `holds gave ${JSON.stringify(v.value)}`}`,
    ...c.changes.slice(0, 12).map((ch) => `    ${ch.list} ${ch.key}: ${ch.before === undefined ? 'added' : ch.after === undefined ? 'removed' : 'changed'}${ch.after !== undefined ? ` → ${JSON.stringify(ch.after)}` : ''}`),
    '',
    `  ${c.oneMinimal ? '1-minimal: no single step can be deleted with this rule still broken' : `not shown 1-minimal: the deletion budget ran out after ${c.deletionsTried} tries`}`,
    `  replay: ${c.replay}`,
  ];
  return lines.join('\n');
}

export function checkMarkdown(reports: readonly CheckReport[], coverage: readonly MachineCoverage[]): string {
  const out: string[] = ['# svcspec check', '', `The floor: every invariant's precondition holds at least ${FLOOR.held} times and on at least ${FLOOR.share * 100}% of the steps where it is checked, in each scope and timing, unless the scope declares it out of reach with a reason.`, ''];
  const never = neverExercised(reports);
  if (never.length) out.push(`> **Warning:** never exercised in any scope or timing (their preconditions never held, so they checked nothing): ${never.map((i) => `\`${i}\``).join(', ')}`, '');
  for (const r of reports) {
    out.push(`## Scope \`${r.scope}\`, ${r.timing} timing`, '', `Seed ${r.seed}: ${r.runs} runs${topUpNote(r)}, ${r.steps} steps.${r.swarm ? ` Swarm testing: a run kept ${r.swarm.meanKept} of ${r.swarm.of} generators on average.` : ''}${r.error ? ` **Error:** ${r.error}` : ''}`, '');
    out.push('| invariant | statement | verdict | checked | precondition held | floor |', '|---|---|---|---|---|---|');
    for (const { invariant, stats, floor } of r.invariants) {
      const verdict = verdictOf(r, invariant.id);
      const mark = verdict === 'ok' ? 'ok' : verdict === 'violation' ? '**violation**' : '⚠ never exercised';
      const met = floor.status === 'met' ? 'met' : floor.status === 'below' ? `**below** (${floor.missing} short)` : floor.status === 'unchecked' ? 'not checked in this scope' : `out of reach: ${floor.reason.replace(/\|/g, '\\|')}`;
      out.push(`| \`${invariant.id}\` | ${invariant.statement.replace(/\|/g, '\\|')} | ${mark} | ${stats.checked} | ${stats.held} | ${met} |`);
    }
    out.push('');
    if (r.counterexample) out.push('### Counterexample', '', '```', counterexampleText(r), '```', '');
  }
  out.push('## Coverage of the machines', '', '| machine | states visited | transitions visited |', '|---|---|---|');
  for (const c of coverage) out.push(`| ${c.machine} | ${c.states.visited.length}/${c.states.all.length} | ${c.transitions.visited.length}/${c.transitions.all.length} |`);
  out.push('');
  for (const c of coverage) {
    const missing = missedTransitions(c);
    if (missing.length) out.push(`Not visited in ${c.machine}: ${missing.map((m) => `\`${m}\``).join(', ')}`, '');
    for (const u of c.unreachable) out.push(`Unreachable in ${c.machine}: \`${u.transition}\` — ${u.reason}`, '');
  }
  out.push('## The machines', '');
  for (const t of Object.values(tables)) out.push(`### ${t.machine.id}`, '', '```mermaid', toMermaid(t.machine), '```', '');
  return out.join('\n');
}

/** ` (N past the budget, to meet the floor)` when the search topped the floor up, else ''. */
export function topUpNote(r: CheckReport): string {
  return r.topUp ? ` (${r.topUp} past the budget, to meet the floor)` : '';
}
