/**
 * The contract's JSON Schemas (spec/schema/), compiled once with ajv. ajv errors become
 * diagnostics at the offending node: unknown fields (SVC006, with a suggestion), missing fields
 * (SVC007), anything else (SVC002).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageFile } from './package-root.ts';
import { type Code, type Diagnostic, didYouMean } from './diagnostics.ts';
import { type Path, type SourceDoc, positionOf } from './yaml-source.ts';

export const SCHEMA_DIR = packageFile('spec', 'schema');
const BASE = 'https://svcspec.dev/schema/';

let ajvInstance: Ajv | undefined;

export function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  const a = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  for (const f of readdirSync(SCHEMA_DIR).filter((n) => n.endsWith('.json')).sort()) {
    a.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')));
  }
  ajvInstance = a;
  return a;
}

const validators = new Map<string, ValidateFunction>();

/** A validator for `schema.json` or `schema.json#/$defs/Name`. */
export function validator(ref: string): ValidateFunction {
  let v = validators.get(ref);
  if (!v) {
    v = ajv().getSchema(BASE + ref);
    if (!v) throw new Error(`no schema ${ref}`);
    validators.set(ref, v);
  }
  return v;
}

/** The operation names and the schema definition of each (ApplyOp for apply, …). */
export const OPERATION_DEFS: Readonly<Record<string, string>> = Object.fromEntries(
  ['apply', 'delete', 'probe', 'listen', 'exit', 'advance', 'connect', 'http', 'ping', 'resolve', 'env', 'observe', 'settle', 'sync'].map((op) => [
    op,
    `operation.schema.json#/$defs/${op[0].toUpperCase()}${op.slice(1)}Op`,
  ]),
);

export interface SchemaIssue {
  readonly path: Path;
  readonly atKey: boolean;
  readonly code: Code;
  readonly message: string;
}

function pathOf(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((p) => {
    const s = p.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(s) ? Number(s) : s;
  });
}

/** ajv's errors, reduced to the most useful ones per location (oneOf reports every branch). */
export function schemaIssues(errors: readonly ErrorObject[] | null | undefined, allowedKeys?: (path: Path) => string[]): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const path = pathOf(e.instancePath);
    let issue: SchemaIssue;
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const hint = allowedKeys ? didYouMean(key, allowedKeys(path)) : '';
      issue = { path: [...path, key], atKey: true, code: 'SVC006', message: `unknown field "${key}"${hint}` };
    } else if (e.keyword === 'required') {
      const key = (e.params as { missingProperty: string }).missingProperty;
      issue = { path, atKey: false, code: 'SVC007', message: `missing required field "${key}"` };
    } else {
      const where = path.length ? path.join('.') : 'value';
      const allowed = e.keyword === 'enum' ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
      issue = { path, atKey: false, code: 'SVC002', message: `${where} ${e.message}${allowed}` };
    }
    const k = `${issue.code}|${issue.path.join('.')}|${issue.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(issue);
    }
  }
  return out;
}

export function issuesToDiagnostics(src: SourceDoc, base: Path, issues: readonly SchemaIssue[]): Diagnostic[] {
  return issues.map((i) => {
    const pos = positionOf(src, [...base, ...i.path], i.atKey);
    return { file: src.file, line: pos.line, col: pos.col, code: i.code, message: i.message };
  });
}

/**
 * The property names allowed at `path` of a value validated by `ref` (for "did you mean"):
 * the schema is followed through properties, additionalProperties, items and $refs; anything
 * it cannot follow (oneOf, …) allows nothing it can name.
 */
export function propertiesAt(ref: string, path: Path): string[] {
  type S = Record<string, unknown>;
  const resolve = (file: string, node: S): [string, S] | undefined => {
    for (let hops = 0; typeof node.$ref === 'string' && hops < 20; hops++) {
      const [f, pointer] = (node.$ref as string).split('#');
      file = f || file;
      let s = ajv().getSchema(BASE + file)?.schema as S | undefined;
      for (const part of (pointer ?? '').split('/').filter(Boolean)) s = s?.[part] as S | undefined;
      if (!s || typeof s !== 'object') return undefined;
      node = s;
    }
    return [file, node];
  };
  const [file0, pointer0] = ref.split('#');
  let at = resolve(file0, { $ref: `${file0}#${pointer0 ?? ''}` });
  for (const key of path) {
    if (!at) return [];
    const [file, node] = at;
    const next =
      typeof key === 'number'
        ? node.items
        : ((node.properties as S | undefined)?.[key] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined));
    at = next && typeof next === 'object' && !Array.isArray(next) ? resolve(file, next as S) : undefined;
  }
  return at ? Object.keys((at[1].properties ?? {}) as object) : [];
}

/** The property names a schema location allows (for "did you mean"). */
export function propertiesOf(ref: string): string[] {
  const [file, pointer] = ref.split('#');
  let s = (ajv().getSchema(BASE + file)?.schema ?? {}) as Record<string, unknown>;
  for (const part of (pointer ?? '').split('/').filter(Boolean)) s = (s[part] ?? {}) as Record<string, unknown>;
  return Object.keys((s.properties ?? {}) as object);
}
