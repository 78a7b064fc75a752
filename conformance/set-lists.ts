/**
 * Which lists of the contract are sets, as the JSON Schemas say (docs/contract.md, "Lists and
 * sets"): an array schema annotated `"x-svcspec-set": true` is a set whose elements are compared
 * whole; `"x-svcspec-set": ["namespace", "name"]` is a set keyed by those fields (elements with the
 * same key are the same object, compared field by field). Any other list is ordered. Read once from
 * spec/schema/, so the schema is the one place that decides it.
 */
import { ajv } from '../properties/load/schemas.ts';

export interface SetRule {
  /** The identity of an element; absent: the whole element is its identity. */
  readonly key?: readonly string[];
  /** Key fields' schema defaults, for elements that leave them out (a proxy entry's protocol: TCP). */
  readonly defaults: Readonly<Record<string, unknown>>;
}

/** Rules by path: property names from the schema's root joined by dots, array levels left out (`endpoints.subsets.addresses`). */
export type SetRules = ReadonlyMap<string, SetRule>;

const BASE = 'https://svcspec.dev/schema/';
type Node = Record<string, unknown>;

function rootOf(file: string): Node {
  const s = ajv().getSchema(BASE + file)?.schema;
  if (!s || typeof s !== 'object') throw new Error(`no schema ${file}`);
  return s as Node;
}

/** Follows `$ref`s (within a file, or to another schema file) to the node they name. */
function resolve(file: string, node: Node): [string, Node] {
  for (let hops = 0; typeof node.$ref === 'string' && hops < 20; hops++) {
    const [f, pointer] = (node.$ref as string).split('#');
    file = f || file;
    let s: unknown = rootOf(file);
    for (const part of (pointer ?? '').split('/').filter(Boolean)) s = (s as Node)?.[part];
    node = s as Node;
  }
  return [file, node];
}

function keyDefaults(file: string, array: Node, key: readonly string[]): Record<string, unknown> {
  const [, items] = resolve(file, (array.items as Node | undefined) ?? {});
  const props = (items?.properties as Record<string, Node> | undefined) ?? {};
  return Object.fromEntries(key.filter((k) => props[k] && 'default' in props[k]).map((k) => [k, props[k].default]));
}

function collect(file: string, raw: Node, path: string, out: Map<string, SetRule>, seen: Set<string>): void {
  const [f, node] = resolve(file, raw);
  if (!node || typeof node !== 'object') return;
  const set = node['x-svcspec-set'];
  if (set === true) out.set(path, { defaults: {} });
  if (Array.isArray(set)) out.set(path, { key: set as string[], defaults: keyDefaults(f, node, set as string[]) });
  // Guards against recursive schemas: a node is walked once per path.
  const id = `${f}|${path}|${JSON.stringify(raw.$ref ?? '')}`;
  if (seen.has(id) && raw.$ref) return;
  seen.add(id);
  for (const k of ['oneOf', 'anyOf', 'allOf'] as const) for (const b of (node[k] as Node[] | undefined) ?? []) collect(f, b, path, out, seen);
  if (node.items && typeof node.items === 'object') collect(f, node.items as Node, path, out, seen);
  for (const [name, child] of Object.entries((node.properties as Record<string, Node> | undefined) ?? {})) {
    collect(f, child, path ? `${path}.${name}` : name, out, seen);
  }
}

const cache = new Map<string, SetRules>();

/** The set rules of one schema file (`observation.schema.json`, `result.schema.json`). */
export function setRules(file: string): SetRules {
  let rules = cache.get(file);
  if (!rules) {
    const out = new Map<string, SetRule>();
    collect(file, rootOf(file), '', out, new Set());
    rules = out;
    cache.set(file, rules);
  }
  return rules;
}
