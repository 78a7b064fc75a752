/**
 * The directory of the svcspec package, found from this module's own location: the files read at
 * run time (spec/*.yaml, spec/schema/*.json) ship beside package.json, and this module sits at
 * properties/load/ in the repository but at dist/properties/load/ in the installed package.
 * Never the working directory: `npx svcspec` runs from the user's project.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`svcspec: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();

/** A file shipped with the package, e.g. packageFile('spec', 'invariants.yaml'). */
export const packageFile = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);
