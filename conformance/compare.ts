/**
 * What "the same answer" means between the model and an implementation. Results are compared on
 * the fields that carry meaning for each operation (an API refusal by its reason, not its
 * wording; an applied Service by what it stores and allocated, not its uid or resourceVersion);
 * observations on everything docs/contract.md section 3 lists, uids excepted. Allocated values and
 * endpoint picks are not differences here: the runner has already adopted the implementation's
 * (conformance/adoption.ts), so the model holds the same ones.
 */
import type { Observation, Operation, Result } from '../model/index.ts';
import { type SetRule, type SetRules, setRules } from './set-lists.ts';

export interface Difference {
  readonly path: string;
  readonly model: unknown;
  readonly implementation: unknown;
  /** `path` is a set: model and implementation are the elements only that side has, as each sent them. */
  readonly set?: true;
}

type Obj = Record<string, any>;

/**
 * The contract's core fields (docs/contract.md section 3): they must agree, and be present on both sides.
 * Any other field (extensions such as a container's probe counters or a Service's `created`) is
 * compared only when both sides report it. `ports` of a container and `protocol` of a proxy entry
 * are such extensions, whatever their names elsewhere.
 */
const CORE = new Set([
  'time', 'nodes', 'pods', 'services', 'endpoints', 'ingresses', 'proxies',
  'name', 'ip', 'namespace', 'labels', 'node', 'phase', 'ready', 'terminating', 'containers', 'restartCount',
  'type', 'clusterIP', 'selector', 'ports', 'sessionAffinity', 'externalTrafficPolicy', 'publishNotReadyAddresses',
  'loadBalancerIngress', 'healthCheckNodePort', 'externalName', 'port', 'targetPort', 'nodePort', 'protocol',
  'subsets', 'addresses', 'notReadyAddresses', 'pod', 'hostname', 'className', 'address',
]);
const IGNORED = new Set(['uid']);

function serviceSpec(spec: Obj | undefined): Obj {
  const s = spec ?? {};
  const out: Obj = {
    type: s.type ?? 'ClusterIP',
    clusterIP: s.clusterIP ?? '',
    ports: (s.ports ?? []).map((p: Obj) => ({ name: p.name ?? '', port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? 'TCP', nodePort: p.nodePort ?? 0 })),
    selector: s.selector ?? null,
    sessionAffinity: s.sessionAffinity ?? 'None',
    publishNotReadyAddresses: s.publishNotReadyAddresses ?? false,
    healthCheckNodePort: s.healthCheckNodePort ?? 0,
  };
  if (s.externalTrafficPolicy) out.externalTrafficPolicy = s.externalTrafficPolicy;
  if (s.externalName) out.externalName = s.externalName;
  return out;
}

/** The meaningful part of a result, per operation. */
export function comparableResult(op: Operation, r: Result): Obj {
  const x = r as Obj;
  if (!x.ok) return { ok: false, error: typeof x.error === 'string' ? x.error : { reason: x.error?.reason } };
  switch (op.op) {
    case 'apply': {
      const o = (x.object ?? {}) as Obj;
      const id = { kind: o.kind, namespace: o.metadata?.namespace ?? 'default', name: o.metadata?.name };
      return { ok: true, object: o.kind === 'Service' ? { ...id, spec: serviceSpec(o.spec) } : id };
    }
    case 'connect':
      // A healthCheckNodePort answers with the health check's status instead of reaching a backend.
      if (x.status !== undefined) return { ok: true, status: x.status, localEndpoints: x.localEndpoints ?? null };
      return { ok: true, pod: x.pod ?? null, ip: x.ip, port: x.port, sourceIP: x.sourceIP };
    case 'http':
      return { ok: true, status: x.status, service: x.service ?? null, pod: x.pod ?? null };
    case 'ping':
      return { ok: true, reply: x.reply };
    case 'resolve':
      // `answers` is a set (the schema says so): a DNS server orders its records as it likes. The
      // search order (`tried`) is the client's, and ordered.
      return { ok: true, rcode: x.rcode, answers: (x.answers ?? []).map((a: Obj) => ({ name: a.name, type: a.type, data: a.data })), tried: x.tried ?? [] };
    case 'env':
      return { ok: true, env: x.env ?? {} };
    default:
      return { ok: true };
  }
}

export function resultDifferences(op: Operation, model: Result, implementation: Result): Difference[] {
  const w: Walk = { sets: setRules('result.schema.json'), result: true, out: [] };
  diff(comparableResult(op, model), comparableResult(op, implementation), ['result'], '', w, 8);
  return w.out;
}

/** Differences between the model's observation and the implementation's (at most `limit`). */
export function observationDifferences(model: Observation, implementation: Observation, limit = 10): Difference[] {
  const w: Walk = { sets: setRules('observation.schema.json'), result: false, out: [] };
  diff(model, implementation, ['state'], '', w, limit);
  return w.out;
}

interface Walk {
  /** Which lists are sets (conformance/set-lists.ts), by schema path. */
  readonly sets: SetRules;
  /** Comparing results: every field is core. */
  readonly result: boolean;
  out: Difference[];
}

function core(key: string, schemaPath: string, w: Walk): boolean {
  if (w.result) return true;
  if (!CORE.has(key)) return false;
  return !((key === 'ports' && schemaPath === 'pods.containers') || (key === 'protocol' && schemaPath.startsWith('proxies')));
}

