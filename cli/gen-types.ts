/**
 * Derives the TypeScript types of the contract from spec/schema/*.json, so the schemas stay the one
 * source of truth (docs/architecture.md). `npm run gen:types` rewrites model/contract/types.generated.ts;
 * test/model/contract.test.ts fails when the committed file is stale.
 */
import { compile } from 'json-schema-to-typescript';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMAS = ['cluster', 'operation', 'result', 'observation', 'scenario', 'supports'] as const;
export const GENERATED = join(root, 'model/contract/types.generated.ts');

export async function generateTypes(): Promise<string> {
  const parts: string[] = [
    '/* eslint-disable */',
    '// Generated from spec/schema/*.schema.json by `npm run gen:types`. Do not edit by hand.',
    '',
  ];
  const seen = new Set<string>();
  for (const name of SCHEMAS) {
    const schema = JSON.parse(readFileSync(join(root, 'spec/schema', `${name}.schema.json`), 'utf8'));
    const ts = await compile(schema, schema.title, {
      bannerComment: '',
      cwd: join(root, 'spec/schema'),
      additionalProperties: false,
      strictIndexSignatures: false,
      format: true,
      declareExternallyReferenced: true,
    });
    // Declarations shared between schemas (observation inside result, cluster inside scenario) appear once.
    for (const block of ts.split(/\n(?=export )/)) {
      const m = /^export (?:interface|type) (\w+)/.exec(block.trim());
      if (m && seen.has(m[1])) continue;
      if (m) seen.add(m[1]);
      parts.push(block.trim());
    }
  }
  return parts.join('\n\n') + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERATED, await generateTypes());
  console.log(`wrote ${GENERATED}`);
}
