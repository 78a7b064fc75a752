/**
 * The spec loader, the only code that reads spec/*.yaml: YAML with positions → schema (ajv) →
 * cross-checks (duplicate ids, unknown operations, timings, scopes) → CEL compiled. Every
 * problem is a diagnostic `file:line:col: CODE message`; nothing half-loaded is returned.
 */
import { join } from 'node:path';
import { ConfigError, normalizeConfig } from '../../model/index.ts';
import { compileCelAt } from '../load/cel-source.ts';
import { type Diagnostic, InputError, didYouMean } from '../load/diagnostics.ts';
import { OPERATION_DEFS, issuesToDiagnostics, propertiesAt, schemaIssues, validator } from '../load/schemas.ts';
import { type Path, type SourceDoc, configErrorPath, parseYaml, positionOf } from '../load/yaml-source.ts';
import { packageFile } from '../load/package-root.ts';
import { readText } from '../load/read-text.ts';
import type { Domains, GeneratorSpec, Invariant, Scope, Spec, Timing, TraceMode } from './types.ts';

export const SPEC_DIR = packageFile('spec');
const OPS = Object.keys(OPERATION_DEFS);

function diag(src: SourceDoc, path: Path, code: Diagnostic['code'], message: string, atKey = false): Diagnostic {
  return { file: src.file, ...positionOf(src, path, atKey), code, message };
}

/** Schema first: a file that does not have the right shape is not cross-checked. */
function checkSchema(src: SourceDoc, schema: string): void {
  const v = validator(schema);
  if (v(src.value)) return;
  throw new InputError(issuesToDiagnostics(src, [], schemaIssues(v.errors, (p) => propertiesAt(schema, p))));
}

export function loadInvariants(file: string, text = readText(file)): Invariant[] {
  const src = parseYaml(file, text);
  checkSchema(src, 'invariants.schema.json');
  const raw = (src.value as { invariants: Record<string, unknown>[] }).invariants;
  const out: Diagnostic[] = [];
  const seen = new Map<string, number>();
  const invariants: Invariant[] = [];
  raw.forEach((r, i) => {
    const id = r.id as string;
    if (seen.has(id)) out.push(diag(src, ['invariants', i, 'id'], 'SVC008', `duplicate invariant id "${id}" (first defined in entry ${seen.get(id)! + 1})`));
    else seen.set(id, i);
    if (Array.isArray(r.after)) {
      (r.after as string[]).forEach((name, j) => {
        if (!OPS.includes(name)) out.push(diag(src, ['invariants', i, 'after', j], 'SVC010', `invariant ${id} is checked after unknown operation "${name}"${didYouMean(name, OPS)}`));
      });
    }
    const compile = (key: 'holds' | 'when') => {
      if (typeof r[key] !== 'string') return undefined;
      const c = compileCelAt(src, ['invariants', i, key], r[key] as string, `${key} of ${id}`);
      if (!('ok' in c)) {
        out.push(c);
        return undefined;
      }
      if (c.type !== 'bool' && c.type !== 'dyn') {
        out.push(diag(src, ['invariants', i, key], 'SVC011', `${key} of ${id} must be a bool expression, found ${c.type}`));
        return undefined;
      }
      return c;
    };
    const holds = compile('holds');
    const when = compile('when');
    if (!holds) return;
    invariants.push({
      id,
      statement: r.statement as string,
      sources: r.sources as string[],
      after: r.after === 'any' ? undefined : new Set(r.after as string[]),
      timings: new Set(r.timings as Timing[]),
      trace: r.trace as TraceMode,
      when,
      holds,
      location: `${file}:${positionOf(src, ['invariants', i]).line}`,
    });
  });
  if (out.length) throw new InputError(out);
  return invariants;
}

/** `invariantIds`, when known, checks the invariants generators aim at. */
export function loadOperations(file: string, text = readText(file), invariantIds?: ReadonlySet<string>): { generators: GeneratorSpec[]; domains: Domains } {
  const src = parseYaml(file, text);
  checkSchema(src, 'operations.schema.json');
  const value = src.value as { generators: GeneratorSpec[]; domains: Domains };
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  value.generators.forEach((g, i) => {
    if (seen.has(g.name)) out.push(diag(src, ['generators', i, 'name'], 'SVC008', `duplicate generator "${g.name}"`));
    seen.add(g.name);
    if (!OPS.includes(g.op)) out.push(diag(src, ['generators', i, 'op'], 'SVC010', `generator ${g.name} makes unknown operation "${g.op}"${didYouMean(g.op, OPS)}`));
    (g.aims ?? []).forEach((id, j) => {
      if (invariantIds && !invariantIds.has(id)) out.push(diag(src, ['generators', i, 'aims', j], 'SVC013', `generator ${g.name} aims at unknown invariant "${id}"${didYouMean(id, invariantIds)}`));
    });
    (g.operations ?? []).forEach((name, j) => {
      if (!OPS.includes(name)) out.push(diag(src, ['generators', i, 'operations', j], 'SVC010', `generator ${g.name} uses unknown operation "${name}"${didYouMean(name, OPS)}`));
    });
  });
  if (out.length) throw new InputError(out);
  return value;
}

