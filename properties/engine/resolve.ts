/**
 * Generated operations name things by role, not by value: `$clusterIP:default/web`, the first pod
 * of a ReplicationController, "this Service again without its nodePorts". Just before an operation
 * runs, the engine resolves these against the current observation and the manifests it applied,
 * so the executed (and printed, and replayed) operation is a plain contract operation.
 */
import type { Observation, Operation } from '../../model/index.ts';

type Obj = Record<string, any>;

/**
 * Whether a template resolves to itself in every state: nothing in it is a `$` reference or a
 * `$` directive, and it is not a kubelet's pod status (which keeps a terminal phase it reads from
 * the state). Such an operation can be sent before the step ahead of it has been judged.
 */
export function resolvesToItself(template: Operation): boolean {
  return !kubeletStatus(template as Obj) && !JSON.stringify(template).includes('"$');
}

/** A pod applied with a status: its caller plays the pod's kubelet (see keepTerminalPhase). */
function kubeletStatus(op: Obj): boolean {
  return op.op === 'apply' && op.object?.kind === 'Pod' && !!op.object.status?.phase;
}

/** What the engine remembers between steps: the last manifest applied per object. */
export class Resolver {
  private readonly applied = new Map<string, Obj>();

  /** Records a successful apply, so later references ("relabel this pod") can rebuild it. */
  record(op: Operation, ok: boolean): void {
    if (op.op !== 'apply' || !ok) return;
    const o = op.object as Obj;
    this.applied.set(`${o.kind}/${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`, o);
  }

  /** `internal` lists the internal steps the state has enabled (async timing); empty in sync timing. */
  resolve(template: Operation, obs: Observation, internal: () => readonly Operation[] = () => []): Operation {
    if (template.op === 'sync' && String((template as Obj).target).startsWith('$internal#')) {
      // One of the pending internal steps, by index; with none pending it is a settle (a no-op then).
      const steps = internal();
      const i = Number(String((template as Obj).target).slice('$internal#'.length));
      return steps.length ? steps[i % steps.length] : ({ op: 'settle' } as Operation);
    }
    // refs() rebuilds every object it walks, so the template itself is never shared or changed.
    const op = { ...template } as Obj;
    if (op.op === 'apply' && op.object?.$relabel) op.object = this.relabel(op.object.$relabel, obs);
    if (op.op === 'apply' && op.object?.kind === 'Service' && op.object.spec?.$update) op.object = this.reapply(op.object, obs);
    if (op.op === 'apply' && op.object?.$swapNodePorts) op.object = this.swapNodePorts(op.object.$swapNodePorts, obs);
    if (kubeletStatus(op)) op.object = keepTerminalPhase(op.object, obs);
    return refs(op, obs) as Operation;
  }

  private relabel(r: { namespace: string; pod: string; labels: Record<string, string> }, obs: Observation): Obj {
    const name = ref(r.pod, obs) as string;
    const base = this.applied.get(`Pod/${r.namespace}/${name}`) ?? this.fromController(r.namespace, name);
    return { ...(base ?? { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'app', image: 'app' }] } }), metadata: { ...(base?.metadata ?? {}), name, namespace: r.namespace, labels: r.labels } };
  }

  /** A pod made by a ReplicationController has the RC's template as its spec. */
  private fromController(namespace: string, pod: string): Obj | undefined {
    for (const [key, rc] of this.applied) {
      if (!key.startsWith(`ReplicationController/${namespace}/`) || !pod.startsWith(`${rc.metadata.name}-`)) continue;
      return { apiVersion: 'v1', kind: 'Pod', metadata: { ...(rc.spec.template?.metadata ?? {}) }, spec: rc.spec.template?.spec };
    }
    return undefined;
  }

  /**
   * The last manifest of a Service again, each port asking for the nodePort the port before it
   * holds now and the first port asking for none: a nodePort moved within one Service. A Service
   * that was never applied, or has fewer than two nodePorts, is re-applied as it was.
   */
  private swapNodePorts(r: { namespace: string; name: string }, obs: Observation): Obj {
    const prev = this.applied.get(`Service/${r.namespace}/${r.name}`) ?? { apiVersion: 'v1', kind: 'Service', metadata: { name: r.name, namespace: r.namespace }, spec: { ports: [{ port: 80 }] } };
    const current = obs.services.find((s) => s.namespace === r.namespace && s.name === r.name);
    const held = (prev.spec?.ports ?? []).map((p: Obj) => current?.ports.find((c) => (c.name ?? '') === (p.name ?? ''))?.nodePort);
    if (held.length < 2 || held.some((n: number | undefined) => !n)) return prev;
    const ports = (prev.spec.ports as Obj[]).map((p, i) => {
      const { nodePort: _n, ...rest } = p;
      return i === 0 ? rest : { ...rest, nodePort: held[i - 1] };
    });
    return { ...prev, spec: { ...prev.spec, ports } };
  }

  /** kubectl apply of the same manifest: the stored Service's spec without clusterIP and nodePorts. */
  private reapply(generated: Obj, obs: Observation): Obj {
    const { $update: _, ...spec } = generated.spec;
    const ns = generated.metadata.namespace ?? 'default';
    const prev = this.applied.get(`Service/${ns}/${generated.metadata.name}`);
    const current = obs.services.find((s) => s.namespace === ns && s.name === generated.metadata.name);
    if (!prev || !current) return { ...generated, spec };
    const ports = (prev.spec.ports ?? []).map((p: Obj) => {
      const { nodePort: _n, ...rest } = p;
      return rest;
    });
    return { ...prev, spec: { ...prev.spec, ports } };
  }
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

