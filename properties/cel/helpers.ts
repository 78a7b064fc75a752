/**
 * The helper functions svcspec registers for CEL, as Kubernetes registers its own CEL libraries.
 *
 * Deliberately few and generic: each computes something plain CEL cannot say or says only
 * obscurely (label-selector matching with its nil/empty rules, CIDR membership, duplicate
 * detection); the logic of an invariant stays in its expression. This registry is the single
 * source for the environment (environment.ts), the compiler (compile.ts) and the generated docs.
 */
import { CelEvalError } from './errors.ts';
import { cidrContains, parseCIDR, parseIP } from './ip.ts';
import { isEqual } from './values.ts';

/** Parameter types a helper may declare; they mean what they mean in a CEL signature. */
export type CelParamType = 'map' | 'list' | 'string' | 'int' | 'double' | 'bool' | 'null' | 'dyn';

export interface CelHelperParam {
  name: string;
  description: string;
}

export interface CelHelper {
  name: string;
  /** Overloads in dispatch order (the first whose types match the arguments runs). */
  overloads: readonly (readonly CelParamType[])[];
  returns: 'bool' | 'int' | 'string' | 'list' | 'map' | 'dyn';
  params: readonly CelHelperParam[];
  /** One sentence: what the result means. */
  description: string;
  /** A CEL expression using it, as an invariant would. */
  example: string;
  /** The implementation both the interpreter and the generated code call. */
  impl: (...args: unknown[]) => unknown;
}

/** `name(t1, t2): ret`, the signature string @marcbachmann/cel-js registers. */
export function helperSignature(h: CelHelper, overload: readonly CelParamType[]): string {
  return `${h.name}(${overload.join(', ')}): ${h.returns}`;
}

function selects(selector: unknown, labels: unknown): boolean {
  if (selector === null) return false;
  const sel = selector as Record<string, unknown>;
  const lab = labels as Record<string, unknown>;
  for (const k of Object.keys(sel)) {
    if (!Object.hasOwn(lab, k) || !isEqual(lab[k], sel[k])) return false;
  }
  return true;
}

function inCIDR(ip: unknown, cidr: unknown): boolean {
  const range = parseCIDR(cidr as string);
  if (!range) throw new CelEvalError('invalid_argument', `inCIDR: invalid CIDR '${String(cidr)}'`);
  const addr = parseIP(ip as string);
  return addr !== undefined && cidrContains(range, addr);
}

function unique(list: unknown): boolean {
  const xs = list as unknown[];
  // Strings (names, IPs, uids) are the common case: a Set decides it in one pass.
  if (xs.every((x) => typeof x === 'string')) return new Set(xs).size === xs.length;
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) if (isEqual(xs[i], xs[j])) return false;
  }
  return true;
}

export const CEL_HELPERS: readonly CelHelper[] = [
  {
    name: 'selects',
    overloads: [
      ['map', 'map'],
      ['null', 'map'],
    ],
    returns: 'bool',
    params: [
      { name: 'selector', description: "an equality-based label selector (a Service's `selector`), or null" },
      { name: 'labels', description: "the labels of an object (a pod's `labels`)" },
    ],
    description:
      'Kubernetes equality-based selection (labels.Set(selector).AsSelector()): null selects nothing, ' +
      '{} selects everything (a Service never shows one: storage drops an empty selector), otherwise every key of the ' +
      'selector must be in labels with an equal value. ' +
      'An absent selector is a missing key in CEL: guard it with has().',
    example:
      'state.services.filter(s, has(s.selector)).all(s, state.endpoints.filter(e, e.namespace == s.namespace && e.name == s.name)' +
      '.all(e, e.subsets.all(ss, ss.addresses.all(a, state.pods.exists(p, p.ip == a.ip && selects(s.selector, p.labels))))))',
    impl: selects,
  },
  {
    name: 'inCIDR',
    overloads: [['string', 'string']],
    returns: 'bool',
    params: [
      { name: 'ip', description: 'an IPv4 or IPv6 address' },
      { name: 'cidr', description: "a range such as '10.96.0.0/12'" },
    ],
    description:
      'Whether the address lies in the range. A string that is not an IP address (a headless ' +
      "Service's 'None', an empty pod IP) lies in no range; a malformed CIDR is an evaluation error.",
    example: "state.services.all(s, s.clusterIP in ['None', ''] || inCIDR(s.clusterIP, '10.96.0.0/12'))",
    impl: inCIDR,
  },
  {
    name: 'unique',
    overloads: [['list']],
    returns: 'bool',
    params: [{ name: 'list', description: 'any list' }],
    description: 'True when no two elements of the list are equal under CEL equality.',
    example: "unique(state.services.map(s, s.clusterIP).filter(ip, ip != 'None' && ip != ''))",
    impl: unique,
  },
];

export const CEL_HELPERS_BY_NAME: ReadonlyMap<string, CelHelper> = new Map(CEL_HELPERS.map((h) => [h.name, h]));
