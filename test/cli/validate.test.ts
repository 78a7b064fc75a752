/**
 * `svcspec validate` and the loaders behind it, on test/fixtures/spec-bad: malformed
 * invariants, operation catalogues, scopes, scenarios and Kubernetes manifests, each naming the
 * diagnostics it must produce in `# expect: LINE:COL CODE` header lines (exactly those, no
 * others). Every fixture is checked in process (validateText, and the loader of its kind) and
 * through the CLI (one run over all of them with --json, a few runs in text form).
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectKind, fieldPath, validateText } from '../../cli/commands/validate.ts';
import { ERROR_CODES_DOC, errorCodesMarkdown } from '../../cli/gen-docs.ts';
import { CODES, type Diagnostic, InputError } from '../../properties/load/diagnostics.ts';
import { parseYamlDocuments } from '../../properties/load/yaml-source.ts';
import { loadScenario } from '../../properties/scenario/load.ts';
import { loadInvariants, loadOperations, loadScopes } from '../../properties/spec/load.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BAD = 'test/fixtures/spec-bad';

interface Expected {
  line: number;
  col: number;
  code: string;
}
const byPosition = (a: Expected, b: Expected) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code);
const key = (d: Expected) => `${d.line}:${d.col} ${d.code}`;

const fixtures = readdirSync(join(ROOT, BAD)).filter((f) => f.endsWith('.yaml')).sort().map((f) => `${BAD}/${f}`);

function expected(file: string): Expected[] {
  return readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('# expect:'))
    .map((l) => {
      const m = /^# expect: (\d+):(\d+) (SVC\d{3})$/.exec(l);
      if (!m) throw new Error(`${file}: bad "# expect:" header "${l}"`);
      return { line: Number(m[1]), col: Number(m[2]), code: m[3] };
    })
    .sort(byPosition);
}
const positions = (ds: readonly Diagnostic[]) => ds.map((d) => ({ line: d.line, col: d.col, code: d.code })).sort(byPosition);

/** The loader a fixture exercises, by its name. */
const LOADER: Record<string, (file: string) => unknown> = {
  inv: loadInvariants,
  ops: (f) => loadOperations(f),
  scopes: loadScopes,
  scenario: loadScenario,
};

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}
function cli(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'cli/svcspec.js'), ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('test/fixtures/spec-bad', () => {
  it('has at least 30 malformed files, each with its expectation, covering every loader code', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    const codes = new Set<string>();
    for (const f of fixtures) {
      const e = expected(f);
      expect(e.length, `${f} has no "# expect:" header`).toBeGreaterThan(0);
      for (const x of e) codes.add(x.code);
    }
    // Everything but the command-line codes (SVC013 reserved, SVC014 usage, SVC017 shard reports: test/cli/shards.test.ts).
    expect([...codes].sort()).toEqual(Object.keys(CODES).filter((c) => !['SVC013', 'SVC014', 'SVC017'].includes(c)));
  });

  describe.each(fixtures)('%s', (file) => {
    it('validateText reports exactly the expected diagnostics', () => {
      const report = validateText(file, readFileSync(join(ROOT, file), 'utf8'));
      expect(positions(report.diagnostics).map(key)).toEqual(expected(file).map(key));
      for (const d of report.diagnostics) {
        expect(d.message.length).toBeGreaterThan(0);
        if (d.code !== 'SVC005') expect(d.file).toBe(file);
      }
    });

    const prefix = /^([a-z]+)-/.exec(file.slice(BAD.length + 1))?.[1] ?? '';
    if (Object.hasOwn(LOADER, prefix)) it('its loader throws the same InputError', () => {
      let thrown: unknown;
      try {
        LOADER[prefix](file);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect(positions((thrown as InputError).diagnostics).map(key)).toEqual(expected(file).map(key));
    });
  });
});

