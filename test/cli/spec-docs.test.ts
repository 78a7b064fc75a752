/** The reference pages in docs/ are generated from the registries: a stale page fails here. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SPEC_DOCS } from '../../cli/gen-spec-docs.ts';
import { loadSpec } from '../../properties/spec/load.ts';

describe('generated reference docs', () => {
  const spec = loadSpec();
  for (const [file, make] of Object.entries(SPEC_DOCS)) {
    it(`${file} matches the spec (run npm run gen:docs)`, () => {
      expect(readFileSync(file, 'utf8')).toBe(make(spec));
    });
  }
});
