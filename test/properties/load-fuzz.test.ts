/**
 * The loaders on random input: whatever YAML they are given, they return or throw an InputError
 * whose diagnostics all point into a file (line ≥ 1, col ≥ 1) with a registered code, never
 * any other exception (a TypeError from a half-checked value, a parser's ReferenceError, a
 * stack overflow…). Four sources of documents, more than 10,000 in all:
 *
 * - random text over YAML's punctuation and the spec's own words;
 * - random JSON values rendered by the `yaml` library (block and flow) or as JSON;
 * - random values shaped like each file (the right top-level key, the right field names,
 *   values drawn from valid and invalid ones, CEL expressions among them), which get past the
 *   schema to the cross-checks and the CEL compiler;
 * - the real files (spec/*.yaml, examples/scenarios) cut to a few entries and mutated: a line
 *   deleted or duplicated (duplicate keys), characters swapped, a tab or a stray character
 *   inserted, a key misspelt, the text truncated.
 *
 * Set FUZZ_SEED to replay a failure; FUZZ_SCALE multiplies the number of documents.
 */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { validateText } from '../../cli/commands/validate.ts';
import { CODES, type Diagnostic, InputError } from '../../properties/load/diagnostics.ts';
import { loadScenario } from '../../properties/scenario/load.ts';
import { loadInvariants, loadOperations, loadScopes } from '../../properties/spec/load.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const SCALE = process.env.FUZZ_SCALE ? Number(process.env.FUZZ_SCALE) : 1;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const TIMEOUT = 60_000 * Math.max(1, SCALE);

type Loader = 'invariants' | 'operations' | 'scopes' | 'scenario' | 'validate';
const LOADERS: readonly Loader[] = ['invariants', 'operations', 'scopes', 'scenario', 'validate'];

/** Where the documents pretend to live: scenario `apply: {file: …}` paths resolve beside the examples. */
const FILE: Record<Loader, string> = {
  invariants: join(ROOT, 'spec/fuzz-invariants.yaml'),
  operations: join(ROOT, 'spec/fuzz-operations.yaml'),
  scopes: join(ROOT, 'spec/fuzz-scopes.yaml'),
  scenario: join(ROOT, 'examples/scenarios/fuzz-scenario.yaml'),
  validate: join(ROOT, 'examples/scenarios/fuzz-validate.yaml'),
};

let documents = 0;
const outcomes = { accepted: 0, rejected: 0 };
const codesSeen = new Set<string>();
/** Per source and loader: documents accepted and the first code of each rejection (FUZZ_STATS=1 prints it). */
const stats = new Map<string, Map<string, number>>();
let source = '';
function count(loader: Loader, what: string): void {
  const key = `${source} ${loader}`;
  const m = stats.get(key) ?? new Map<string, number>();
  m.set(what, (m.get(what) ?? 0) + 1);
  stats.set(key, m);
}

function checkDiagnostics(diagnostics: readonly Diagnostic[], text: string): void {
  expect(diagnostics.length).toBeGreaterThan(0);
  const lineCount = text.split('\n').length;
  for (const d of diagnostics) {
    expect(Object.hasOwn(CODES, d.code), `unknown code ${d.code}`).toBe(true);
    expect(typeof d.file === 'string' && d.file.length > 0).toBe(true);
    expect(Number.isInteger(d.line) && d.line >= 1, `line ${d.line}`).toBe(true);
    expect(Number.isInteger(d.col) && d.col >= 1, `col ${d.col}`).toBe(true);
    expect(typeof d.message === 'string' && d.message.length > 0).toBe(true);
    // A diagnostic about this document lies inside it (one past the last line at most).
    if (Object.values(FILE).includes(d.file)) expect(d.line, `${d.line}:${d.col} ${d.code} ${d.message}`).toBeLessThanOrEqual(lineCount + 1);
    codesSeen.add(d.code);
  }
}

/** Runs one loader; anything but a return or an InputError with good diagnostics fails the property. */
function feed(loader: Loader, text: string): void {
  documents++;
  const file = FILE[loader];
  if (loader === 'validate') {
    const report = validateText(file, text);
    if (report.diagnostics.length) {
      outcomes.rejected++;
      count(loader, report.diagnostics[0].code);
      checkDiagnostics(report.diagnostics, text);
    } else {
      outcomes.accepted++;
      count(loader, 'ok');
    }
    return;
  }
  try {
    if (loader === 'invariants') loadInvariants(file, text);
    else if (loader === 'operations') loadOperations(file, text);
    else if (loader === 'scopes') loadScopes(file, text);
    else loadScenario(file, text);
    outcomes.accepted++;
    count(loader, 'ok');
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    outcomes.rejected++;
    count(loader, e.diagnostics[0]?.code ?? 'none');
    checkDiagnostics(e.diagnostics, text);
  }
}

