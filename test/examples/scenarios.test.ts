/**
 * The scenario files end to end.
 *
 * - examples/scenarios: every file (the seed's walkthroughs) loads and passes on the reference
 *   model, in process (loader + runner, what `svcspec run` uses) and through the CLI.
 * - test/fixtures/scenarios-failing: well-formed scenarios that assert something Kubernetes does
 *   not do; each must FAIL (passed=false, exit 1), at exactly the steps its `# fails-at:` header
 *   names.
 * - test/fixtures/scenarios-bad: malformed scenarios; each must be rejected before anything runs
 *   (exit 2) with exactly the `file:line:col: CODE` diagnostics its `# diagnostic:` headers name.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ModelImplementation } from '../../properties/engine/implementation.ts';
import { CODES, InputError, formatDiagnostic } from '../../properties/load/diagnostics.ts';
import { loadScenario } from '../../properties/scenario/load.ts';
import { type ExpectOutcome, type ScenarioOutcome, type StepRecord, runScenario } from '../../properties/scenario/run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = 'examples/scenarios';
const FAILING = 'test/fixtures/scenarios-failing';
const BAD = 'test/fixtures/scenarios-bad';

/** Repository-relative paths of a directory's scenario files, sorted (as `svcspec run DIR` expands them). */
function filesIn(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => `${dir}/${f}`);
}

async function runFile(file: string): Promise<ScenarioOutcome> {
  const impl = new ModelImplementation();
  try {
    return await runScenario(impl, loadScenario(join(ROOT, file)));
  } finally {
    await impl.close();
  }
}

const failedExpects = (o: ScenarioOutcome): StepRecord[] => o.records.filter((r) => r.op === 'expect' && !(r.result as ExpectOutcome).ok);

/** Why a scenario failed, readable in the test report. */
function explain(o: ScenarioOutcome): string {
  return failedExpects(o)
    .map((r) => {
      const e = r.result as ExpectOutcome;
      const op = o.records.filter((x) => x.op !== 'expect' && x.step <= r.step).at(-1);
      return `step ${r.step}: ${e.expression.trim()}\n  ${e.error ? `error: ${e.error}` : `got ${JSON.stringify(e.value)}`}` +
        (op ? `\n  after step ${op.step} ${op.op} → ${JSON.stringify(op.result).slice(0, 400)}` : '');
    })
    .join('\n');
}

/** `# name: a b c` header lines of a fixture. */
function header(file: string, name: string): string[] {
  const re = new RegExp(`^#\\s*${name}:\\s*(.+)$`);
  return readFileSync(join(ROOT, file), 'utf8').split('\n').flatMap((l) => re.exec(l)?.[1].trim() ?? []);
}

interface Expected { line: number; col: number; code: string }
function expectedDiagnostics(file: string): Expected[] {
  return header(file, 'diagnostic').map((h) => {
    const m = /^(\d+):(\d+)\s+(SVC\d{3})$/.exec(h);
    if (!m) throw new Error(`${file}: bad "# diagnostic:" header "${h}"`);
    return { line: Number(m[1]), col: Number(m[2]), code: m[3] };
  });
}
const byPosition = (a: Expected, b: Expected) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code);

interface CliRun { code: number; stdout: string; stderr: string }
function cli(...args: string[]): Promise<CliRun> {
  return cliIn(ROOT, ...args);
}
function cliIn(cwd: string, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'cli/svcspec.js'), ...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `--json` output: one JSON value per line, each exactly {scenario, step, op, result}. */
function jsonLines(stdout: string): StepRecord[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  return lines.map((l) => {
    const v = JSON.parse(l) as StepRecord;
    expect(Object.keys(v)).toEqual(['scenario', 'step', 'op', 'result']);
    expect(typeof v.scenario).toBe('string');
    expect(Number.isInteger(v.step) && v.step >= 1).toBe(true);
    expect(typeof v.op).toBe('string');
    expect(typeof (v.result as { ok: unknown }).ok).toBe('boolean');
    return v;
  });
}


describe('examples/scenarios', () => {
  const files = filesIn(EXAMPLES);

  it('has the seed walkthroughs', () => {
    expect(files.length).toBeGreaterThanOrEqual(17);
  });

  describe.each(files)('%s', (file) => {
    it('names its source and describes itself', () => {
      const doc = parse(readFileSync(join(ROOT, file), 'utf8')) as { name?: string; source?: string; description?: string; steps: Record<string, unknown>[] };
      expect(doc.name?.trim()).toBeTruthy();
      expect(doc.source?.trim()).toBeTruthy();
      expect(doc.description?.trim()).toBeTruthy();
      expect(doc.source).toMatch(/seed/);
      if (!file.endsWith('01-kubia-service.yaml')) expect(doc.source).toMatch(/docs\/semantics\.md [AB]\d/);
      expect(doc.steps.some((s) => typeof s.expect === 'string')).toBe(true);
    });

    it('passes on the reference model', async () => {
      const outcome = await runFile(file);
      expect(outcome.passed, explain(outcome)).toBe(true);
      expect(outcome.records.filter((r) => r.op === 'expect').length).toBeGreaterThan(0);
    });
  });

  it('02: connections to the kubia Service reach all three pods', async () => {
    const outcome = await runFile(`${EXAMPLES}/02-kubia-connect-spread.yaml`);
    const reached = outcome.records
      .filter((r) => r.op === 'connect' && r.result.ok)
      .map((r) => (r.result as unknown as { pod: { name: string } }).pod.name);
    expect(reached.length).toBeGreaterThanOrEqual(9);
    expect(new Set(reached).size).toBe(3);
  });

  it('the same file gives the same transcript twice (the reference model is deterministic)', async () => {
    const a = await runFile(`${EXAMPLES}/07-readiness-probe.yaml`);
    const b = await runFile(`${EXAMPLES}/07-readiness-probe.yaml`);
    expect(JSON.stringify(b.records)).toBe(JSON.stringify(a.records));
  });
});

