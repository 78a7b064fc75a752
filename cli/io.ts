/** Output helpers: JSON lines on stdout with --json, text otherwise; files written only here. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export const isTerminal = (): boolean => process.stderr.isTTY === true && !process.env.CI;
