#!/usr/bin/env node
// The svcspec command. In the installed package it runs the compiled JavaScript in dist/ (built by
// `npm run build`, which `npm pack` runs); in the repository, where the TypeScript sources are,
// it runs them through tsx's loader (Node 20 has no type stripping), so edits need no build.
import { existsSync } from 'node:fs';

const fromSources = existsSync(new URL('./main.ts', import.meta.url));
if (fromSources) (await import('tsx/esm/api')).register();
const { main } = await import(fromSources ? './main.ts' : '../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
