/**
 * Cluster DNS (kubernetes/dns docs/specification.md, schema 1.1.0; docs/semantics.md A2) and the
 * pod's stub resolver (glibc res_search under the resolv.conf the kubelet writes:
 * kubernetes/kubernetes pkg/kubelet/network/dns/dns.go). Pure functions over a read-only view.
 *
 * Decisions where the sources leave room (each one also noted where it is made):
 * - Only the records the spec requires. CoreDNS extensions (SRV at the bare service name,
 *   endpoint names of ClusterIP Services, PTR for non-headless endpoints, `pod.<zone>` A
 *   records) are not served: NXDOMAIN or NOERROR-empty per the name's existence.
 * - Owner names in answers are lower-case FQDNs with the trailing dot; `tried` keeps the
 *   query's own spelling. Answer order is not meaningful (compare as sets).
 * - No upstream: any name outside the cluster domain is NXDOMAIN.
 */
import type { Endpoints, EndpointAddress, Pod, Service } from '../k8s/objects.ts';

export const DNS_SCHEMA_VERSION = '1.1.0';

export interface DnsView {
  clusterDomain: string;
  /** The cluster DNS Service IP: a `dnsPolicy: None` pod reaches the cluster DNS only if its first nameserver is this. */
  dnsServiceIP?: string;
  service(namespace: string, name: string): Service | undefined;
  endpoints(namespace: string, name: string): Endpoints | undefined;
  /** Looked up by the address as written in the Service, or for PTR by its RFC 5952 text (`2001:db8::1`). */
  serviceByClusterIP(ip: string): Service | undefined;
  endpointAddressesByIP(ip: string): Array<{ service: Service; hostname?: string }>;
  podsBySubdomain(namespace: string, subdomain: string): Pod[];
  podReady(pod: Pod): boolean;
  /** Whether a namespace exists (`<ns>.svc.<zone>` is then NOERROR-empty, as CoreDNS answers). Absent: NXDOMAIN. */
  namespaceExists?(namespace: string): boolean;
}

export type RRType = 'A' | 'AAAA' | 'SRV' | 'PTR' | 'CNAME' | 'TXT';
export interface DnsRecord { name: string; type: string; data: string }
export interface DnsAnswer { rcode: 'NOERROR' | 'NXDOMAIN'; answers: DnsRecord[] }
export interface ResolveResult extends DnsAnswer { tried: string[] }
export interface ResolvConf { nameservers: string[]; searches: string[]; options: string[] }

const NX: DnsAnswer = { rcode: 'NXDOMAIN', answers: [] };
const NODATA: DnsAnswer = { rcode: 'NOERROR', answers: [] };

// ---------------------------------------------------------------- resolv.conf

/**
 * The pod's resolv.conf (dns.go GetPodDNS). ClusterFirst (and ClusterFirstWithHostNet):
 * the cluster DNS, search `<ns>.svc.<zone> svc.<zone> <zone>`, `ndots:5`. Default (and
 * ClusterFirst with hostNetwork): the node's resolv.conf, which the model leaves empty (no
 * nameserver it knows, no search). None: empty. `dnsConfig` is then merged in (duplicates
 * dropped; an option given again replaces the earlier one in place, where Go's map order is
 * random) and the limits applied: 3 nameservers, 32 search domains of ≤253 chars, 2048 chars.
 */
export function resolvConf(pod: Pod | undefined, namespace: string, clusterDomain: string, dnsServiceIP: string): ResolvConf {
  const policy = pod?.spec.dnsPolicy ?? 'ClusterFirst';
  const cluster = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod?.spec.hostNetwork);
  let conf: ResolvConf = { nameservers: [], searches: [], options: [] };
  // dns.go: without a cluster DNS IP the kubelet falls back to Default.
  if (cluster && dnsServiceIP) {
    const searches = clusterDomain ? [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain] : [];
    conf = { nameservers: [dnsServiceIP], searches, options: ['ndots:5'] };
  }
  const extra = pod?.spec.dnsConfig;
  if (extra) {
    const options = [...conf.options];
    for (const o of extra.options ?? []) {
      const text = o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name;
      const at = options.findIndex((x) => x.split(':')[0] === o.name);
      if (at >= 0) options[at] = text; else options.push(text);
    }
    conf = {
      nameservers: unique([...conf.nameservers, ...(extra.nameservers ?? [])]),
      searches: unique([...conf.searches, ...(extra.searches ?? [])]),
      options,
    };
  }
  let searches = conf.searches.slice(0, 32).filter((s) => s.length <= 253);
  while (searches.join(' ').length > 2048) searches = searches.slice(0, -1);
  return { nameservers: conf.nameservers.slice(0, 3), searches, options: conf.options };
}