const params = (numRuns: number) => ({ numRuns: runs(numRuns), ...(SEED !== undefined ? { seed: SEED } : {}) });

// --- Random text ---------------------------------------------------------------------------

const TOKENS = [
  ' ', ' ', '  ', '    ', '\n', '\n', '\n  ', '\n  - ', '\t', '\r\n', ':', ': ', '- ', '-', '[', ']', '{', '}', ',', '"', "'", '#', '&a ', '*a', '&', '*',
  '!', '!!str ', '!!int ', '|', '>', '|-', '? ', '%YAML 1.2\n', '---\n', '...\n', '@', '`', '\\', '\\u', '0', '1', '-1', '1e9', '0x1F', '.inf', 'null', '~',
  'true', 'no', 'a', 'x', 'é', '💥', '\u0000', '\u00a0', '__proto__', 'constructor', 'invariants:', 'generators:', 'domains:', 'scopes:', 'steps:',
  'name:', 'id: ', 'holds: ', 'when: ', 'expect: ', 'apply:', 'op: ', 'kind: ', 'cluster:', 'state.pods.size()', ' == ', '(', ')', '&&', 'has(', '.all(s, ',
];
const randomText = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) }), { maxLength: 60 }).map((parts) => parts.join(''));

// --- Random JSON values rendered as YAML ------------------------------------------------------

const KEYS = [
  'invariants', 'generators', 'domains', 'scopes', 'steps', 'name', 'id', 'statement', 'sources', 'after', 'timings', 'trace', 'holds', 'when', 'tags', 'op',
  'weight', 'description', 'kind', 'cluster', 'nodes', 'serviceCIDR', 'explore', 'operations', 'apply', 'expect', 'note', 'object', 'file', 'seconds',
  'metadata', 'spec', 'ports', 'port', '__proto__', 'constructor', 'toString',
];
const scalar = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 65536, '', 'any', 'sync', 'apply', 'state.pods.size()', 'true', 'When x, y must z.', 'a/b', '10.96.0.0/12', 'toString', '__proto__'),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 12 }),
);
const { value: jsonish } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 5 }),
  ),
}));
const render = (v: unknown, how: number): string => {
  switch (how) {
    case 0:
      return stringify(v);
    case 1:
      return stringify(v, { collectionStyle: 'flow' });
    default:
      return JSON.stringify(v) ?? 'null';
  }
};

// --- Random values shaped like each file ------------------------------------------------------

