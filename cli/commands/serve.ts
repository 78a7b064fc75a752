/**
 * `svcspec serve`: the reference model as an adapter on stdin/stdout (docs/contract.md section 6,
 * docs/adapter.md) — the example implementation, and the base the mutants wrap. JSON lines in,
 * JSON lines out, one answer per request, until stdin closes.
 */
import { serveLoop } from '../../conformance/serve-loop.ts';
import type { FlagSpec } from '../args.ts';

export const SERVE_FLAGS: FlagSpec = {
  seed: { type: 'number', help: 'use this seed whatever init says: the same semantics, other choices (IPs, ports, endpoints)' },
  json: { type: 'boolean', help: 'accepted for uniformity: serve always speaks JSON lines' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function serveCommand(flags: Record<string, unknown>): Promise<number> {
  await serveLoop(process.stdin, process.stdout, { seed: flags.seed as number | undefined });
  return 0;
}