const unique = (xs: string[]): string[] => [...new Set(xs)];

/** The ndots the stub resolver uses: the last `ndots:N` option (glibc reads them in order), default 1, at most 15. */
export function ndotsOf(conf: ResolvConf): number {
  let ndots = 1;
  for (const o of conf.options) {
    const m = /^ndots:(\d+)$/.exec(o);
    if (m) ndots = Math.min(Number(m[1]), 15);
  }
  return ndots;
}

// ---------------------------------------------------------------- stub resolver

/**
 * A lookup by a process in the pod, as glibc res_search does it (resolv.conf(5)):
 * - a trailing dot: that name only;
 * - at least `ndots` dots: the name as is first, then each search domain;
 * - fewer: each search domain first, then the name as is.
 * It stops at the first reply that is NOERROR with at least one answer (a CNAME counts, as
 * glibc checks ancount). NXDOMAIN and NOERROR-without-answers (NODATA) go on to the next
 * candidate. When all fail, the result is glibc's h_errno choice: the as-is reply if that was
 * tried first, else NODATA if any candidate gave NODATA, else NXDOMAIN.
 * Only the first nameserver matters (NXDOMAIN is an answer; glibc does not ask the next).
 * Without `from.pod`, a ClusterFirst pod in `from.namespace` is assumed.
 */
export function resolve(view: DnsView, from: { namespace: string; pod?: Pod }, name: string, type: RRType): ResolveResult {
  const dnsIP = view.dnsServiceIP ?? '<cluster-dns>';
  const conf = resolvConf(from.pod, from.namespace, view.clusterDomain, dnsIP);
  const reachesCluster = conf.nameservers[0] === dnsIP;
  const ndots = ndotsOf(conf);
  const tried: string[] = [];
  const ask = (fqdn: string): DnsAnswer => {
    tried.push(fqdn);
    return reachesCluster ? answer(view, fqdn, type) : NX;
  };
  const ok = (a: DnsAnswer) => a.rcode === 'NOERROR' && a.answers.length > 0;

  if (name.endsWith('.')) return { ...ask(name), tried };
  const dots = [...name].filter((c) => c === '.').length;
  let first: DnsAnswer | undefined;
  if (dots >= ndots) {
    first = ask(`${name}.`);
    if (ok(first)) return { ...first, tried };
  }
  let nodata = false;
  let rootOnList = false;
  for (const domain of conf.searches) {
    const d = domain.replace(/^\.+/, '').replace(/\.+$/, '');
    if (d === '') rootOnList = true;
    const a = ask(d === '' ? `${name}.` : `${name}.${d}.`);
    if (ok(a)) return { ...a, tried };
    if (a.rcode === 'NOERROR') nodata = true;
  }
  if (!first && !rootOnList) {
    const a = ask(`${name}.`);
    if (ok(a)) return { ...a, tried };
    if (a.rcode === 'NOERROR') nodata = true;
  }
  const rcode = first ? first.rcode : nodata ? 'NOERROR' : 'NXDOMAIN';
  return { rcode, answers: [], tried };
}

// ---------------------------------------------------------------- the server