/** Whether two values agree (no difference at all), under the same rules. */
function same(m: unknown, i: unknown, schemaPath: string, w: Walk): boolean {
  const saved = w.out;
  w.out = [];
  diff(m, i, [], schemaPath, w, 1);
  const agree = w.out.length === 0;
  w.out = saved;
  return agree;
}

const keyOf = (x: Obj, rule: SetRule): string => rule.key!.map((k) => String(x?.[k] ?? rule.defaults[k] ?? '')).join('/');

/** A keyed set: elements matched by key, then compared field by field; order means nothing. */
function diffKeyed(m: unknown[], i: unknown[], at: string[], schemaPath: string, rule: SetRule, w: Walk, limit: number): void {
  const mm = new Map(m.map((x) => [keyOf(x as Obj, rule), x]));
  const im = new Map(i.map((x) => [keyOf(x as Obj, rule), x]));
  if (im.size < i.length) w.out.push({ path: `${at.join('')} (duplicate ${rule.key!.join('/')})`, model: undefined, implementation: i.map((x) => keyOf(x as Obj, rule)) });
  for (const [k, x] of mm) {
    if (w.out.length >= limit) return;
    at.push(`[${k}]`);
    if (!im.has(k)) w.out.push({ path: at.join(''), model: summary(x), implementation: undefined });
    else diff(x, im.get(k), at, schemaPath, w, limit);
    at.pop();
  }
  for (const [k, y] of im) {
    if (w.out.length >= limit) return;
    if (!mm.has(k)) w.out.push({ path: `${at.join('')}[${k}]`, model: undefined, implementation: summary(y) });
  }
}

/**
 * A set of values: each element of one side matched with an equal one of the other. What is left
 * over is the difference, as each side sent it; a single element left on each side is compared
 * field by field (`[*]` in the path), which names the field that differs.
 */
function diffUnkeyed(m: unknown[], i: unknown[], at: string[], schemaPath: string, w: Walk, limit: number): void {
  if (m.length === i.length && m.every((x, n) => same(x, i[n], schemaPath, w))) return;
  const used = new Array<boolean>(i.length).fill(false);
  const onlyModel = m.filter((x) => {
    const j = i.findIndex((y, n) => !used[n] && same(x, y, schemaPath, w));
    if (j >= 0) used[j] = true;
    return j < 0;
  });
  const onlyImpl = i.filter((_, n) => !used[n]);
  if (onlyModel.length === 0 && onlyImpl.length === 0) return;
  if (onlyModel.length === 1 && onlyImpl.length === 1 && onlyModel[0] && typeof onlyModel[0] === 'object') {
    at.push('[*]');
    diff(onlyModel[0], onlyImpl[0], at, schemaPath, w, limit);
    at.pop();
    return;
  }
  w.out.push({ path: at.join(''), model: onlyModel, implementation: onlyImpl, set: true });
}

/** Appends the differences between m and i; `at` is the path as segments, joined only for a difference. */
function diff(m: unknown, i: unknown, at: string[], schemaPath: string, w: Walk, limit: number): void {
  if (w.out.length >= limit || m === i) return;
  if (Array.isArray(m) && Array.isArray(i)) {
    const rule = w.sets.get(schemaPath);
    if (rule?.key) return diffKeyed(m, i, at, schemaPath, rule, w, limit);
    if (rule) return diffUnkeyed(m, i, at, schemaPath, w, limit);
    if (m.length !== i.length) {
      w.out.push({ path: at.join(''), model: m, implementation: i });
      return;
    }
    for (let n = 0; n < m.length && w.out.length < limit; n++) {
      at.push(`[${n}]`);
      diff(m[n], i[n], at, schemaPath, w, limit);
      at.pop();
    }
    return;
  }
  if (m && i && typeof m === 'object' && typeof i === 'object' && !Array.isArray(m) && !Array.isArray(i)) {
    const mo = m as Obj, io = i as Obj;
    const child = (k: string) => (schemaPath ? `${schemaPath}.${k}` : k);
    // JSON data: a property whose value is undefined is an absent one (the model's views may hold such).
    for (const k in mo) {
      if (IGNORED.has(k) || mo[k] === undefined) continue;
      if (io[k] === undefined) {
        if (core(k, schemaPath, w)) w.out.push({ path: `${at.join('')}.${k}`, model: mo[k], implementation: undefined });
      } else {
        at.push(`.${k}`);
        diff(mo[k], io[k], at, child(k), w, limit);
        at.pop();
      }
      if (w.out.length >= limit) return;
    }
    for (const k in io) {
      if (IGNORED.has(k) || io[k] === undefined || mo[k] !== undefined || !core(k, schemaPath, w)) continue;
      w.out.push({ path: `${at.join('')}.${k}`, model: undefined, implementation: io[k] });
      if (w.out.length >= limit) return;
    }
    return;
  }
  w.out.push({ path: at.join(''), model: m, implementation: i });
}

function summary(x: unknown): unknown {
  const s = JSON.stringify(x);
  return s && s.length > 200 ? `${s.slice(0, 200)}…` : x;
}

export function describeDifference(d: Difference): string {
  const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
  if (d.set) return `${d.path} (a set): only the model has ${show(d.model)}, only the implementation ${show(d.implementation)}`;
  return `${d.path}: model ${show(d.model)}, implementation ${show(d.implementation)}`;
}
