/** Output helpers: JSON lines on stdout with --json, text otherwise; files written only here. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './args.ts';

// A reader that goes away (`svcspec conform … | head -1`) is not an error of ours: the rest of the
// output is dropped, and the command still finishes and writes its reports (exiting here, at the
// first write that failed, lost them: pipes are written synchronously).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
  throw e;
});

export function writeJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Creates (empties) a file a command will write at its end, so a path that cannot be written is
 * a usage error (exit 2) before any work, not a stack trace after it.
 */
export function claimFile(path: string, flag: string): void {
  try {
    writeFile(path, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'it is a directory' : code === 'ENOTDIR' || code === 'EEXIST' ? 'a parent is not a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : (e as Error).message;
    throw new UsageError(`${flag} ${path}: cannot write (${why})`);
  }
}

export const isTerminal = (): boolean => process.stderr.isTTY === true && !process.env.CI;
