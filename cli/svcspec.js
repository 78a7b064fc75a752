#!/usr/bin/env node
// The svcspec command. TypeScript runs through tsx's loader (Node 20 has no type stripping).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
