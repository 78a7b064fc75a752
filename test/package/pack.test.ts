// The package as a user gets it: `npm pack` (which builds dist/ through prepack), an empty project
// that installs the tarball, then the commands a user runs first — from that project, so nothing
// may be read relative to the working directory or need the TypeScript sources or tsx — and
// examples/vitest run against the installed package (the reference adapter passes, a mutant fails).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'svcspec-pack-'));
const project = join(work, 'project');
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

// The child processes must not think they run inside this vitest (its workers set VITEST_*).
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && !['NODE_OPTIONS', 'TEST', 'FORCE_COLOR'].includes(k)));

function sh(cmd: string, args: string[], cwd: string, timeout = 300_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...env, CI: '1', NO_COLOR: '1' }, timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const npmFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

beforeAll(async () => {
  const packed = await sh('npm', ['pack', '--pack-destination', work, '--loglevel=error'], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  expect(existsSync(join(work, `svcspec-${version}.tgz`))).toBe(true);
  cpSync(join(ROOT, 'examples/vitest'), project, { recursive: true });
  // The example's package.json names the published svcspec; here it is the tarball just packed.
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  pkg.devDependencies.svcspec = `file:../svcspec-${version}.tgz`;
  writeFileSync(join(project, 'package.json'), JSON.stringify(pkg, null, 2));
  const installed = await sh('npm', ['install', ...npmFlags], project);
  expect(installed.code, installed.stderr).toBe(0);
  // A scenario of the repository, with the manifests it names, copied into the project.
  cpSync(join(ROOT, 'examples/scenarios/07-readiness-probe.yaml'), join(project, 'examples/scenarios/07-readiness-probe.yaml'));
  cpSync(join(ROOT, 'examples/manifests'), join(project, 'examples/manifests'), { recursive: true });
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const svcspec = (...args: string[]) => sh('npx', ['svcspec', ...args], project);

describe('the packed package', () => {
  it('ships compiled JavaScript with types, the spec and no TypeScript sources; tsx is not installed', () => {
    const pkg = join(project, 'node_modules/svcspec');
    expect(existsSync(join(pkg, 'dist/cli/main.js'))).toBe(true);
    expect(existsSync(join(pkg, 'dist/lib/index.d.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'spec/invariants.yaml'))).toBe(true);
    expect(existsSync(join(pkg, 'spec/schema/observation.schema.json'))).toBe(true);
    expect(existsSync(join(pkg, 'cli/main.ts'))).toBe(false);
    expect(readdirSync(join(pkg, 'dist'), { recursive: true }).some((f) => String(f).endsWith('.test.js'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
  });

  it('svcspec --help', async () => {
    const r = await svcspec('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: svcspec <command>');
  });

  it('svcspec check --runs 5', async () => {
    const r = await svcspec('check', '--runs', '5');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('small (sync): 5 runs');
    expect(existsSync(join(project, 'reports/check.json'))).toBe(true);
  }, 120_000);

  it('svcspec run <a scenario copied in>', async () => {
    const r = await svcspec('run', 'examples/scenarios/07-readiness-probe.yaml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('1 passed, 0 failed');
  }, 60_000);

  it('svcspec explore --scope no-readiness-probe', async () => {
    const r = await svcspec('explore', '--scope', 'no-readiness-probe');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('reached: witness/refused-by-starting-app');
  }, 120_000);

  it('svcspec conform --adapter "npx svcspec serve" --runs 5', async () => {
    const r = await svcspec('conform', '--adapter', 'npx svcspec serve', '--runs', '5');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('all invariants held');
  }, 120_000);

  it('examples/vitest against the installed package: the reference passes, the mutant fails', async () => {
    const r = await sh('npx', ['vitest', 'run', '--reporter=verbose'], project);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('the reference adapter conforms');
    expect(r.stdout).toContain('an adapter that reallocates ClusterIPs does not');
    expect(r.stdout).toMatch(/Tests\s+4 passed/);
  }, 300_000);

  it('the library entry imports and runs', async () => {
    const script = [
      "import { check, loadSpec, step, initialState, run } from 'svcspec';",
      "const spec = loadSpec();",
      "const r = check({ spec, scope: 'small', runs: 3 });",
      "const s = step(initialState({}), { op: 'observe' });",
      "const sc = await run('examples/scenarios/07-readiness-probe.yaml');",
      "console.log(JSON.stringify({ invariants: spec.invariants.length, runs: r.runs, broken: !!r.counterexample, observed: s.result.ok, passed: sc.passed }));",
    ].join('\n');
    writeFileSync(join(project, 'library.mjs'), script);
    const r = await sh('node', ['library.mjs'], project);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ runs: 3, broken: false, observed: true, passed: true });
  }, 60_000);
});
