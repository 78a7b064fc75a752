/**
 * svcspec <command>: dispatch, and the one place errors become exit codes — 0 all held,
 * 1 a property or expectation failed, 2 bad input or usage (CONTRACT section 5). Bad input is
 * printed as `file:line:col: CODE message`, never as a stack trace.
 */
import { InputError, formatDiagnostic } from '../properties/load/diagnostics.ts';
import { type FlagSpec, UsageError, parseArgs, usage } from './args.ts';
import { CHECK_FLAGS, checkCommand } from './commands/check.ts';
import { CONFORM_FLAGS, conformCommand } from './commands/conform.ts';
import { EXPLORE_FLAGS, exploreCommand } from './commands/explore.ts';
import { REPLAY_FLAGS, replayCommand } from './commands/replay.ts';
import { RUN_FLAGS, runCommand } from './commands/run.ts';
import { SERVE_FLAGS, serveCommand } from './commands/serve.ts';
import { TRACE_FLAGS, traceCommand } from './commands/trace.ts';
import { VALIDATE_FLAGS, validateCommand } from './commands/validate.ts';

interface Command {
  readonly summary: string;
  readonly flags: FlagSpec;
  run(flags: Record<string, unknown>, positionals: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  run: { summary: 'run scenario files on the reference model', flags: RUN_FLAGS, run: runCommand },
  check: { summary: 'random operation sequences against every invariant', flags: CHECK_FLAGS, run: checkCommand },
  validate: { summary: 'load spec, scenario and manifest files and report every error (no files: the spec)', flags: VALIDATE_FLAGS, run: validateCommand },
  explore: { summary: 'exhaustive bounded search of a scope, shortest counterexamples', flags: EXPLORE_FLAGS, run: exploreCommand },
  replay: { summary: 're-run a reported counterexample (--seed and --path, or a saved scenario)', flags: REPLAY_FLAGS, run: replayCommand },
  conform: { summary: 'check another implementation over the adapter protocol (--adapter "CMD")', flags: CONFORM_FLAGS, run: conformCommand },
  serve: { summary: 'the reference model as an adapter on stdin/stdout', flags: SERVE_FLAGS, run: serveCommand },
  trace: { summary: 'check recorded watch streams, audit logs or Lists of one cluster against the invariants', flags: TRACE_FLAGS, run: traceCommand },
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
  const cmd = COMMANDS[name];
  try {
    if (!cmd) throw new UsageError(`unknown command "${name}"\n${help()}`);
    const { flags, positionals } = parseArgs(rest, cmd.flags);
    if (flags.help) {
      process.stdout.write(`${usage(name, cmd.summary, cmd.flags)}\n`);
      return 0;
    }
    return await cmd.run(flags, positionals);
  } catch (e) {
    if (e instanceof InputError) {
      for (const d of e.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`svcspec: SVC014 ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