describe('test/fixtures/scenarios-failing: assertions Kubernetes contradicts', () => {
  describe.each(filesIn(FAILING))('%s', (file) => {
    it('loads, runs, and fails at the steps its header names', async () => {
      const want = header(file, 'fails-at').flatMap((h) => h.split(/\s+/)).map(Number);
      expect(want.length, `${file} needs a "# fails-at:" header`).toBeGreaterThan(0);
      const outcome = await runFile(file);
      expect(outcome.passed).toBe(false);
      expect(failedExpects(outcome).map((r) => r.step)).toEqual(want);
    });
  });
});

describe('test/fixtures/scenarios-bad: rejected with file:line:col: CODE', () => {
  describe.each(filesIn(BAD))('%s', (file) => {
    it('loader diagnostics', () => {
      const want = expectedDiagnostics(file).sort(byPosition);
      expect(want.length, `${file} needs "# diagnostic:" headers`).toBeGreaterThan(0);
      for (const w of want) expect(Object.keys(CODES)).toContain(w.code);
      const abs = join(ROOT, file);
      let error: unknown;
      try {
        loadScenario(abs);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      const got = (error as InputError).diagnostics;
      for (const d of got) {
        expect(d.file).toBe(abs);
        expect(formatDiagnostic(d)).toMatch(/^.+:\d+:\d+: SVC\d{3} \S/);
      }
      expect(got.map((d) => ({ line: d.line, col: d.col, code: d.code })).sort(byPosition)).toEqual(want);
    });
  });
});

describe.concurrent('svcspec run (the CLI, end to end)', () => {
  it('examples/scenarios --json: exit 0, one {scenario, step, op, result} line per step, as the runner records them', async () => {
    const run = await cli('run', EXAMPLES, '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    const files = filesIn(EXAMPLES);
    const outcomes = await Promise.all(files.map(runFile));
    expect(lines).toEqual(JSON.parse(JSON.stringify(outcomes.flatMap((o) => o.records))));
    expect(new Set(lines.map((l) => l.scenario))).toEqual(new Set(outcomes.map((o) => o.scenario.name)));
    expect(lines.filter((l) => l.op === 'expect').every((l) => (l.result as ExpectOutcome).ok)).toBe(true);
  });

  it('examples/scenarios in text: exit 0 and a summary', async () => {
    const run = await cli('run', EXAMPLES);
    expect(run.code).toBe(0);
    const n = filesIn(EXAMPLES).length;
    expect(run.stdout).toMatch(new RegExp(`^${n} passed, 0 failed \\(${n} scenarios, \\d+ steps\\)$`, 'm'));
  });

  it.each(filesIn(FAILING))('%s --json: exit 1, the failing expectations on their lines', async (file) => {
    const run = await cli('run', file, '--json');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const lines = jsonLines(run.stdout);
    const failed = lines.filter((l) => l.op === 'expect' && !(l.result as ExpectOutcome).ok).map((l) => l.step);
    expect(failed).toEqual(header(file, 'fails-at').flatMap((h) => h.split(/\s+/)).map(Number));
  });

  it('a passing and a failing file together: exit 1, both run', async () => {
    const failing = filesIn(FAILING)[0];
    const run = await cli('run', `${EXAMPLES}/01-kubia-service.yaml`, failing, '--json');
    expect(run.code).toBe(1);
    expect(new Set(jsonLines(run.stdout).map((l) => l.scenario)).size).toBe(2);
  });

  /** Runs the CLI on one bad fixture; returns what is wrong, or '' when it was rejected as its headers say. */
  async function rejectedAsDeclared(file: string): Promise<string> {
    const run = await cli('run', file, '--json');
    const got = run.stderr.split('\n').filter((l) => l !== '');
    const want = expectedDiagnostics(file).map((w) => `${file}:${w.line}:${w.col}: ${w.code} `);
    const problems = [
      run.code !== 2 ? `exit ${run.code}, not 2` : '',
      run.stdout !== '' ? `stdout not empty: ${run.stdout.slice(0, 200)}` : '',
      got.length !== want.length || !want.every((w) => got.some((l) => l.startsWith(w))) ? `want ${JSON.stringify(want)}, stderr:\n${run.stderr}` : '',
    ].filter(Boolean);
    return problems.length ? `${file}: ${problems.join('; ')}` : '';
  }

  it('every bad fixture --json: exit 2, nothing run, exactly its file:line:col: CODE diagnostics on stderr', async () => {
    const files = filesIn(BAD);
    const problems = (await Promise.all(files.map(rejectedAsDeclared))).filter(Boolean);
    expect(problems.join('\n')).toBe('');
  });

  it('bad input anywhere stops the whole run before any step: exit 2', async () => {
    const run = await cli('run', `${EXAMPLES}/01-kubia-service.yaml`, `${BAD}/unknown-op.yaml`, '--json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^test\/fixtures\/scenarios-bad\/unknown-op\.yaml:6:5: SVC003 /m);
  });

  it('usage errors: exit 2 with SVC014', async () => {
    const run = await cli('run', '--json');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/SVC014/);
  });

  it('a file that does not exist: exit 2 with SVC005', async () => {
    const run = await cli('run', `${EXAMPLES}/no-such-file.yaml`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^${EXAMPLES}/no-such-file\\.yaml:1:1: SVC005 `, 'm'));
  });

  it('relative manifest paths resolve against the scenario file, not the working directory', async () => {
    const run = await cliIn(tmpdir(), 'run', join(ROOT, `${EXAMPLES}/02-kubia-connect-spread.yaml`), '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
