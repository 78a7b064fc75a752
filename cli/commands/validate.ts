/**
 * `svcspec validate [FILE…]`: the loaders without running anything. Each file is recognised by
 * its top-level keys (invariants, generators, scopes, a scenario's steps, or Kubernetes
 * manifests with a kind) and loaded as `svcspec check` / `svcspec run` would load it; manifests
 * go through the reference API server's defaulting and validation, each field error placed on
 * the YAML node of its field path. Without files, the spec directory is validated. Exit 0 when
 * everything is valid, 2 with every diagnostic (`file:line:col: CODE message`, or JSON lines).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { defaultAndValidate } from '../../model/k8s/validation/index.ts';
import { invalid } from '../../model/k8s/field-errors.ts';
import { type Diagnostic, InputError, formatDiagnostic, suggest } from '../../properties/load/diagnostics.ts';
import { type Path, type SourceDoc, parseYamlDocuments, positionOf } from '../../properties/load/yaml-source.ts';
import { readText } from '../../properties/load/read-text.ts';
import { loadScenario } from '../../properties/scenario/load.ts';
import { SPEC_DIR, loadInvariants, loadOperations, loadScopes, loadSpec } from '../../properties/spec/load.ts';
import type { FlagSpec } from '../args.ts';
import { writeJsonLine } from '../io.ts';
import { expandFiles } from './run.ts';

export const VALIDATE_FLAGS: FlagSpec = {
  json: { type: 'boolean', help: 'one JSON line per diagnostic: {"file","line","col","code","message"}' },
  help: { type: 'boolean', help: 'show this help' },
};

export type FileKind = 'invariants' | 'operations' | 'scopes' | 'scenario' | 'manifests';

export interface FileReport {
  readonly file: string;
  /** What the file was taken for; undefined when it could not be told (or not read). */
  readonly kind?: FileKind;
  /** `41 invariants`, `3 steps`… when valid. */
  readonly summary?: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** The top-level key that identifies each kind of file. */
const MARKERS: readonly (readonly [string, FileKind])[] = [
  ['invariants', 'invariants'],
  ['generators', 'operations'],
  ['domains', 'operations'],
  ['scopes', 'scopes'],
  ['steps', 'scenario'],
  ['kind', 'manifests'],
  ['apiVersion', 'manifests'],
];
const BY_NAME: Readonly<Record<string, FileKind>> = { 'invariants.yaml': 'invariants', 'operations.yaml': 'operations', 'scopes.yaml': 'scopes' };
const SCENARIO_KEYS = new Set(['name', 'description', 'source', 'cluster']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a parsed file is: by its top-level keys, then by its file name, then by a misspelt marker
 * (`invariant:` is an invariants file with a typo, which its loader reports with a suggestion).
 */
export function detectKind(file: string, docs: readonly SourceDoc[]): FileKind | Diagnostic {
  const first = docs.find((d) => d.value !== null && d.value !== undefined);
  const keys = isRecord(first?.value) ? Object.keys(first.value) : [];
  for (const [key, kind] of MARKERS) if (keys.includes(key)) return kind;
  if (Object.hasOwn(BY_NAME, basename(file))) return BY_NAME[basename(file)];
  if (keys.some((k) => SCENARIO_KEYS.has(k))) return 'scenario';
  for (const k of keys) {
    const near = suggest(k, MARKERS.map(([m]) => m));
    if (near) return MARKERS.find(([m]) => m === near)![1];
  }
  const pos = first ? positionOf(first, []) : { line: 1, col: 1 };
  return {
    file,
    ...pos,
    code: 'SVC002',
    message: 'cannot tell what this file is: expected a top-level "invariants", "generators", "scopes" or "steps", or Kubernetes manifests with a "kind"',
  };
}

/**
 * A field path of the API server (`spec.ports[0].port`, `metadata.annotations[a.b/c]`) as a path
 * into the manifest. Keys may contain dots (annotation and label keys), so at each mapping the
 * longest run of dotted segments that is a key of the value wins.
 */
export function fieldPath(field: string, value: unknown): Path {
  const tokens: (string | number)[] = [];
  for (const m of field.matchAll(/\[(\d+)\]|\[([^\]]*)\]|([^.[\]]+)/g)) tokens.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3]));
  const path: (string | number)[] = [];
  let cur: unknown = value;
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (typeof t === 'number') {
      path.push(t);
      cur = Array.isArray(cur) ? cur[t] : undefined;
      i++;
      continue;
    }
    let j = i + 1;
    if (isRecord(cur)) {
      let end = i;
      while (end < tokens.length && typeof tokens[end] === 'string') end++;
      for (let k = end; k > i + 1; k--) {
        if (Object.hasOwn(cur, tokens.slice(i, k).join('.'))) {
          j = k;
          break;
        }
      }
    }
    const key = tokens.slice(i, j).join('.');
    path.push(key);
    cur = isRecord(cur) && Object.hasOwn(cur, key) ? cur[key] : undefined;
    i = j;
  }
  return path;
}

/**
 * An error on a whole mapping (`metadata.labels: Invalid value: "front end"`) names the bad key
 * or value, not where it is: the entry with that key, else with that value, is the node to show.
 */
function refine(path: Path, value: unknown, bad: unknown): { path: Path; atKey: boolean } {
  let node = value;
  for (const k of path) node = isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[k] : undefined;
  if (!isRecord(node) || typeof bad !== 'string') return { path, atKey: false };
  if (Object.hasOwn(node, bad)) return { path: [...path, bad], atKey: true };
  const key = Object.keys(node).find((k) => node[k] === bad);
  return key === undefined ? { path, atKey: false } : { path: [...path, key], atKey: false };
}

