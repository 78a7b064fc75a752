/**
 * The environment the kubelet gives a container: Docker-links style variables for Services
 * (docs/semantics.md A1) plus the container's own `env`, with `$(VAR)` expansion.
 *
 * Sources (kubernetes/kubernetes): pkg/kubelet/envvars/envvars.go (FromServices, makeLinkVariables),
 * pkg/kubelet/kubelet_pods.go (getServiceEnvVarMap, makeEnvironmentVariables),
 * third_party/forked/golang/expansion/expand.go (the `$(VAR)` syntax). Pure functions: no I/O.
 */
import type { Container, Pod, Service } from '../k8s/objects.ts';

/** The kubelet's `IsServiceIPSet`: headless (`None`) and ExternalName (`""`) Services get no variables. */
export function hasClusterIP(service: Service): boolean {
  const ip = service.spec.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

/** envvars.go makeEnvVariableName: upper-case, `-` → `_`, nothing else (A1.2). */
function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/**
 * The variables for one Service, in envvars.go order (A1.1). Callers skip Services without a
 * cluster IP. A Service without ports (API validation forbids it for a ClusterIP Service; the
 * Go code would index ports[0]) yields only `_SERVICE_HOST`.
 */
export function serviceLinkVariables(service: Service): Array<[string, string]> {
  const prefix = envName(service.metadata.name ?? '');
  const ip = service.spec.clusterIP ?? '';
  // net.JoinHostPort brackets IPv6 in the URL forms only (envvars_test.go `super-ipv6`).
  const hostPort = (port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  const ports = service.spec.ports ?? [];
  const out: Array<[string, string]> = [[`${prefix}_SERVICE_HOST`, ip]];
  if (ports.length === 0) return out;
  out.push([`${prefix}_SERVICE_PORT`, String(ports[0]!.port)]);
  for (const p of ports) {
    if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  }
  ports.forEach((p, i) => {
    const proto = (p.protocol ?? 'TCP').toLowerCase();
    const url = `${proto}://${hostPort(p.port)}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]); // Docker special-cases the first port
    const block = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push([block, url], [`${block}_PROTO`, proto], [`${block}_PORT`, String(p.port)], [`${block}_ADDR`, ip]);
  });
  return out;
}

/**
 * Which Services a pod sees (A1.3, kubelet_pods.go getServiceEnvVarMap): with cluster IP set,
 * `kubernetes` in `default` always, every Service of the pod's namespace when
 * `enableServiceLinks`; one Service per name, and the pod-namespace one wins over
 * default/kubernetes (test "master service in pod ns, service env vars"). Sorted by name.
 */
export function linkedServices(services: Service[], podNamespace: string, enableServiceLinks: boolean): Service[] {
  const byName = new Map<string, Service>();
  for (const s of services) {
    if (!hasClusterIP(s)) continue;
    const name = s.metadata.name ?? '';
    const ns = s.metadata.namespace ?? 'default';
    if (ns === 'default' && name === 'kubernetes') {
      if (!byName.has(name)) byName.set(name, s);
    } else if (ns === podNamespace && enableServiceLinks) {
      byName.set(name, s);
    }
  }
  return [...byName.values()].sort((a, b) => cmp(a.metadata.name ?? '', b.metadata.name ?? ''));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The service variables a container started now would get.
 *
 * Collisions (A1.4, A4.11): two Services can produce the same variable (`x` port 80/TCP makes
 * `X_PORT_80_TCP_PORT=80`; a Service `x-port-80-tcp` makes `X_PORT_80_TCP_PORT=tcp://…`). The
 * kubelet walks a Go map, so the winner is random. The model decides: Services in name order,
 * **first wins**. A collision always pairs a name with a longer name it prefixes (`x` and
 * `x-…`), and the prefix sorts first, so the shorter-named Service keeps the variable its own
 * name spells; that also keeps `KUBERNETES_SERVICE_PORT` the API server's port when a Service
 * `kubernetes-service` exists. `serviceEnvironmentChoices` lists every allowed value.
 */
export function serviceEnvironment(services: Service[], podNamespace: string, enableServiceLinks: boolean): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of linkedServices(services, podNamespace, enableServiceLinks)) {
    for (const [k, v] of serviceLinkVariables(s)) if (!(k in env)) env[k] = v;
  }
  return env;
}

/** Every value a conforming kubelet may give each service variable (more than one only on a collision). */
export function serviceEnvironmentChoices(services: Service[], podNamespace: string, enableServiceLinks: boolean): Record<string, string[]> {
  const choices: Record<string, string[]> = {};
  for (const s of linkedServices(services, podNamespace, enableServiceLinks)) {
    for (const [k, v] of serviceLinkVariables(s)) {
      const list = (choices[k] ??= []);
      if (!list.includes(v)) list.push(v);
    }
  }
  return choices;
}

/**
 * `$(VAR)` expansion as third_party/forked/golang/expansion/expand.go does it: `$$` is a
 * literal `$`; `$(NAME)` is replaced when `lookup` knows NAME and kept verbatim otherwise; a `$`
 * followed by anything else, or an unterminated `$(`, is copied as is. No recursion: a value
 * that itself contains `$(…)` is inserted unexpanded.
 */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      i += 1;
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$('; // incomplete reference: keep it and rescan after the `(`
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += lookup(name) ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += '$' + next;
      i += 2;
    }
  }
  return out;
}

/**
 * The container's environment (kubelet_pods.go makeEnvironmentVariables): `env` entries in
 * order, each `value` expanded against the entries before it and then the service variables;
 * an entry with neither value nor valueFrom is `""`. User entries override service variables.
 *
 * Not modelled: `envFrom` and configMap/secret/resourceField `valueFrom` (the model stores no
 * ConfigMaps or Secrets). Such an entry is skipped, as the kubelet skips an optional reference
 * whose object is missing; a non-optional one would keep the real container from starting.
 * `fieldRef` is resolved from `pod` when given (downward API fields listed in `fieldRefValue`).
 */
export function containerEnvironment(container: Container, serviceEnv: Record<string, string>, pod?: Pod): Record<string, string> {
  const own = new Map<string, string>();
  const lookup = (name: string) => own.get(name) ?? (Object.hasOwn(serviceEnv, name) ? serviceEnv[name] : undefined);
  for (const e of container.env ?? []) {
    if (e.value) own.set(e.name, expand(e.value, lookup));
    else if (e.valueFrom !== undefined && e.valueFrom !== null) {
      const v = pod ? fieldRefValue(e.valueFrom, pod) : undefined;
      if (v !== undefined) own.set(e.name, v);
    } else own.set(e.name, '');
  }
  const env: Record<string, string> = {};
  for (const [k, v] of own) env[k] = v;
  for (const k of Object.keys(serviceEnv)) if (!own.has(k)) env[k] = serviceEnv[k]!;
  return env;
}

/**
 * Downward API `fieldRef` values (kubelet_pods.go podFieldSelectorRuntimeValue): metadata.name,
 * .namespace, .uid, .labels['k'], .annotations['k'], spec.nodeName, spec.serviceAccountName,
 * status.podIP, status.podIPs, status.hostIP, status.hostIPs. Anything else → undefined.
 */
export function fieldRefValue(valueFrom: unknown, pod: Pod): string | undefined {
  const path = (valueFrom as { fieldRef?: { fieldPath?: unknown } } | null)?.fieldRef?.fieldPath;
  if (typeof path !== 'string') return undefined;
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) return pod.metadata[keyed[1] as 'labels' | 'annotations']?.[keyed[2]!] ?? '';
  const podIPs = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  const hostIPs = (pod.status?.hostIPs as { ip: string }[] | undefined)?.map((h) => h.ip);
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? 'default';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return String(pod.spec.serviceAccountName ?? 'default');
    case 'status.podIP': return podIPs[0] ?? '';
    case 'status.podIPs': return podIPs.join(',');
    case 'status.hostIP': return pod.status?.hostIP ?? '';
    case 'status.hostIPs': return (hostIPs ?? (pod.status?.hostIP ? [pod.status.hostIP] : [])).join(',');
    default: return undefined;
  }
}
