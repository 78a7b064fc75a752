// A reader that goes away before the command has printed everything (`svcspec conform … | head -1`)
// costs the rest of the output, never the report.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, conformReport, tempDir } from '../conformance/cli.ts';

it('conform still writes its report when its stdout is closed before it prints', async () => {
  const dir = tempDir('reader-gone');
  const child = spawn(process.execPath, [join(ROOT, 'cli/svcspec.js'), 'conform', '--adapter', 'node cli/svcspec.js serve', '--runs', '3', '--reports', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone: every write to stdout fails with EPIPE
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(existsSync(join(dir, 'conform.json'))).toBe(true);
  expect(conformReport(dir).runs.every((r: { verdict: string }) => r.verdict === 'ok')).toBe(true);
}, 240_000);