/** A witness "reach X" is checked as the invariant "never X": its violation is the trace to X. */
function witnessInvariants(src: SourceDoc, i: number, scope: Omit<Scope, 'witnesses'>, out: Diagnostic[]): Invariant[] {
  return (scope.explore?.witnesses ?? []).flatMap((w, j) => {
    const path = ['scopes', i, 'explore', 'witnesses', j, 'reach'];
    const c = compileCelAt(src, path, w.reach, `reach of witness ${w.id}`);
    if (!('ok' in c)) {
      out.push(c);
      return [];
    }
    if (c.type !== 'bool' && c.type !== 'dyn') {
      out.push(diag(src, path, 'SVC011', `reach of witness ${w.id} must be a bool expression, found ${c.type}`));
      return [];
    }
    // The newline ends a trailing `//` comment before the closing parenthesis.
    const negated = compileCelAt(src, path, `!(${w.reach}\n)`, `reach of witness ${w.id}`);
    if (!('ok' in negated)) {
      out.push(negated);
      return [];
    }
    const location = `${src.file}:${positionOf(src, ['scopes', i, 'explore', 'witnesses', j]).line}`;
    return [{ id: `witness/${w.id}`, statement: w.statement, sources: [`scope ${scope.name}`], timings: new Set<Timing>(['sync', 'async']), trace: 'none' as const, holds: negated, location }];
  });
}

/** The ids and names the scopes may refer to, when known: checked where the scopes name them. */
export interface ScopeReferences {
  readonly invariants?: ReadonlySet<string>;
  readonly generators?: ReadonlySet<string>;
}

export function loadScopes(file: string, text = readText(file), known: ScopeReferences = {}): Scope[] {
  const src = parseYaml(file, text);
  checkSchema(src, 'scopes.schema.json');
  const out: Diagnostic[] = [];
  const raw = (src.value as { scopes: Omit<Scope, 'witnesses'>[] }).scopes;
  const scopes: Scope[] = raw.map((s, i) => ({ ...s, witnesses: witnessInvariants(src, i, s, out) }));
  const seen = new Set<string>();
  scopes.forEach((s, i) => {
    if (seen.has(s.name)) out.push(diag(src, ['scopes', i, 'name'], 'SVC008', `duplicate scope "${s.name}"`));
    seen.add(s.name);
    try {
      normalizeConfig(s.cluster);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const at = configErrorPath(['scopes', i, 'cluster'], e.message);
      out.push(diag(src, at.path, 'SVC015', e.message, at.atKey));
    }
    const named = (path: (string | number)[], id: string, verb: string, what = '') => {
      if (known.invariants && !known.invariants.has(id)) out.push(diag(src, path, 'SVC013', `scope ${s.name} ${verb} unknown invariant "${id}"${what}${didYouMean(id, known.invariants)}`));
    };
    (s.generators ?? []).forEach((name, j) => {
      if (known.generators && !known.generators.has(name)) out.push(diag(src, ['scopes', i, 'generators', j], 'SVC010', `scope ${s.name} draws unknown generator "${name}"${didYouMean(name, known.generators)}`));
    });
    (s.explore?.alsoCheck ?? []).forEach((id, j) => named(['scopes', i, 'explore', 'alsoCheck', j], id, 'checks'));
    (s.outOfReach ?? []).forEach((x, j) => named(['scopes', i, 'outOfReach', j, 'invariant'], x.invariant, 'declares', ' out of reach'));
    (s.explore?.operations ?? []).forEach((op, j) => {
      const name = (op as { op?: unknown }).op;
      if (typeof name !== 'string' || !Object.hasOwn(OPERATION_DEFS, name)) {
        const hint = typeof name === 'string' ? didYouMean(name, OPS) : '';
        out.push(diag(src, ['scopes', i, 'explore', 'operations', j, 'op'], 'SVC010', `unknown operation ${JSON.stringify(name ?? null)}${hint}`));
        return;
      }
      const def = OPERATION_DEFS[name];
      const v = validator(def);
      if (!v(op)) out.push(...issuesToDiagnostics(src, ['scopes', i, 'explore', 'operations', j], schemaIssues(v.errors, (p) => propertiesAt(def, p))));
    });
  });
  if (out.length) throw new InputError(out);
  return scopes;
}

/** The whole spec directory; diagnostics of every file are reported together. */
export function loadSpec(dir = SPEC_DIR): Spec {
  const diagnostics: Diagnostic[] = [];
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (e instanceof InputError) diagnostics.push(...e.diagnostics);
      else throw e;
      return undefined;
    }
  };
  const invariants = attempt(() => loadInvariants(join(dir, 'invariants.yaml')));
  const ids = invariants ? new Set(invariants.map((i) => i.id)) : undefined;
  const ops = attempt(() => loadOperations(join(dir, 'operations.yaml'), undefined, ids));
  const generators = ops ? new Set(ops.generators.map((g) => g.name)) : undefined;
  const scopes = attempt(() => loadScopes(join(dir, 'scopes.yaml'), undefined, { invariants: ids, generators }));
  if (diagnostics.length || !invariants || !ops || !scopes) throw new InputError(diagnostics);
  return { invariants, generators: ops.generators, domains: ops.domains, scopes };
}
