/**
 * svcspec <command>: dispatch, and the one place errors become exit codes — 0 all held,
 * 1 a property or expectation failed, 2 bad input or usage (docs/contract.md section 5). Bad input is
 * printed as `file:line:col: CODE message`, never as a stack trace.
 */
import { InputError, formatDiagnostic } from '../properties/load/diagnostics.ts';
import { type FlagSpec, UsageError, parseArgs, usage } from './args.ts';

interface Command {
  readonly flags: FlagSpec;
  run(flags: Record<string, unknown>, positionals: string[]): Promise<number>;
}

// Each command's module is imported only when it runs: `svcspec --help` loads none of the engines.
const COMMANDS: Record<string, { readonly summary: string; load(): Promise<Command> }> = {
  run: { summary: 'run scenario files on the reference model', load: () => import('./commands/run.ts').then((m) => ({ flags: m.RUN_FLAGS, run: m.runCommand })) },
  check: { summary: 'random operation sequences against every invariant', load: () => import('./commands/check.ts').then((m) => ({ flags: m.CHECK_FLAGS, run: m.checkCommand })) },
  validate: { summary: 'load spec, scenario and manifest files and report every error (no files: the spec)', load: () => import('./commands/validate.ts').then((m) => ({ flags: m.VALIDATE_FLAGS, run: m.validateCommand })) },
  explore: { summary: 'exhaustive bounded search of a scope, shortest counterexamples', load: () => import('./commands/explore.ts').then((m) => ({ flags: m.EXPLORE_FLAGS, run: m.exploreCommand })) },
  replay: { summary: 're-run a reported counterexample (--seed and --path, or a saved scenario)', load: () => import('./commands/replay.ts').then((m) => ({ flags: m.REPLAY_FLAGS, run: m.replayCommand })) },
  conform: { summary: 'check another implementation over the adapter protocol (--adapter "CMD")', load: () => import('./commands/conform.ts').then((m) => ({ flags: m.CONFORM_FLAGS, run: m.conformCommand })) },
  serve: { summary: 'the reference model as an adapter on stdin/stdout', load: () => import('./commands/serve.ts').then((m) => ({ flags: m.SERVE_FLAGS, run: m.serveCommand })) },
  merge: { summary: 'merge the reports of check, explore or conform shards (--shard I/N) into the unsharded report', load: () => import('./commands/merge.ts').then((m) => ({ flags: m.MERGE_FLAGS, run: m.mergeCommand })) },
  trace: { summary: 'check recorded watch streams, audit logs or Lists of one cluster against the invariants', load: () => import('./commands/trace.ts').then((m) => ({ flags: m.TRACE_FLAGS, run: m.traceCommand })) },
};

function help(): string {
  return ['usage: svcspec <command> [flags]', '', ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`), '', 'svcspec <command> --help for its flags'].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  try {
    if (!entry) throw new UsageError(`unknown command "${name}"\n${help()}`);
    const cmd = await entry.load();
    const { flags, positionals } = parseArgs(rest, cmd.flags);
    if (flags.help) {
      process.stdout.write(`${usage(name, entry.summary, cmd.flags)}\n`);
      return 0;
    }
    return await cmd.run(flags, positionals);
  } catch (e) {
    if (e instanceof InputError) {
      for (const d of e.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`svcspec: ${e.code} ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
