/**
 * Reference pages generated from the registries, never written twice by hand (STYLE.md habit 9):
 * docs/invariants.md from spec/invariants.yaml, docs/cel.md from the CEL environment and helper
 * registry, docs/operations.md from the operation catalogue and the scopes. `npm run gen:docs`
 * rewrites them; test/cli/spec-docs.test.ts fails when a committed page is stale.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { celLibraryMarkdown } from '../properties/cel/index.ts';
import { loadSpec } from '../properties/spec/load.ts';
import type { Spec } from '../properties/spec/types.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HEADER = (from: string) => `<!-- Generated from ${from} by \`npm run gen:docs\`. Do not edit by hand. -->\n\n`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function invariantsMarkdown(spec: Spec): string {
  const out = [HEADER('spec/invariants.yaml') + '# Invariants', '', `${spec.invariants.length} rules. Each is checked by \`svcspec check\` and \`explore\` after the operations it names, in the timings it names; \`trace\` says how \`svcspec trace\` applies it to a recording.`, ''];
  const areas = [...new Set(spec.invariants.map((i) => i.id.split('/')[0]))];
  for (const area of areas) {
    out.push(`## ${area}`, '', '| id | statement | after | timings | trace | sources |', '|---|---|---|---|---|---|');
    for (const i of spec.invariants.filter((x) => x.id.split('/')[0] === area)) {
      out.push(`| \`${i.id}\` | ${cell(i.statement)} | ${i.after ? [...i.after].join(', ') : 'any'} | ${[...i.timings].join(', ')} | ${i.trace} | ${cell(i.sources.join('; '))} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

export function operationsMarkdown(spec: Spec): string {
  const out = [HEADER('spec/operations.yaml and spec/scopes.yaml') + '# Operation catalogue and scopes', '', '## Generators', '', '| name | operation | weight | what it makes |', '|---|---|---|---|'];
  for (const g of spec.generators) {
    const uses = g.operations || g.kinds ? ` (uses ${[...(g.operations ? [g.operations.join(', ')] : []), ...(g.kinds ? [`${g.kindPerOperation ? 'one of ' : ''}${g.kinds.join(', ')}`] : [])].join('; ')})` : '';
    out.push(`| \`${g.name}\` | ${g.op}${g.kind ? ` ${g.kind}` : ''}${uses} | ${g.weight} | ${cell(g.description)}${g.invalid ? ' (refused by the API server)' : ''}${g.optIn ? ' (opt-in: drawn only by scopes that list it)' : ''} |`);
  }
  out.push('', '## Value domains', '', ...Object.entries(spec.domains).map(([k, v]) => `- \`${k}\`: ${(v as unknown[]).join(', ')}`), '', '## Scopes', '', '| scope | nodes | pods | Services | max steps | explore depth | description |', '|---|---|---|---|---|---|---|');
  for (const s of spec.scopes) {
    const draws = s.generators ? ` Draws ${s.generators.map((g) => `\`${g}\``).join(', ')}.` : '';
    const reach = s.outOfReach?.length ? ` Out of reach, with reasons in spec/scopes.yaml: ${s.outOfReach.map((o) => `\`${o.invariant}\``).join(', ')}.` : '';
    out.push(`| \`${s.name}\` | ${(s.cluster.nodes ?? ['node-1', 'node-2']).length} | ${s.pods.length} | ${s.services.length} | ${s.maxSteps} | ${s.explore?.depth ?? '—'} | ${cell(s.description)}${draws}${reach} |`);
  }
  return `${out.join('\n')}\n`;
}

export function celMarkdown(): string {
  return `${HEADER('properties/cel (environment and helper registry)')}${celLibraryMarkdown()}`;
}

export const SPEC_DOCS = {
  'docs/invariants.md': (spec: Spec) => invariantsMarkdown(spec),
  'docs/operations.md': (spec: Spec) => operationsMarkdown(spec),
  'docs/cel.md': () => celMarkdown(),
} as const;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const spec = loadSpec();
  for (const [file, make] of Object.entries(SPEC_DOCS)) {
    writeFileSync(join(root, file), make(spec));
    console.log(`wrote ${file}`);
  }
}
