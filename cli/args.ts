/**
 * A small, strict argument parser: `--flag value`, `--flag=value`, boolean flags, repeated
 * flags, positionals. Unknown flags are usage errors (exit 2), never silently ignored.
 */
import { type Code, didYouMean } from '../properties/load/diagnostics.ts';

export interface FlagSpec {
  readonly [name: string]: { readonly type: 'string' | 'number' | 'boolean' | 'list'; readonly help: string; readonly default?: unknown };
}

/** Bad usage: printed as `svcspec: CODE message`, exit 2 (SVC014 unless another code says more). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly code: Code = 'SVC014',
  ) {
    super(message);
  }
}

export interface Parsed {
  readonly flags: Record<string, unknown>;
  readonly positionals: string[];
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): Parsed {
  const flags: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown flag --${name}${didYouMean(name, Object.keys(spec))}`);
    if (s.type === 'boolean') {
      flags[name] = eq < 0 ? true : a.slice(eq + 1) !== 'false';
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    // `--junit --runs 5` forgot the value; `--flag=--x` still passes a value that starts with --.
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (s.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} needs a number, got "${value}"`);
      flags[name] = n;
    } else if (s.type === 'list') {
      flags[name] = [...((flags[name] as string[]) ?? []), ...value.split(',').filter(Boolean)];
    } else {
      flags[name] = value;
    }
  }
  for (const [k, s] of Object.entries(spec)) if (flags[k] === undefined && s.default !== undefined) flags[k] = s.default;
  return { flags, positionals };
}

export function usage(command: string, summary: string, spec: FlagSpec): string {
  const lines = Object.entries(spec).map(([k, s]) => `${`  --${k}${s.type === 'boolean' ? '' : ` <${s.type}>`}`.padEnd(27)} ${s.help}`);
  return `svcspec ${command} — ${summary}\n${lines.join('\n')}`;
}
