// Hold an adapter to the spec from your own suite: one test per implementation. A failure's
// message is the shrunk counterexample and the command that replays it.
import { expect, test } from 'vitest';
import { ConformanceFailure, conformAdapter } from 'svcspec/vitest';

test('the reference adapter conforms', async () => {
  const reports = await conformAdapter('npx svcspec serve', { runs: 5 });
  expect(reports.map((r) => r.verdict)).toEqual(['ok', 'ok']);
}, 120_000);

test('an adapter that reallocates ClusterIPs does not', async () => {
  const failure = await conformAdapter('node cluster-ip-reallocated.mjs', { runs: 40, timing: 'sync' }).catch((e) => e);
  expect(failure).toBeInstanceOf(ConformanceFailure);
  expect(failure.message).toContain('✗ service/cluster-ip/stable');
  expect(failure.message).toContain('replay: npx svcspec conform --adapter');
}, 120_000);