/**
 * A status-managed pod's caller plays its kubelet, and a kubelet never moves a pod out of a
 * terminal phase (k8s.io/kubernetes v1.37.2 pkg/kubelet/kubelet_pods.go generateAPIPodStatus:
 * "pods are not allowed to transition out of terminal phases"): a status for a pod that has
 * ended keeps its phase and IP, unready as the kubelet writes a terminal pod (status_manager.go
 * generatePodReadyConditionForTerminalPhase). The API would take a revival, but no controller
 * would see it (the phase wakes none, docs/fidelity.md F18), and no kubelet writes it.
 */
function keepTerminalPhase(pod: Obj, obs: Observation): Obj {
  const ns = pod.metadata?.namespace ?? 'default';
  const ended = obs.pods.find((p) => p.namespace === ns && p.name === pod.metadata?.name);
  if (!ended || !TERMINAL.has(ended.phase) || TERMINAL.has(pod.status.phase)) return pod;
  const { podIP: _ip, ...status } = pod.status as Obj;
  return {
    ...pod,
    status: {
      ...status,
      phase: ended.phase,
      ...(ended.ip ? { podIP: ended.ip } : {}),
      conditions: [...((status.conditions as Obj[] | undefined) ?? []).filter((c) => c.type !== 'Ready'), { type: 'Ready', status: 'False' }],
      containerStatuses: ((status.containerStatuses as Obj[] | undefined) ?? []).map((c) => ({ ...c, ready: false })),
    },
  };
}

function refs(v: unknown, obs: Observation): unknown {
  if (typeof v === 'string' && v.startsWith('$')) return ref(v, obs);
  if (Array.isArray(v)) return v.map((x) => refs(x, obs));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, refs(x, obs)]));
  return v;
}

/** Addresses no object holds, used when a reference finds nothing (the operation then fails as it should). */
const NOWHERE = { clusterIP: '10.111.255.254', podIP: '10.244.255.254', nodePort: 32767, lbIP: '203.0.113.254', externalIP: '192.0.2.254' };

export function ref(text: string, obs: Observation): string | number {
  const m = /^\$(\w+):([^/]+)\/(.+)$/.exec(text);
  if (!m) return text;
  const [, kind, ns, name] = m;
  const svc = () => obs.services.find((s) => s.namespace === ns && s.name === name);
  switch (kind) {
    case 'pod': {
      const [rc, i] = name.split('#');
      const pods = obs.pods.filter((p) => p.namespace === ns && p.name.startsWith(`${rc}-`)).map((p) => p.name).sort();
      return pods.length ? pods[Number(i) % pods.length] : `${rc}-absent`;
    }
    case 'anyPod': {
      // The i-th pod of the namespace in name order: discovery operations need a pod that exists.
      const pods = obs.pods.filter((p) => p.namespace === ns).map((p) => p.name).sort();
      return pods.length ? pods[Number(name) % pods.length] : 'absent';
    }
    case 'clusterIP': {
      const ip = svc()?.clusterIP;
      return ip && ip !== 'None' ? ip : NOWHERE.clusterIP;
    }
    case 'anyClusterIP': {
      // The i-th ClusterIP the cluster holds (any namespace, in name order): a ping needs an address that is one.
      const ips = obs.services.filter((s) => s.clusterIP && s.clusterIP !== 'None').map((s) => s.clusterIP!).sort();
      return ips.length ? ips[Number(name) % ips.length] : NOWHERE.clusterIP;
    }
    case 'nodePort':
      return svc()?.ports.find((p) => p.nodePort)?.nodePort ?? NOWHERE.nodePort;
    case 'lbIP':
      return svc()?.loadBalancerIngress[0]?.ip ?? NOWHERE.lbIP;
    case 'healthCheckNodePort':
      return svc()?.healthCheckNodePort ?? NOWHERE.nodePort;
    case 'externalIP':
      return svc()?.externalIPs?.[0] ?? NOWHERE.externalIP;
    case 'podIP':
      return obs.pods.find((p) => p.namespace === ns && p.name === name)?.ip || NOWHERE.podIP;
    default:
      return text;
  }
}