const CEL = fc.constantFrom(
  'true',
  "state.services.all(s, s.clusterIP != '')",
  'state.pods.size()',
  "state.pods.size() == 'three'",
  'stat.pods.size() > 0',
  'inCidr(cluster.serviceCIDR, "10.0.0.1")',
  "unique(state.services.map(s, s.clusterIP))",
  'prev.services.all(p, state.services.exists(s, s.uid == p.uid))',
  'result.ok && op.op == "apply"',
  'last.ok',
  'state.pods.size( == 3',
  '((((((((((true))))))))))',
  '1 +',
  '"unterminated',
  'state.pods.exists(p, p.ready) ? 1 : true',
  '',
);
const OPS = ['apply', 'delete', 'probe', 'listen', 'exit', 'advance', 'connect', 'http', 'ping', 'resolve', 'env', 'observe', 'settle', 'sync', 'aply', 'toString', 'constructor'];
const anyValue = fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: jsonish });
/** Mostly a value of the right kind, sometimes anything. */
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 40, arbitrary: a }, { weight: 1, arbitrary: anyValue });
/** null mostly, a value now and then. */
const rarely = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: a });
/** A mapping with the given fields: now and then one left out, one added (a known key or a typo). */
const fields = (shape: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .tuple(
      fc.record(Object.fromEntries(Object.entries(shape).map(([k, a]) => [k, maybe(a)]))),
      rarely(fc.constantFrom(...Object.keys(shape))),
      rarely(fc.tuple(fc.constantFrom(...KEYS, 'hold', 'trac'), anyValue)),
    )
    .map(([r, drop, extra]) => {
      const out: Record<string, unknown> = { ...r };
      if (drop !== null) delete out[drop];
      if (extra) out[extra[0]] = extra[1];
      return out;
    });

/** A valid value mostly, an invalid one now and then. */
const usually = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: bad });
const invariant = fields({
  id: usually(fc.constantFrom('service/cluster-ip/stable', 'a/b', 'dup/one', 'dup/one'), fc.constantFrom('Bad_Id', 'a', '')),
  statement: usually(fc.constant('When a Service exists, it must be.'), fc.constant('A thing must be.')),
  sources: usually(fc.constant(['seed']), fc.constantFrom([], 'seed', [''])),
  after: usually(fc.oneof(fc.constant('any'), fc.array(fc.constantFrom(...OPS.slice(0, 14)), { minLength: 1, maxLength: 3 })), fc.array(fc.constantFrom(...OPS), { maxLength: 3 })),
  timings: usually(fc.constantFrom(['sync'], ['async'], ['sync', 'async']), fc.array(fc.constantFrom('sync', 'async', 'eventual'), { maxLength: 3 })),
  trace: usually(fc.constantFrom('always', 'window', 'settled', 'none'), fc.constant('sometimes')),
  when: CEL,
  holds: CEL,
});
const generator = fields({
  name: usually(fc.constantFrom('probe', 'probe', 'apply-pod'), fc.constant('Bad Name')),
  op: usually(fc.constantFrom(...OPS.slice(0, 14)), fc.constantFrom(...OPS)),
  kind: usually(fc.constantFrom('Pod', 'Service'), fc.constant('Deployment')),
  weight: usually(fc.integer({ min: 0, max: 10 }), fc.constantFrom(-1, 1.5)),
  description: fc.string({ maxLength: 10 }),
  invalid: fc.boolean(),
});
const domainList = usually(fc.array(fc.oneof(fc.integer({ min: -1, max: 60 }), fc.constantFrom('Always', 'Never')), { minLength: 1, maxLength: 3 }), fc.constant([]));
const domains = fields(Object.fromEntries(['advanceSeconds', 'exitCodes', 'initialDelaySeconds', 'periodSeconds', 'thresholds', 'restartPolicies', 'terminationGracePeriodSeconds'].map((k) => [k, domainList])));
const cluster = fields({
  nodes: usually(fc.constantFrom(['node-1'], ['node-1', 'node-2']), fc.array(fc.constantFrom('node-1', 'node-2', 'node-1', ''), { maxLength: 3 })),
  serviceCIDR: usually(fc.constant('10.96.0.0/12'), fc.constantFrom('10.96.0.0/33', '10.96.0.0/30', 'nope', 'fd00::/108')),
  podCIDR: usually(fc.constant('10.244.0.0/16'), fc.constant('10.244.0.0')),
  nodeCIDR: usually(fc.constant('192.168.0.0/24'), fc.constant('192.168.0.0/30')),
  nodePortRange: usually(fc.constant('30000-32767'), fc.constantFrom('32767-30000', '0-99999')),
  dnsServiceIP: usually(fc.constant('10.96.0.10'), fc.constantFrom('1.2.3.4', 'x')),
  timing: usually(fc.constantFrom('sync', 'async'), fc.constant('later')),
});
const opObject = fc.oneof(
  fc.record({ op: usually(fc.constant('advance'), fc.constantFrom(...OPS)), seconds: usually(fc.integer({ min: 0, max: 60 }), fc.constant('ten')) }, { requiredKeys: ['op'] }),
  fc.record({ op: fc.constantFrom(...OPS), from: fc.constant({ pod: 'a' }), to: fc.constant({ service: 'web', port: 80 }) }, { requiredKeys: [] }),
  jsonish,
);
const scope = fields({
  name: usually(fc.constant('tiny'), fc.constant('Small')),
  description: fc.constant('d'),
  cluster,
  namespaces: fc.constant(['default']),
  pods: fc.constant(['a']),
  services: fc.constant(['web']),
  labels: fc.constant({ app: ['web'] }),
  containerPorts: fc.constant([{ containerPort: 8080 }]),
  servicePorts: fc.constant([{ port: 80, targetPort: 8080 }]),
  probes: usually(fc.constantFrom(['none'], ['exec', 'httpGet']), fc.array(fc.constantFrom('none', 'exec', 'grpc'), { maxLength: 2 })),
  maxSteps: usually(fc.integer({ min: 1, max: 30 }), fc.constantFrom(0, -1)),
  explore: fields({ depth: usually(fc.integer({ min: 1, max: 5 }), fc.constant(0)), timeLimitSeconds: fc.constant(1), operations: fc.array(opObject, { maxLength: 3 }), witnesses: fc.array(fields({ id: fc.constantFrom('reach-it', 'Bad Id'), statement: fc.constant('s'), reach: CEL }), { maxLength: 2 }), manifests: fc.array(fc.dictionary(fc.constantFrom(...KEYS), jsonish, { maxKeys: 3 }), { maxLength: 2 }) }),
});
const manifest = fields({
  apiVersion: fc.constantFrom('v1', 'apps/v1'),
  kind: fc.constantFrom('Service', 'Pod', 'Endpoints', 'ReplicationController', 'Node', 'Ingress', 'IngressClass', 'Deployment'),
  metadata: fields({ name: fc.constantFrom('kubia', 'Bad_Name', ''), namespace: fc.constantFrom('default', 'x y'), labels: fc.constant({ app: 'kubia' }) }),
  spec: fields({
    selector: fc.constant({ app: 'kubia' }),
    ports: fc.array(fields({ port: fc.integer({ min: -1, max: 70000 }), targetPort: fc.oneof(fc.integer(), fc.constant('http')), name: fc.constantFrom('http', 'http', 'Bad') }), { maxLength: 3 }),
    containers: fc.array(fields({ name: fc.constantFrom('app', 'app'), image: fc.constant('x'), ports: fc.constant([{ containerPort: 8080 }]) }), { maxLength: 2 }),
    type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName', 'Weird'),
    clusterIP: fc.constantFrom('None', '10.96.0.5', '1.2.3.4', ''),
  }),
});
const step = fc.oneof(
  fc.record({ op: usually(fc.constantFrom(...OPS.slice(0, 14)), fc.constantFrom(...OPS)), fields: fc.oneof(opObject, fc.constant(null), fc.record({ object: manifest }), fc.constant({ file: '../manifests/kubia-svc.yaml' }), fc.constant({ file: 'missing.yaml' })), expect: fc.option(CEL), note: fc.option(fc.string({ maxLength: 5 })) }, { requiredKeys: ['op', 'fields'] }).map(
    ({ op, fields, expect, note }) => ({ [op]: fields, ...(expect != null ? { expect } : {}), ...(note != null ? { note } : {}) }),
  ),
  fc.record({ expect: CEL }),
  fc.record({ advance: fc.constant({ seconds: 1 }), settle: fc.constant({}) }),
  jsonish,
);
const shaped = fc.oneof(
  fc.record({ loader: fc.constant<Loader>('invariants'), doc: fields({ invariants: fc.array(invariant, { minLength: 1, maxLength: 3 }) }) }),
  fc.record({ loader: fc.constant<Loader>('operations'), doc: fields({ generators: fc.array(generator, { minLength: 1, maxLength: 3 }), domains }) }),
  fc.record({ loader: fc.constant<Loader>('scopes'), doc: fields({ scopes: fc.array(scope, { minLength: 1, maxLength: 2 }) }) }),
  fc.record({ loader: fc.constant<Loader>('scenario'), doc: fields({ name: fc.constant('fuzz'), cluster, steps: fc.array(step, { minLength: 1, maxLength: 4 }) }) }),
  fc.record({ loader: fc.constant<Loader>('validate'), doc: manifest }),
  fc.record({ loader: fc.constantFrom<Loader>(...LOADERS), doc: jsonish }),
);

