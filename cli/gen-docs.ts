/**
 * Writes docs/error-codes.md from the code registry (CODES in properties/load/diagnostics.ts),
 * with the malformed files of test/fixtures/spec-bad that show each code. Run
 * `npx tsx cli/gen-docs.ts` after changing either; test/cli/validate.test.ts fails when the
 * committed page is stale.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODES, type Code } from '../properties/load/diagnostics.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ERROR_CODES_DOC = join(root, 'docs/error-codes.md');
const FIXTURES = 'test/fixtures/spec-bad';

/** Who reports each code, in a few words. */
const WHERE: Record<Code, string> = {
  SVC001: 'every loader, before anything else (bad indentation, tabs, unclosed quotes, duplicate keys, more than one document)',
  SVC002: 'the JSON Schemas of spec/schema (wrong type, pattern, enum, range); the API server for Kubernetes manifests (`svcspec validate`), with its own message',
  SVC003: 'scenario steps: a step key that is no operation',
  SVC004: "CEL parser: an invariant's `holds` and `when`, a scenario's `expect`, a witness's `reach`",
  SVC005: 'a file on the command line, or an `apply: {file: …}` of a scenario',
  SVC006: 'the JSON Schemas (`additionalProperties: false`), with a suggestion when a known field is close',
  SVC007: 'the JSON Schemas (`required`); an `apply` without a manifest',
  SVC008: 'invariant ids, generator names, scope names',
  SVC009: 'CEL: a function or method that is neither built in nor a helper of docs/cel.md',
  SVC010: "an invariant's `after`, a generator's `op`, a scope's `explore.operations`",
  SVC011: 'CEL type checker; `holds`, `when` and `reach` must be bool',
  SVC012: 'CEL: a name that is not a variable of the environment',
  SVC013: 'reserved, not reported yet: an unknown scope, invariant or timing on the command line is an SVC014 usage error today',
  SVC014: 'command line: unknown flag, missing value, missing argument',
  SVC015: 'a `cluster:` configuration (bad CIDR, range, node names), shown at the field at fault',
  SVC016: 'scenario steps: none or several operations in one step',
  SVC017: '`svcspec merge`: reports of another command, svcspec version, spec or options; a shard missing or given twice; a file that is no shard report',
};

/** The `# expect:` codes of each fixture file. */
function fixturesByCode(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of readdirSync(join(root, FIXTURES)).filter((n) => n.endsWith('.yaml')).sort()) {
    const codes = new Set(readFileSync(join(root, FIXTURES, f), 'utf8').split('\n').flatMap((l) => /^# expect: \d+:\d+ (SVC\d{3})$/.exec(l)?.[1] ?? []));
    for (const c of codes) out.set(c, [...(out.get(c) ?? []), f]);
  }
  return out;
}

export function errorCodesMarkdown(): string {
  const examples = fixturesByCode();
  const rows = (Object.keys(CODES) as Code[]).map((code) => {
    const ex = (examples.get(code) ?? []).map((f) => `[${f.replace(/\.yaml$/, '')}](../${FIXTURES}/${f})`).join(', ');
    return `| ${code} | ${CODES[code]} | ${WHERE[code]} | ${ex || '—'} |`;
  });
  return [
    '<!-- Generated from CODES in properties/load/diagnostics.ts by `npx tsx cli/gen-docs.ts`. Do not edit by hand. -->',
    '',
    '# Error codes',
    '',
    'Bad input never produces a stack trace. Every problem svcspec finds in a spec file, a scenario,',
    'a Kubernetes manifest or the command line is one line',
    '',
    '```',
    'file:line:col: CODE message',
    '```',
    '',
    'pointing at the exact YAML node at fault (line and column are 1-based), and the command exits',
    'with status 2 after reporting every problem it found, not only the first. `svcspec validate',
    '[FILE…] --json` prints the same diagnostics as JSON lines `{"file","line","col","code","message"}`.',
    'Codes are stable: scripts and tests may match on them.',
    '',
    '| Code | Meaning | Reported by | Examples (test/fixtures/spec-bad) |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERROR_CODES_DOC, errorCodesMarkdown());
  console.log(`wrote ${ERROR_CODES_DOC}`);
}
