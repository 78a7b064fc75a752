/**
 * What an implementation says it supports, read from its answer to `init`
 * (spec/schema/supports.schema.json): `{"supports": {"operations": [...], "kinds": [...]}}`. A name
 * the contract does not have is a protocol fault that names the entry — a typo would otherwise
 * silently leave a whole part of the spec unexercised.
 */
import { readFileSync } from 'node:fs';
import type { Supports } from '../model/index.ts';
import { didYouMean } from '../properties/load/diagnostics.ts';
import { packageFile } from '../properties/load/package-root.ts';

interface SupportsSchema {
  readonly properties: Record<keyof Supports, { items: { enum: string[] } }>;
}

let names: Record<keyof Supports, readonly string[]> | undefined;

/** The operation and kind names the contract has, from the schema (its one source). */
export function knownNames(): Record<keyof Supports, readonly string[]> {
  if (names) return names;
  const schema = JSON.parse(readFileSync(packageFile('spec', 'schema', 'supports.schema.json'), 'utf8')) as SupportsSchema;
  names = { operations: schema.properties.operations.items.enum, kinds: schema.properties.kinds.items.enum };
  return names;
}

/** The `supports` of an init answer, or the problem with it (a message naming the bad entry). */
export function readSupports(value: unknown): { supports?: Supports } | { problem: string } {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: `"supports" must be an object {operations?, kinds?}, got ${JSON.stringify(value)}` };
  const known = knownNames();
  const out: Record<string, string[]> = {};
  for (const [member, list] of Object.entries(value as Record<string, unknown>)) {
    if (!(member in known)) return { problem: `"supports" has an unknown member "${member}"${didYouMean(member, Object.keys(known))}: it lists "operations" and "kinds"` };
    const allowed = known[member as keyof Supports];
    if (!Array.isArray(list)) return { problem: `supports.${member} must be a list of names, got ${JSON.stringify(list)}` };
    for (const [i, name] of list.entries()) {
      if (typeof name !== 'string' || !allowed.includes(name)) {
        const what = member === 'operations' ? 'an operation of the contract' : 'an object kind of apply and delete';
        return { problem: `supports.${member}[${i}] ${JSON.stringify(name)} is not ${what}${typeof name === 'string' ? didYouMean(name, allowed) : ''} (known: ${allowed.join(', ')})` };
      }
    }
    out[member] = list as string[];
  }
  return { supports: out as Supports };
}
