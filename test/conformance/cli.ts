/** Runs the svcspec command line as a child process, as a user would (tests of conform and serve). */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function svcspec(args: readonly string[], o: { input?: string; onStart?: (pid: number) => void } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'cli/svcspec.js'), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (child.pid) o.onStart?.(child.pid);
    child.stdin.end(o.input ?? '');
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `svcspec-${prefix}-`));
}

/** The conform.json a run wrote. */
export function conformReport(dir: string): any {
  return JSON.parse(readFileSync(join(dir, 'conform.json'), 'utf8'));
}

/** How to start a mutant or fixture file: TypeScript through tsx's loader, Python with python3. */
export function commandFor(file: string): string {
  return file.endsWith('.py') ? `python3 ${file}` : file.endsWith('.ts') ? `node --import tsx ${file}` : `node ${file}`;
}

/**
 * `svcspec conform …` run in this process (the same entry point as the binary, without the start-up
 * of a new Node and its TypeScript loader). Its stdout is silenced; the report is read back.
 */
export async function conformHere(args: readonly string[]): Promise<{ code: number; report: any }> {
  const { main } = await import('../../cli/main.ts');
  const dir = tempDir('conform');
  const write = process.stdout.write;
  quiet++;
  if (quiet === 1) process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const code = await main(['conform', ...args, '--reports', dir]);
    return { code, report: conformReport(dir) };
  } finally {
    quiet--;
    if (quiet === 0) process.stdout.write = saved ?? write;
  }
}

let quiet = 0;
const saved = process.stdout.write;
