/**
 * The one CEL environment of svcspec: the variables an expression may read and the helper
 * library (helpers.ts). Every invariant and scenario expectation is checked against it at load,
 * so a misspelt variable or helper is a load error with a position, never a runtime surprise.
 */
import { Environment } from '@marcbachmann/cel-js';
import { CEL_HELPERS, helperSignature } from './helpers.ts';

export interface CelVariable {
  name: string;
  /** CEL type as declared: `map` (a JSON object; reading a missing field is an error). */
  type: 'map' | 'dyn';
  /** Where the variable is bound. */
  context: 'invariant' | 'expectation' | 'both';
  description: string;
}

/** The variables of docs/contract.md; observations are shaped as its section 3. */
export const CEL_VARIABLES: readonly CelVariable[] = [
  { name: 'prev', type: 'map', context: 'invariant', description: 'the observation before the operation' },
  { name: 'state', type: 'map', context: 'both', description: 'the observation after the operation (or now, in a scenario)' },
  { name: 'op', type: 'map', context: 'invariant', description: 'the operation just applied, with its `op` field' },
  { name: 'result', type: 'map', context: 'invariant', description: "the operation's result, with `ok`" },
  { name: 'last', type: 'map', context: 'expectation', description: "the previous scenario step's result" },
  {
    name: 'alternatives',
    type: 'dyn',
    context: 'invariant',
    description:
      'the results the implementation could have given for this operation, one per allowed choice (for `connect`: every endpoint it may pick); the reference model enumerates them, black-box implementations give none (an empty list)',
  },
  {
    name: 'history',
    type: 'dyn',
    context: 'invariant',
    description:
      'every step of the run so far, oldest first and this one last: a list of `{step, op, result, time, prev, state}` (time is the observation time after the step); for rules over many answers or elapsed time. A rule that reads it is checked on runs (check, conform, run --check), not by the explorer',
  },
  {
    name: 'cluster',
    type: 'map',
    context: 'both',
    description: 'the cluster configuration (docs/contract.md section 1) with defaults applied, e.g. `cluster.serviceCIDR`',
  },
];

export const CEL_VARIABLE_NAMES: ReadonlySet<string> = new Set(CEL_VARIABLES.map((v) => v.name));

/** Builds the environment; kept a function so tests can build a fresh one. */
export function createCelEnvironment(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: false, // an unknown name is a load error, not a silent dyn
    homogeneousAggregateLiterals: true,
    enableOptionalTypes: false, // keeps the language to the subset compile.ts compiles
  });
  for (const v of CEL_VARIABLES) env.registerVariable(v.name, v.type, { description: v.description });
  for (const h of CEL_HELPERS) {
    for (const overload of h.overloads) {
      env.registerFunction(helperSignature(h, overload), h.impl, {
        description: h.description,
        params: h.params.map((p) => ({ name: p.name, description: p.description })),
      });
    }
  }
  return env;
}

/** The shared environment. Environments are expensive to build; parse with this one. */
export const celEnvironment: Environment = createCelEnvironment();

/** Names of every function and method the environment knows (builtins, macros, helpers). */
export function knownFunctionNames(env: Environment = celEnvironment): { functions: Set<string>; methods: Set<string> } {
  const functions = new Set<string>();
  const methods = new Set<string>();
  for (const f of env.getDefinitions().functions) (f.receiverType ? methods : functions).add(f.name);
  return { functions, methods };
}

/** Markdown reference of the variables and helpers, generated from the registries (STYLE habit 9). */
export function celLibraryMarkdown(): string {
  const lines = ['## CEL variables', '', '| name | type | bound in | meaning |', '|---|---|---|---|'];
  for (const v of CEL_VARIABLES) lines.push(`| \`${v.name}\` | ${v.type} | ${v.context} | ${v.description} |`);
  lines.push('', '## CEL helper functions', '');
  for (const h of CEL_HELPERS) {
    lines.push(`### \`${h.name}\``, '');
    for (const o of h.overloads) lines.push(`- \`${helperSignature(h, o)}\``);
    lines.push('', h.description, '');
    for (const p of h.params) lines.push(`- \`${p.name}\`: ${p.description}`);
    lines.push('', `Example: \`${h.example}\``, '');
  }
  lines.push(
    'Standard CEL is available too: `all`, `exists`, `exists_one`, `map`, `filter`, `has()`, `size()`, `in`, ',
    'and the string functions `startsWith`, `endsWith`, `contains`, `matches`, `split`, `lowerAscii`…',
  );
  return lines.join('\n') + '\n';
}
