/**
 * bench/peers/readiness.qnt, the Quint spec bench/peers.bench.ts times against `svcspec check`,
 * parses, typechecks and keeps its readiness-race test (`quint test`, one sample: the run is
 * deterministic): a stale proxy lands a connection on a pod that is no longer ready while every
 * invariant the bench checks holds. Offline: the TypeScript backend, not Quint's downloaded one.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const quintCli = join(createRequire(import.meta.url).resolve('@informalsystems/quint/package.json'), '..', 'dist/src/cli.js');

it('the Quint readiness spec typechecks and its readiness race runs as in svcspec', () => {
  const r = spawnSync(process.execPath, [quintCli, 'test', 'bench/peers/readiness.qnt', '--backend=typescript', '--max-samples', '1', '--main', 'readiness3'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(r.stderr + r.stdout).toContain('ok readinessRaceTest passed');
  expect(r.status).toBe(0);
});
