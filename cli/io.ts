/** Output helpers: JSON lines on stdout with --json, text otherwise; files written only here. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// A reader that goes away (`svcspec run --json | head -1`) is not an error of ours: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

export function writeJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export const isTerminal = (): boolean => process.stderr.isTTY === true && !process.env.CI;
