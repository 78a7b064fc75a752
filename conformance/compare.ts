/**
 * What "the same answer" means between the model and an implementation. Results are compared on
 * the fields that carry meaning for each operation (an API refusal by its reason, not its
 * wording; an applied Service by what it stores and allocated, not its uid or resourceVersion);
 * observations on everything docs/contract.md section 3 lists, uids excepted. Allocated values and
 * endpoint picks are not differences here: the runner has already adopted the implementation's
 * (conformance/adoption.ts), so the model holds the same ones.
 */
import type { Observation, Operation, Result } from '../model/index.ts';

export interface Difference {
  readonly path: string;
  readonly model: unknown;
  readonly implementation: unknown;
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
const EXTENSION_IN = new Map([['ports', 'container'], ['protocol', 'proxy']]);
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
      // A DNS server may order its records as it likes; the search order (`tried`) is the client's.
      return { ok: true, rcode: x.rcode, answers: [...(x.answers ?? [])].map((a: Obj) => `${a.name} ${a.type} ${a.data}`).sort(), tried: x.tried ?? [] };
    case 'env':
      return { ok: true, env: x.env ?? {} };
    default:
      return { ok: true };
  }
}

export function resultDifferences(op: Operation, model: Result, implementation: Result): Difference[] {
  const out: Difference[] = [];
  diff(comparableResult(op, model), comparableResult(op, implementation), ['result'], 'result', out, 8);
  return out;
}

const keyOf = (list: string, x: Obj): string =>
  list === 'nodes' ? x.name : list === 'proxies' ? x.node : list === 'proxy-services' ? `${x.namespace}/${x.name}:${x.port}/${x.protocol ?? 'TCP'}` : `${x.namespace}/${x.name}`;

/** Differences between the model's observation and the implementation's (at most `limit`). */
export function observationDifferences(model: Observation, implementation: Observation, limit = 10): Difference[] {
  const out: Difference[] = [];
  diff(model, implementation, ['state'], '', out, limit);
  return out;
}

const UNORDERED = new Set(['.subsets', '.addresses', '.notReadyAddresses', '.loadBalancerIngress']);

/** A JSON text with keys in order: equal values give equal texts, whatever order they were written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Obj)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function sortedCopy(list: readonly unknown[]): unknown[] {
  return list.map((x) => [canonical(x), x] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, x]) => x);
}

const KEYED = new Set(['nodes', 'pods', 'services', 'endpoints', 'ingresses', 'proxies', 'replicationControllers', 'proxy-services']);

function core(key: string, ctx: string): boolean {
  return ctx === 'result' || (CORE.has(key) && EXTENSION_IN.get(key) !== ctx);
}

/** Appends the differences between m and i; `at` is the path as segments, joined only for a difference. */
function diff(m: unknown, i: unknown, at: string[], ctx: string, out: Difference[], limit: number): void {
  if (out.length >= limit || m === i) return;
  const path = () => at.join('');
  if (Array.isArray(m) && Array.isArray(i)) {
    const last = at[at.length - 1] ?? '';
    const listName = ctx === 'proxy' && last === '.services' ? 'proxy-services' : last.slice(1);
    if (KEYED.has(listName) && at.length <= 4) {
      const mm = new Map(m.map((x) => [keyOf(listName, x as Obj), x]));
      const im = new Map(i.map((x) => [keyOf(listName, x as Obj), x]));
      const childCtx = listName === 'proxies' || listName === 'proxy-services' ? 'proxy' : listName === 'pods' ? 'pod' : '';
      for (const [k, x] of mm) {
        at.push(`[${k}]`);
        if (!im.has(k)) out.push({ path: path(), model: summary(x), implementation: undefined });
        else diff(x, im.get(k), at, childCtx, out, limit);
        at.pop();
        if (out.length >= limit) return;
      }
      for (const [k, y] of im) {
        if (!mm.has(k)) out.push({ path: `${path()}[${k}]`, model: undefined, implementation: summary(y) });
        if (out.length >= limit) return;
      }
      if (out.length === 0 && [...mm.keys()].join() !== [...im.keys()].join()) out.push({ path: `${path()} (order)`, model: [...mm.keys()], implementation: [...im.keys()] });
      return;
    }
    if (m.length !== i.length) {
      out.push({ path: path(), model: m, implementation: i });
      return;
    }
    const childCtx = last === '.containers' ? 'container' : ctx;
    // Sets written as lists (addresses, a proxy's endpoints): their order means nothing.
    const unordered = UNORDERED.has(last) || (last === '.endpoints' && ctx === 'proxy');
    const [ms, is] = unordered ? [sortedCopy(m), sortedCopy(i)] : [m, i];
    for (let n = 0; n < ms.length && out.length < limit; n++) {
      at.push(`[${n}]`);
      diff(ms[n], is[n], at, childCtx, out, limit);
      at.pop();
    }
    return;
  }
  if (m && i && typeof m === 'object' && typeof i === 'object' && !Array.isArray(m) && !Array.isArray(i)) {
    const mo = m as Obj, io = i as Obj;
    for (const k in mo) {
      if (IGNORED.has(k)) continue;
      if (!(k in io)) {
        if (core(k, ctx)) out.push({ path: `${path()}.${k}`, model: mo[k], implementation: undefined });
      } else {
        at.push(`.${k}`);
        diff(mo[k], io[k], at, ctx, out, limit);
        at.pop();
      }
      if (out.length >= limit) return;
    }
    for (const k in io) {
      if (IGNORED.has(k) || k in mo || !core(k, ctx)) continue;
      out.push({ path: `${path()}.${k}`, model: undefined, implementation: io[k] });
      if (out.length >= limit) return;
    }
    return;
  }
  out.push({ path: path(), model: m, implementation: i });
}

function summary(x: unknown): unknown {
  const s = JSON.stringify(x);
  return s && s.length > 200 ? `${s.slice(0, 200)}…` : x;
}

export function describeDifference(d: Difference): string {
  const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
  return `${d.path}: model ${show(d.model)}, implementation ${show(d.implementation)}`;
}
