/** The explore report, rendered by pure functions: explore.json and explore.md. */
import { stringify } from 'yaml';
import { describeOp, describeResult } from '../../properties/engine/describe.ts';
import type { ExploreReport, InvariantVerdict } from '../../properties/explore/explore.ts';
import type { Scope } from '../../properties/spec/types.ts';

export function exploreJson(reports: readonly ExploreReport[], replayFiles: ReadonlyMap<string, string>): unknown {
  return {
    tool: 'svcspec explore',
    scopes: reports.map((r) => ({
      scope: r.scope,
      timing: r.timing,
      states: r.states,
      transitions: r.transitions,
      depthCompleted: r.depthCompleted,
      stoppedBy: r.stoppedBy,
      seconds: Number(r.seconds.toFixed(3)),
      statesPerSecond: Math.round(r.statesPerSecond),
      ...(r.bytesPerState !== undefined ? { bytesPerState: Number(r.bytesPerState.toFixed(1)) } : {}),
      ...(r.replayedSteps !== undefined ? { replayedSteps: r.replayedSteps } : {}),
      ...(r.symmetry ? { symmetry: r.symmetry } : {}),
      ...(r.collision ? { fingerprintCollision: { optimistic: r.collision.optimistic, actual: r.collision.actual } } : {}),
      invariants: r.verdicts.map((v) => ({
        id: v.invariant.id,
        verdict: v.verdict,
        ...(v.reason ? { reason: v.reason } : {}),
        ...(v.exercised !== undefined ? { exercised: v.exercised } : {}),
        ...(v.trace ? { trace: v.trace.map((s) => ({ op: s.op, result: s.result })), replay: replayFiles.get(`${r.scope}/${r.timing}/${v.invariant.id}`) } : {}),
      })),
    })),
  };
}

/** An `ok` whose precondition never held judged nothing: said wherever the verdict is shown. */
export const NEVER_EXERCISED = 'never exercised: its precondition never held in this scope';

/** The fingerprint collision probability as TLC prints it: optimistic, then from the actual fingerprints. */
export function collisionText(r: ExploreReport): string {
  if (!r.collision) return 'exact keys (no fingerprints)';
  return `fingerprint collision probability ${r.collision.optimistic.toExponential(1)} (optimistic), ${r.collision.actual.toExponential(1)} (actual fingerprints)`;
}

/** Bytes per distinct state the search held (visited set, frontier, parent links). */
export function bytesText(r: ExploreReport): string {
  return r.bytesPerState === undefined ? '' : `${r.bytesPerState.toFixed(1)} bytes/state`;
}

export function traceText(v: InvariantVerdict): string {
  return (v.trace ?? []).map((s, i) => `  ${String(i + 1).padStart(3)} ${describeOp(s.op)}   ${describeResult(s.result)}`).join('\n');
}

export function exploreMarkdown(reports: readonly ExploreReport[], replayFiles: ReadonlyMap<string, string>): string {
  const out = [
    '# svcspec explore',
    '',
    '| scope | timing | distinct states | transitions | depth completed | stopped by | seconds | states/s | bytes/state | fingerprint collision (optimistic / actual) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of reports) {
    const collision = r.collision ? `${r.collision.optimistic.toExponential(1)} / ${r.collision.actual.toExponential(1)}` : 'exact keys';
    out.push(`| ${r.scope} | ${r.timing} | ${r.states} | ${r.transitions} | ${r.depthCompleted} | ${r.stoppedBy} | ${r.seconds.toFixed(1)} | ${Math.round(r.statesPerSecond)} | ${r.bytesPerState?.toFixed(1) ?? ''} | ${collision} |`);
  }
  for (const r of reports) {
    out.push('', `## ${r.scope} (${r.timing})`, '', '| invariant | verdict | precondition held (transitions) |', '|---|---|---|');
    for (const v of r.verdicts) {
      const verdict = v.verdict === 'violation' ? `**violation** (${v.trace!.length} steps)` : v.reason ? `${v.verdict} (${v.reason})` : v.verdict === 'ok' && v.exercised === 0 ? `ok (${NEVER_EXERCISED})` : v.verdict;
      out.push(`| \`${v.invariant.id}\` | ${verdict} | ${v.exercised ?? ''} |`);
    }
    for (const v of r.verdicts.filter((x) => x.trace)) {
      out.push('', `### ${v.invariant.id}`, '', v.invariant.statement, '', '```', traceText(v), '```', '', `Replay: \`npx svcspec replay ${replayFiles.get(`${r.scope}/${r.timing}/${v.invariant.id}`)}\``);
    }
  }
  return `${out.join('\n')}\n`;
}

/** A shortest trace as a scenario file, so `svcspec replay FILE` (or `run`) re-runs it. */
export function traceScenario(scope: Scope, timing: string, v: InvariantVerdict): string {
  const steps = (v.trace ?? []).map((s) => {
    const { op, ...fields } = s.op as unknown as Record<string, unknown>;
    return { [op as string]: fields };
  });
  const doc = { name: `shortest trace: ${v.invariant.id} (${scope.name}, ${timing})`, description: v.invariant.statement, cluster: { ...scope.cluster, timing, seed: 0 }, steps };
  return stringify(doc, { lineWidth: 0 });
}