// --- Mutations of the real files --------------------------------------------------------------

const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
/**
 * A file cut around one top-level list (invariants:, scopes:, generators:, steps:): the text
 * before it, its entries (each with the comment lines above it), and the text after it. A window
 * of a few entries keeps every document small, so the property runs many of them.
 */
interface Cut {
  readonly before: string;
  readonly items: readonly string[];
  readonly after: string;
}
function cut(text: string, key: string): Cut {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${key}:`));
  let end = start + 1;
  while (end < lines.length && !/^[A-Za-z]/.test(lines[end])) end++;
  const items: string[] = [];
  let cur: string[] = [];
  for (const l of lines.slice(start + 1, end)) {
    if (/^ {0,2}- /.test(l) && cur.some((c) => /^ {0,2}- /.test(c))) {
      items.push(cur.join('\n'));
      cur = [];
    }
    cur.push(l);
  }
  if (cur.length) items.push(cur.join('\n'));
  return { before: lines.slice(0, start + 1).join('\n'), items, after: lines.slice(end).join('\n') };
}
const window = (c: Cut, max: number) => fc.subarray([...c.items], { minLength: 1, maxLength: max }).map((xs) => [c.before, ...xs, c.after].join('\n'));
const files = (dir: string) => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml')).sort().map((f) => read(`${dir}/${f}`));

const invariantsCut = cut(read('spec/invariants.yaml'), 'invariants');
const scopesCut = cut(read('spec/scopes.yaml'), 'scopes');
const operationsCut = cut(read('spec/operations.yaml'), 'generators');
const scenarioCuts = files('examples/scenarios').map((t) => cut(t, 'steps'));
const manifestTexts = files('examples/manifests');

const pick = <T>(xs: readonly T[]) => fc.integer({ min: 0, max: xs.length - 1 }).map((i) => xs[i]);
const base = fc.oneof(
  fc.record({ loader: fc.constant<Loader>('invariants'), text: window(invariantsCut, 2) }),
  fc.record({ loader: fc.constant<Loader>('scopes'), text: window(scopesCut, 1) }),
  fc.record({ loader: fc.constant<Loader>('operations'), text: window(operationsCut, 4) }),
  fc.record({ loader: fc.constant<Loader>('scenario'), text: pick(scenarioCuts).chain((c) => window(c, 4)) }),
  fc.record({ loader: fc.constant<Loader>('validate'), text: pick(manifestTexts) }),
);
type Mutation = (text: string, at: number, other: number) => string;
const lineAt = (text: string, at: number) => {
  const lines = text.split('\n');
  return { lines, i: at % lines.length };
};
const MUTATIONS: Record<string, Mutation> = {
  deleteLine: (t, at) => {
    const { lines, i } = lineAt(t, at);
    lines.splice(i, 1);
    return lines.join('\n');
  },
  duplicateLine: (t, at) => {
    const { lines, i } = lineAt(t, at);
    lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  },
  swapChars: (t, at) => {
    const i = at % Math.max(1, t.length - 1);
    return t.slice(0, i) + t.charAt(i + 1) + t.charAt(i) + t.slice(i + 2);
  },
  insertTab: (t, at) => {
    const i = at % (t.length + 1);
    return `${t.slice(0, i)}\t${t.slice(i)}`;
  },
  indentLine: (t, at) => {
    const { lines, i } = lineAt(t, at);
    lines[i] = `  ${lines[i]}`;
    return lines.join('\n');
  },
  insertToken: (t, at, other) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + TOKENS[other % TOKENS.length] + t.slice(i);
  },
  misspellKey: (t, at) => {
    const { lines, i } = lineAt(t, at);
    lines[i] = lines[i].replace(/([A-Za-z])([A-Za-z]*):/, (_m, a: string, b: string) => `${b}${a}:`);
    return lines.join('\n');
  },
  deleteChar: (t, at) => {
    const i = at % Math.max(1, t.length);
    return t.slice(0, i) + t.slice(i + 1);
  },
  truncate: (t, at) => t.slice(0, at % (t.length + 1)),
};
const mutation = fc.tuple(fc.constantFrom(...Object.keys(MUTATIONS)), fc.nat(), fc.nat());
const mutated = fc.tuple(base, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([b, ms]) => ({
  loader: b.loader,
  text: ms.reduce((t, [m, at, other]) => MUTATIONS[m](t, at, other), b.text),
}));

// ---------------------------------------------------------------------------------------------

describe('loaders on random YAML never throw anything but InputError', () => {
  const started = performance.now();
  const cpu = process.cpuUsage();
  afterAll(() => {
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    // eslint-disable-next-line no-console
    if (process.env.FUZZ_STATS) for (const [k, m] of [...stats].sort()) console.log(k, JSON.stringify(Object.fromEntries([...m].sort())));
    // eslint-disable-next-line no-console
    console.log(`load-fuzz: ${documents} documents (${outcomes.accepted} accepted, ${outcomes.rejected} rejected; codes ${[...codesSeen].sort().join(' ')}) in ${(ms / 1000).toFixed(1)} s (${((used.user + used.system) / 1e6).toFixed(1)} s CPU)`);
  });

  it('random text', () => {
    source = 'text';
    fc.assert(fc.property(randomText, fc.constantFrom(...LOADERS), (text, loader) => feed(loader, text)), params(3000));
  }, TIMEOUT);

  it('random values rendered by the yaml library or as JSON', () => {
    source = 'values';
    fc.assert(fc.property(jsonish, fc.nat(2), fc.constantFrom(...LOADERS), (v, how, loader) => feed(loader, render(v, how))), params(2000));
  }, TIMEOUT);

  it('random values shaped like each kind of file', () => {
    source = 'shaped';
    fc.assert(fc.property(shaped, fc.nat(2), ({ loader, doc }, how) => feed(loader, render(doc, how))), params(2500));
  }, TIMEOUT);

  it('mutations of the real spec, scenario and manifest files', () => {
    source = 'mutations';
    fc.assert(fc.property(mutated, ({ loader, text }) => feed(loader, text)), params(2500));
  }, TIMEOUT);

  it('fed at least 10,000 documents, and both accepted and rejected some', () => {
    expect(documents).toBeGreaterThanOrEqual(runs(10_000));
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
  });
});