/** The cluster DNS server's reply to one fully-qualified question (case-insensitive, spec 2.1). */
export function answer(view: DnsView, fqdn: string, type: RRType): DnsAnswer {
  const q = fqdn.toLowerCase().replace(/\.$/, '');
  const zone = view.clusterDomain.toLowerCase().replace(/\.$/, '');
  if (q.endsWith('.in-addr.arpa') || q.endsWith('.ip6.arpa')) return reverse(view, q, type);
  if (q === zone) return NODATA; // apex: SOA/NS only
  if (!q.endsWith(`.${zone}`)) return NX; // no upstream in the model
  const rel = q.slice(0, -(zone.length + 1));
  if (rel === 'dns-version') return type === 'TXT' ? rr(q, 'TXT', DNS_SCHEMA_VERSION) : NODATA; // spec 2.2
  if (rel === 'svc') return NODATA; // empty non-terminal
  if (!rel.endsWith('.svc')) return NX; // includes the deprecated pod.<zone> records (A2.7)
  const labels = rel.slice(0, -4).split('.');
  const svcFqdn = (svc: string, ns: string) => `${svc}.${ns}.svc.${zone}.`;

  if (labels.length === 1) return view.namespaceExists?.(labels[0]!) ? NODATA : NX;
  if (labels.length === 4) {
    const [port, proto, svc, ns] = labels as [string, string, string, string];
    if (!port.startsWith('_') || !proto.startsWith('_')) return NX;
    return srv(view, q, port.slice(1), proto.slice(1), svc, ns, svcFqdn(svc, ns), type);
  }
  if (labels.length !== 2 && labels.length !== 3) return NX;
  const [svcName, ns] = labels.slice(-2) as [string, string];
  const service = view.service(ns, svcName);
  if (!service) return NX;
  const clusterIP = service.spec.clusterIP ?? '';

  if (labels.length === 2) {
    if (service.spec.type === 'ExternalName') {
      // spec 2.5: a CNAME, whatever the question type; its target is outside the model.
      const target = (service.spec.externalName ?? '').toLowerCase().replace(/\.?$/, '.');
      return rr(q, 'CNAME', target);
    }
    if (clusterIP !== 'None') {
      // spec 2.3.1: depends only on the cluster IP, so a Service with no endpoints resolves.
      const ips = service.spec.clusterIPs?.length ? service.spec.clusterIPs : clusterIP ? [clusterIP] : [];
      return addressRecords(q, ips, type);
    }
    const ready = unique(readyAddresses(view, service).map((r) => r.addr.ip));
    return ready.length === 0 ? NX : addressRecords(q, ready, type); // spec 2.4.1: none ready → NXDOMAIN
  }
  // <hostname>.<svc>.<ns>: endpoints of a headless Service (spec 2.4.1), and pods whose
  // hostname/subdomain name it (dns-pod-service.md: ready, or the Service publishes not-ready).
  if (clusterIP !== 'None') return NX; // spec: headless only (CoreDNS also serves ClusterIP endpoints)
  const host = labels[0]!;
  const ips = readyAddresses(view, service).filter((r) => r.hostname === host).map((r) => r.addr.ip);
  for (const pod of view.podsBySubdomain(ns, svcName)) {
    if (pod.spec.hostname?.toLowerCase() !== host) continue;
    if (!view.podReady(pod) && !service.spec.publishNotReadyAddresses) continue;
    ips.push(...podIPs(pod));
  }
  return ips.length === 0 ? NX : addressRecords(q, unique(ips), type);
}

/**
 * SRV `_<port>._<proto>.<svc>.<ns>.svc.<zone>` (spec 2.3.2, 2.4.2): named ports only.
 * Priority and weight are not prescribed; the model writes `0 100` on every record (RFC 2782:
 * equal weights, equal share), so conformance should compare port and target only. A headless
 * Service gives one record per ready address × matching Endpoints port, with the Endpoints
 * port number as CoreDNS does (there is no proxy; the service port may differ from it).
 */
function srv(view: DnsView, q: string, port: string, proto: string, svcName: string, ns: string, svcFqdn: string, type: RRType): DnsAnswer {
  const service = view.service(ns, svcName);
  if (!service || service.spec.type === 'ExternalName') return NX;
  const match = (p: { name?: string; protocol?: string }) =>
    !!p.name && p.name.toLowerCase() === port && (p.protocol ?? 'TCP').toLowerCase() === proto;
  const records: DnsRecord[] = [];
  if (service.spec.clusterIP !== 'None') {
    for (const p of service.spec.ports ?? []) if (match(p)) records.push({ name: `${q}.`, type: 'SRV', data: `0 100 ${p.port} ${svcFqdn}` });
  } else {
    for (const r of readyAddresses(view, service)) {
      for (const p of r.ports) if (match(p)) records.push({ name: `${q}.`, type: 'SRV', data: `0 100 ${p.port} ${r.hostname}.${svcFqdn}` });
    }
  }
  if (records.length === 0) return NX;
  return type === 'SRV' ? { rcode: 'NOERROR', answers: dedupe(records) } : NODATA;
}

/** PTR (spec 2.3.3, 2.4.3): a cluster IP names its Service; else a ready address of a headless Service names its endpoint. */
function reverse(view: DnsView, q: string, type: RRType): DnsAnswer {
  const ip = reverseNameToIP(q);
  if (!ip) return NX;
  const zone = view.clusterDomain.toLowerCase().replace(/\.$/, '');
  const fqdn = (s: Service) => `${s.metadata.name}.${s.metadata.namespace ?? 'default'}.svc.${zone}.`;
  const svc = view.serviceByClusterIP(ip);
  let targets: string[] = [];
  if (svc && svc.spec.clusterIP !== 'None') targets = [fqdn(svc)];
  else {
    for (const { service } of view.endpointAddressesByIP(ip)) {
      if (service.spec.clusterIP !== 'None') continue; // spec: headless only (CoreDNS serves all)
      for (const r of readyAddresses(view, service)) if (sameIP(r.addr.ip, ip)) targets.push(`${r.hostname}.${fqdn(service)}`);
    }
  }
  if (targets.length === 0) return NX;
  return type === 'PTR' ? { rcode: 'NOERROR', answers: unique(targets).map((t) => ({ name: `${q}.`, type: 'PTR', data: t })) } : NODATA;
}

