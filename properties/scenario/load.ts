/**
 * Scenario files (docs/contract.md section 4): YAML with a name, an optional cluster and steps, each
 * `<op>: {fields}`, `expect: <CEL>`, or both. Loading validates everything up front (schema,
 * operation fields, CEL) so a run never starts on bad input; errors point at the exact node.
 */
import { readText } from '../load/read-text.ts';
import { dirname, resolve } from 'node:path';
import type { ClusterConfig, Operation } from '../../model/index.ts';
import { ConfigError, normalizeConfig } from '../../model/index.ts';
import type { CompiledCel } from '../cel/index.ts';
import { compileCelAt } from '../load/cel-source.ts';
import { type Diagnostic, InputError, didYouMean } from '../load/diagnostics.ts';
import { OPERATION_DEFS, issuesToDiagnostics, propertiesOf, schemaIssues, validator } from '../load/schemas.ts';
import { type Position, type SourceDoc, configErrorPath, parseYaml, parseYamlDocuments, positionInScalar, positionOf } from '../load/yaml-source.ts';

export interface ScenarioStep {
  /** 1-based number of the step in the file (a multi-document `file:` apply shares one number). */
  readonly number: number;
  readonly op?: Operation;
  readonly expect?: CompiledCel;
  readonly note?: string;
  readonly position: Position;
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly cluster: ClusterConfig;
  readonly steps: readonly ScenarioStep[];
}

const OPS = Object.keys(OPERATION_DEFS);
const NOT_OPS = new Set(['expect', 'note']);
const EXPECT_VARIABLES = ['state', 'last', 'cluster'];

function manifestsOf(src: SourceDoc, i: number, fields: Record<string, unknown>, out: Diagnostic[]): unknown[] {
  if (typeof fields.file === 'string') {
    const pos = positionOf(src, ['steps', i, 'apply', 'file']);
    const path = resolve(dirname(src.file), fields.file);
    const docs = parseYamlDocuments(path, readText(path, { file: src.file, ...pos }));
    return docs.map((d) => d.value).filter((v) => v !== null && v !== undefined);
  }
  if ('object' in fields) return [fields.object];
  if ('kind' in fields) return [fields];
  const pos = positionOf(src, ['steps', i, 'apply']);
  out.push({ file: src.file, ...pos, code: 'SVC007', message: 'apply needs "object", "file", or a manifest with a kind' });
  return [];
}

function loadStep(src: SourceDoc, raw: Record<string, unknown>, i: number, out: Diagnostic[]): ScenarioStep[] {
  const position = positionOf(src, ['steps', i]);
  const keys = Object.keys(raw).filter((k) => !NOT_OPS.has(k));
  const at = (path: (string | number)[], atKey = false) => positionOf(src, ['steps', i, ...path], atKey);
  for (const k of keys) {
    if (!OPS.includes(k)) out.push({ file: src.file, ...at([k], true), code: 'SVC003', message: `unknown operation "${k}"${didYouMean(k, OPS)}` });
  }
  const opNames = keys.filter((k) => OPS.includes(k));
  if (opNames.length > 1) out.push({ file: src.file, ...at([opNames[1]], true), code: 'SVC016', message: `a step has one operation; found ${opNames.join(', ')}` });
  let expect: CompiledCel | undefined;
  if (typeof raw.expect === 'string') {
    const c = compileCelAt(src, ['steps', i, 'expect'], raw.expect, 'expect');
    // Expectations see the cluster now (state), the last result (last) and the configuration (cluster).
    const stray = 'ok' in c ? c.reads.map((r) => r.split('.')[0]).find((v) => !EXPECT_VARIABLES.includes(v)) : undefined;
    if (stray) {
      const at = positionInScalar(src, ['steps', i, 'expect'], Math.max(0, raw.expect.search(new RegExp(`\\b${stray}\\b`))));
      out.push({ file: src.file, ...at, code: 'SVC012', message: `expect: unknown variable "${stray}": an expectation sees ${EXPECT_VARIABLES.join(', ')} (prev, op, result and alternatives are for invariants)` });
    }
    else if ('ok' in c) expect = c;
    else out.push(c);
  }
  const note = typeof raw.note === 'string' ? raw.note : undefined;
  if (opNames.length !== 1) {
    if (keys.length === 0 && !expect && raw.expect === undefined) out.push({ file: src.file, ...position, code: 'SVC016', message: 'a step needs an operation or an expect' });
    return [{ number: i + 1, expect, note, position }];
  }
  const name = opNames[0];
  const fields = (raw[name] ?? {}) as Record<string, unknown>;
  const candidates = name === 'apply' ? manifestsOf(src, i, fields, out).map((object) => ({ op: 'apply', object })) : [{ ...fields, op: name }];
  return candidates.map((op, n) => {
    const v = validator(OPERATION_DEFS[name]);
    if (!v(op)) {
      const base = ['steps', i, name];
      const issues = schemaIssues(v.errors, (p) => (p.length === 0 ? propertiesOf(OPERATION_DEFS[name]).filter((k) => k !== 'op') : [])).map((x) => ({
        ...x,
        // `op` is implied by the key; `object` is the manifest itself when written inline.
        path: x.path[0] === 'object' && !('object' in fields) ? x.path.slice(1) : x.path,
        message: x.message.replace('missing required field "object"', 'missing manifest'),
      }));
      out.push(...issuesToDiagnostics(src, base, issues));
    }
    // Only the last of several applied documents carries the step's expect (it checks the last result).
    return { number: i + 1, op: op as Operation, expect: n === candidates.length - 1 ? expect : undefined, note, position };
  });
}

export function loadScenario(file: string, text = readText(file)): Scenario {
  const src = parseYaml(file, text);
  const out: Diagnostic[] = [];
  const v = validator('scenario.schema.json');
  if (!v(src.value)) {
    const allowed = (p: readonly (string | number)[]) =>
      p.length === 0 ? propertiesOf('scenario.schema.json') : p[0] === 'cluster' ? propertiesOf('cluster.schema.json') : p[0] === 'steps' ? [...OPS, 'expect', 'note'] : [];
    const issues = schemaIssues(v.errors, allowed).map((x) =>
      // A misspelt operation key is an unknown operation, not an unknown field.
      x.code === 'SVC006' && x.path[0] === 'steps' && x.path.length === 3 ? { ...x, code: 'SVC003' as const, message: x.message.replace('unknown field', 'unknown operation') } : x,
    );
    throw new InputError(issuesToDiagnostics(src, [], issues));
  }
  const value = src.value as { name: string; description?: string; cluster?: ClusterConfig; steps: Record<string, unknown>[] };
  try {
    normalizeConfig(value.cluster ?? {});
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const at = configErrorPath(['cluster'], e.message);
    out.push({ file, ...positionOf(src, at.path, at.atKey), code: 'SVC015', message: e.message });
  }
  const steps = value.steps.flatMap((raw, i) => loadStep(src, raw ?? {}, i, out));
  if (out.length) throw new InputError(out);
  return { file, name: value.name, description: value.description, cluster: value.cluster ?? {}, steps };
}