/** Each document through the API server's defaulting and validation; every field error at its node. */
export function validateManifests(docs: readonly SourceDoc[]): { count: number; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let count = 0;
  for (const src of docs) {
    if (src.value === null || src.value === undefined) continue;
    count++;
    if (!isRecord(src.value)) {
      diagnostics.push({ file: src.file, ...positionOf(src, []), code: 'SVC002', message: 'a Kubernetes manifest must be a mapping' });
      continue;
    }
    const kind = typeof src.value.kind === 'string' && src.value.kind ? src.value.kind : 'Object';
    const meta = src.value.metadata;
    const name = isRecord(meta) && typeof meta.name === 'string' ? meta.name : '';
    let r: ReturnType<typeof defaultAndValidate>;
    try {
      r = defaultAndValidate(src.value);
    } catch (e) {
      // The model validates decoded objects: a field of the wrong JSON type (a mapping where a
      // list belongs…) is a decode error (BadRequest) for the API server, and may trip the model.
      const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      diagnostics.push({ file: src.file, ...positionOf(src, []), code: 'SVC002', message: `The ${kind} "${name}" cannot be decoded: a field has the wrong type (${why})` });
      continue;
    }
    if (r.ok) continue;
    for (const e of r.errors) {
      const at = refine(fieldPath(e.field, src.value), src.value, e.value);
      const pos = positionOf(src, at.path, at.atKey);
      diagnostics.push({ file: src.file, ...pos, code: 'SVC002', message: invalid(kind, name, [e]).message });
    }
  }
  return { count, diagnostics };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Validates one file's text; never throws for bad input (only for bugs). */
/**
 * The invariant ids a scopes or operations file may name: those of the invariants.yaml beside it,
 * else the package's own (a file on its own is checked against the spec it will run with).
 */
function invariantIdsFor(file: string): ReadonlySet<string> | undefined {
  const beside = join(dirname(file), 'invariants.yaml');
  try {
    return new Set(loadInvariants(existsSync(beside) ? beside : join(SPEC_DIR, 'invariants.yaml')).map((i) => i.id));
  } catch (e) {
    if (e instanceof InputError) return undefined; // its own diagnostics come when it is validated itself
    throw e;
  }
}

export function validateText(file: string, text: string): FileReport {
  try {
    const docs = parseYamlDocuments(file, text);
    const kind = detectKind(file, docs);
    if (typeof kind !== 'string') return { file, diagnostics: [kind] };
    const ok = (summary: string): FileReport => ({ file, kind, summary, diagnostics: [] });
    switch (kind) {
      case 'invariants':
        return ok(plural(loadInvariants(file, text).length, 'invariant'));
      case 'operations':
        return ok(plural(loadOperations(file, text, invariantIdsFor(file)).generators.length, 'generator'));
      case 'scopes':
        return ok(plural(loadScopes(file, text, { invariants: invariantIdsFor(file) }).length, 'scope'));
      case 'scenario':
        return ok(plural(new Set(loadScenario(file, text).steps.map((s) => s.number)).size, 'step'));
      case 'manifests': {
        const { count, diagnostics } = validateManifests(docs);
        return diagnostics.length ? { file, kind, diagnostics } : ok(plural(count, 'manifest'));
      }
    }
  } catch (e) {
    if (e instanceof InputError) return { file, diagnostics: e.diagnostics };
    throw e;
  }
}

export function validateFile(file: string): FileReport {
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    if (e instanceof InputError) return { file, diagnostics: e.diagnostics };
    throw e;
  }
  return validateText(file, text);
}

/** The spec directory as `svcspec check` loads it: one report per file. */
export function validateSpecDir(dir = SPEC_DIR): FileReport[] {
  const files = ['invariants', 'operations', 'scopes'].map((n) => join(dir, `${n}.yaml`));
  try {
    const spec = loadSpec(dir);
    return [
      { file: files[0], kind: 'invariants', summary: plural(spec.invariants.length, 'invariant'), diagnostics: [] },
      { file: files[1], kind: 'operations', summary: plural(spec.generators.length, 'generator'), diagnostics: [] },
      { file: files[2], kind: 'scopes', summary: plural(spec.scopes.length, 'scope'), diagnostics: [] },
    ];
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    // Anything not about one of the three files (there should be nothing) stays with the first.
    const owner = (d: Diagnostic) => (files.includes(d.file) ? d.file : files[0]);
    return files.map((file) => ({ file, diagnostics: e.diagnostics.filter((d) => owner(d) === file) }));
  }
}

/** The spec directory as the user would type it: relative to the working directory when inside it. */
function displayDir(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
}

export async function validateCommand(flags: Record<string, unknown>, positionals: string[]): Promise<number> {
  const reports = positionals.length ? expandFiles(positionals).map(validateFile) : validateSpecDir(displayDir(SPEC_DIR));
  const json = flags.json === true;
  let bad = 0;
  for (const r of reports) {
    if (r.diagnostics.length) bad++;
    for (const d of r.diagnostics) {
      if (json) writeJsonLine({ file: d.file, line: d.line, col: d.col, code: d.code, message: d.message });
      else process.stderr.write(`${formatDiagnostic(d)}\n`);
    }
    if (!json && !r.diagnostics.length) process.stdout.write(`ok ${r.file}${r.summary ? ` (${r.summary})` : ''}\n`);
  }
  return bad ? 2 : 0;
}