describe('svcspec validate (CLI)', () => {
  it('--json over every fixture: exit 2, one JSON line per expected diagnostic', async () => {
    const run = await cli('validate', ...fixtures, '--json');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Diagnostic);
    for (const d of lines) {
      expect(Object.keys(d)).toEqual(['file', 'line', 'col', 'code', 'message']);
      expect(Object.hasOwn(CODES, d.code)).toBe(true);
    }
    for (const f of fixtures) {
      const mine = lines.filter((d) => d.file === f);
      expect(positions(mine).map(key), f).toEqual(expected(f).map(key));
    }
    expect(lines.length).toBe(fixtures.reduce((n, f) => n + expected(f).length, 0));
  });

  it('text form: `file:line:col: CODE message` on stderr, in file order, exit 2', async () => {
    const files = [`${BAD}/inv-unknown-key-hold.yaml`, `${BAD}/manifest-bad-port.yaml`, `${BAD}/scenario-unknown-op.yaml`];
    const run = await cli('validate', ...files);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const got = run.stderr.split('\n').filter(Boolean);
    const want = files.flatMap((file) => expected(file).map((e) => `${file} ${e.line} ${e.col} ${e.code}`));
    expect(got.map((l) => /^(.+?):(\d+):(\d+): (SVC\d{3}) \S/.exec(l)?.slice(1, 5).join(' '))).toEqual(want);
    // A misspelt field gets a suggestion; the API server speaks for manifests, at the node of the field path.
    expect(run.stderr).toContain('SVC006 unknown field "hold" (did you mean "holds"?)');
    expect(run.stderr).toContain(
      `${BAD}/manifest-bad-port.yaml:13:13: SVC002 The Service "kubia" is invalid: spec.ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive`,
    );
  });

  it('no files: the spec directory, exit 0', async () => {
    const run = await cli('validate');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok spec\/invariants\.yaml \(\d+ invariants\)\nok spec\/operations\.yaml \(\d+ generators\)\nok spec\/scopes\.yaml \(\d+ scopes\)\n$/);
  });

  it('the examples: scenarios and manifests, directories expanded, exit 0', async () => {
    const run = await cli('validate', 'examples/scenarios', 'examples/manifests');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(17 + 4);
    for (const l of lines) expect(l).toMatch(/^ok examples\/(scenarios\/\S+ \(\d+ steps?\)|manifests\/\S+ \(\d+ manifests?\))$/);
  });

  it('a file that does not exist: SVC005 at 1:1, and the other files are still validated', async () => {
    const run = await cli('validate', 'no-such-file.yaml', 'examples/manifests/kubia-svc.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^no-such-file\.yaml:1:1: SVC005 /m);
    expect(run.stdout).toBe('ok examples/manifests/kubia-svc.yaml (1 manifest)\n');
  });
});

describe('validate internals', () => {
  it('recognises each kind of file by its keys, its name, or a misspelt key', () => {
    const kind = (file: string, text: string) => detectKind(file, parseYamlDocuments(file, text));
    expect(kind('x.yaml', 'invariants: []')).toBe('invariants');
    expect(kind('x.yaml', 'domains: {}')).toBe('operations');
    expect(kind('x.yaml', 'scopes: []')).toBe('scopes');
    expect(kind('x.yaml', 'steps: []')).toBe('scenario');
    expect(kind('x.yaml', 'name: a scenario without steps')).toBe('scenario');
    expect(kind('x.yaml', '---\n---\nkind: Pod\n---\nkind: Service')).toBe('manifests');
    expect(kind('spec/scopes.yaml', 'nothing: here')).toBe('scopes');
    expect(kind('x.yaml', 'invariant: []')).toBe('invariants');
    expect(kind('x.yaml', 'stepz: []')).toBe('scenario');
    expect(kind('x.yaml', '[1, 2]')).toMatchObject({ code: 'SVC002', line: 1, col: 1 });
    expect(kind('x.yaml', '')).toMatchObject({ code: 'SVC002', line: 1, col: 1 });
    expect(kind('constructor', 'a: 1')).toMatchObject({ code: 'SVC002', line: 1, col: 1 });
  });

  it('maps API field paths to paths into the manifest, dotted keys included', () => {
    const svc = { spec: { ports: [{ port: 1 }, { port: 2 }] }, metadata: { annotations: { 'kubernetes.io/ingress.class': 'x' }, labels: { 'a.b/c': 'd' } } };
    expect(fieldPath('spec.ports[1].port', svc)).toEqual(['spec', 'ports', 1, 'port']);
    expect(fieldPath('metadata.annotations.kubernetes.io/ingress.class', svc)).toEqual(['metadata', 'annotations', 'kubernetes.io/ingress.class']);
    expect(fieldPath('metadata.labels[a.b/c]', svc)).toEqual(['metadata', 'labels', 'a.b/c']);
    expect(fieldPath('spec.clusterIPs[0]', svc)).toEqual(['spec', 'clusterIPs', 0]);
    expect(fieldPath('kind', svc)).toEqual(['kind']);
    expect(fieldPath('', svc)).toEqual([]);
  });

  it('a manifest whose fields have the wrong JSON type is refused, not a crash', () => {
    const text = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: kubia}\nspec:\n  rules:\n  - http:\n      paths: {pathType: Prefix}\n';
    const r = validateText('x.yaml', text);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    for (const d of r.diagnostics) expect(d.code).toBe('SVC002');
  });
});

describe('docs/error-codes.md', () => {
  it('is generated from CODES (npx tsx cli/gen-docs.ts)', () => {
    expect(readFileSync(ERROR_CODES_DOC, 'utf8')).toBe(errorCodesMarkdown());
  });

  it('lists every code', () => {
    const doc = errorCodesMarkdown();
    for (const code of Object.keys(CODES)) expect(doc).toContain(`| ${code} |`);
  });
});