interface ReadyAddress { addr: EndpointAddress; hostname: string; ports: { name?: string; port: number; protocol?: string }[] }

/**
 * The ready addresses of a Service: Endpoints `addresses` (spec 2.1 "ready"; the controller
 * already moves not-ready pods there when publishNotReadyAddresses is set). The _hostname_ is
 * the address's `hostname`, else that of the pod it points to when the pod names this Service
 * as subdomain (what the endpoints controller copies), else the dashed IP as CoreDNS makes it.
 */
function readyAddresses(view: DnsView, service: Service): ReadyAddress[] {
  const ns = service.metadata.namespace ?? 'default';
  const name = service.metadata.name ?? '';
  const pods = view.podsBySubdomain(ns, name);
  const out: ReadyAddress[] = [];
  for (const subset of view.endpoints(ns, name)?.subsets ?? []) {
    for (const addr of subset.addresses ?? []) {
      const pod = addr.targetRef?.name ? pods.find((p) => p.metadata.name === addr.targetRef!.name) : undefined;
      const hostname = (addr.hostname || pod?.spec.hostname || dashedIP(addr.ip)).toLowerCase();
      out.push({ addr, hostname, ports: subset.ports ?? [] });
    }
  }
  return out;
}

function dashedIP(ip: string): string {
  if (!ip.includes(':')) return ip.replace(/\./g, '-');
  let d = ip.toLowerCase().replace(/:/g, '-');
  if (d.startsWith('-')) d = '0' + d;
  if (d.endsWith('-')) d += '0';
  return d;
}

const podIPs = (pod: Pod): string[] =>
  pod.status?.podIPs?.length ? pod.status.podIPs.map((p) => p.ip) : pod.status?.podIP ? [pod.status.podIP] : [];

/** A for IPv4 addresses, AAAA for IPv6 (spec 1.1.0); other types on an existing name: NODATA. */
function addressRecords(q: string, ips: string[], type: RRType): DnsAnswer {
  if (type !== 'A' && type !== 'AAAA') return NODATA;
  const want = ips.filter((ip) => ip.includes(':') === (type === 'AAAA'));
  return { rcode: 'NOERROR', answers: want.map((ip) => ({ name: `${q}.`, type, data: ip })) };
}

const rr = (q: string, type: string, data: string): DnsAnswer => ({ rcode: 'NOERROR', answers: [{ name: `${q}.`, type, data }] });

function dedupe(records: DnsRecord[]): DnsRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => !seen.has(r.data) && !!seen.add(r.data));
}

// ---------------------------------------------------------------- reverse names

/** `4.3.2.1.in-addr.arpa` → `1.2.3.4`; 32 nibbles under ip6.arpa → RFC 5952 text. Else undefined. */
export function reverseNameToIP(name: string): string | undefined {
  const q = name.toLowerCase().replace(/\.$/, '');
  if (q.endsWith('.in-addr.arpa')) {
    const parts = q.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
    return parts.reverse().join('.');
  }
  if (q.endsWith('.ip6.arpa')) {
    const nibbles = q.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    return compressIPv6(Array.from({ length: 8 }, (_, i) => hex.slice(i * 4, i * 4 + 4)));
  }
  return undefined;
}

/** The reverse-lookup name for an address (ip6.arpa with all 32 nibbles). */
export function reverseName(ip: string): string {
  if (!ip.includes(':')) return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
  return `${[...expandIPv6(ip).join('')].reverse().join('.')}.ip6.arpa.`;
}

function expandIPv6(ip: string): string[] {
  const [head, tail] = ip.toLowerCase().split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0'));
}

/** RFC 5952: lower-case, no leading zeros, the longest run (≥2) of zero groups as `::`. */
function compressIPv6(groups: string[]): string {
  const g = groups.map((x) => x.replace(/^0+(?=.)/, ''));
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j > i ? j : i + 1;
  }
  if (best < 0) return g.join(':');
  return `${g.slice(0, best).join(':')}::${g.slice(best + bestLen).join(':')}`;
}

function sameIP(a: string, b: string): boolean {
  if (a.includes(':') !== b.includes(':')) return false;
  return a.includes(':') ? expandIPv6(a).join() === expandIPv6(b).join() : a === b;
}
