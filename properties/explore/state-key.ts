/**
 * The canonical key of a cluster state, for deduplication in exhaustive search.
 *
 * Encoding: an ordered text of everything that decides future behaviour — objects as stored
 * (server-set identity such as uids and resourceVersions left out), machine states by their
 * canonical keys (not their interned ids, which follow the order a process met them: a worker
 * thread must give a state the same text as the main thread), kubelet runtime, pending internal
 * work, proxies, and timers relative to now.
 * Absolute time is abstracted away (a TLC "view"): two states that differ only in how long ago
 * things happened, with the same timers ahead, behave the same. Allocation maps and indexes
 * are functions of the objects and are not encoded. Per-record texts are memoised by identity.
 *
 * The search keeps a 64-bit fingerprint of these parts (fingerprint.ts); `--exact-keys` keeps
 * the full text instead when certainty matters.
 */
import type { ClusterState } from '../../model/index.ts';
import { pendingTimers, type PodRecordView } from './state-parts.ts';

/**
 * A text memoised on an object's identity. One cache per kind of text: the same object can be
 * keyed twice (a Service is both a service record's object and what a proxy programmed), and
 * each use must get its own text, whichever ran first.
 */
function memoiser(): (o: object, f: () => string) => string {
  const cache = new WeakMap<object, string>();
  return (o, f) => {
    let s = cache.get(o);
    if (s === undefined) {
      s = f();
      cache.set(o, s);
    }
    return s;
  };
}

const podTexts = memoiser();
const podSpecs = memoiser();
const startServices = memoiser();
/** Section texts, one cache per section (an empty map, say, is one shared object). */
const sectionTexts = new Map<string, ReturnType<typeof memoiser>>();
const serviceTexts = memoiser();
const memberTexts = memoiser();
const subsetTexts = memoiser();
const rcSpecs = memoiser();
const ingressSpecs = memoiser();
const classSpecs = memoiser();
const programmedTexts = memoiser();
const programmedSpecs = memoiser();
const programmedEntries = memoiser();

function json(o: unknown): string {
  return JSON.stringify(o, (k, v) => (k === 'uid' || k === 'resourceVersion' || k === 'creationTimestamp' || k === 'deletionTimestamp' ? undefined : v));
}

function podText(p: PodRecordView): string {
  return podTexts(p, () =>
    [
      p.key, json(p.object.metadata.labels ?? {}), podSpecs(p.object.spec, () => json(p.object.spec)), p.statusManaged ? 'M' : 'K', p.lifecycle.key, p.node, p.ip,
      p.deletedAt === undefined ? '' : 'D', json(p.status),
      p.containers.map((c) => `${c.readiness?.key ?? '-'}:${c.running ? 1 : 0}${c.listening ? 1 : 0}:${c.forced ?? ''}:${c.restartCount}:${c.lastExitCode ?? ''}:${startServices(c.servicesAtStart, () => [...c.servicesAtStart.keys()].sort().join(','))}`).join('|'),
    ].join(';'),
  );
}

/** A persistent map's entries as text, memoised on the map's identity (unchanged maps are shared). */
function section<V>(name: string, map: { sortedEntries(): [string, V][] } & object, line: (k: string, v: V) => string): string {
  let texts = sectionTexts.get(name);
  if (texts === undefined) sectionTexts.set(name, (texts = memoiser()));
  return texts(map, () => map.sortedEntries().map(([k, v]) => line(k, v)).join('\n'));
}

/** A kind of section: a PMap of records, each read as one line (a function of the record). */
export interface Section {
  readonly name: string;
  line(key: string, value: object): string;
}

/**
 * One part of the canonical state: either a section (`section` and its map as `owner`; its text
 * is `sectionText(section, owner)`, and a fingerprint can hash its records one by one and
 * memoise each), or a loose `text`.
 */
export type StatePart = (section: Section | undefined, owner: object | undefined, text: (() => string) | undefined) => void;

type Records = { sortedEntries(): [string, object][] } & object;

/** A section's text: its lines in key order. */
export function sectionText(sec: Section, map: object): string {
  return section(sec.name, map as Records, sec.line);
}

/**
 * The state's canonical parts, in order. `owner` is the persistent value a part is a function of
 * (when there is one): a fingerprint can memoise the part's hash on it and skip the text.
 */
export function stateParts(s: ClusterState, part: StatePart): void {
  part(undefined, undefined, () => String(s.rng));
  part(NODES, s.nodes, undefined);
  part(PODS, s.pods, undefined);
  part(SERVICES, s.services, undefined);
  part(ENDPOINTS, s.endpoints, undefined);
  part(RCS, s.rcs, undefined);
  part(INGRESSES, s.ingresses, undefined);
  part(CLASSES, s.ingressClasses, undefined);
  part(PROXIES, s.proxies, undefined);
  // Affinity: which endpoint, and how long ago (only its age against the timeout matters).
  for (const [node, x] of s.proxies.sortedEntries()) {
    for (const [k, a] of x.affinity.sortedEntries()) part(undefined, undefined, () => `A${node};${k}=${a.endpoint}@${Math.min(s.time - a.at, 86401)}`);
  }
  part(undefined, undefined, () => `T${pendingTimers(s).join(',')}`);
  part(undefined, undefined, () => `Q${section('pendingStatus', s.pendingStatus, keyLine)}|${section('pendingEndpoints', s.pendingEndpoints, keyLine)}|${section('pendingProxy', s.pendingProxy, pendingProxyLine)}`);
}

// Each section's line, a function of one record (defined once: stateParts runs for every state).
type Entry<M> = M extends { sortedEntries(): [string, infer V][] } ? V : never;
const nodeLine = (_: string, n: Entry<ClusterState['nodes']>) => `N${n.name},${n.ip},${n.pods},${n.lastIP}`;
const podLine = (_: string, p: PodRecordView) => `P${podText(p)}`;
const serviceLine = (k: string, r: Entry<ClusterState['services']>) =>
  `S${k};${serviceTexts(r.object, () => json({ spec: r.object.spec, status: r.object.status, labels: r.object.metadata.labels }))};${r.machine.key};${memberTexts(r.members, () => r.members.sortedEntries().map(([pk, m]) => `${pk}=${m.key}`).join(','))}${r.owned.length ? `;O${r.owned.join(',')}` : ''}`;
const endpointsLine = (k: string, e: Entry<ClusterState['endpoints']>) =>
  `E${k};${e.managed ? 1 : 0};${subsetTexts(e.object, () => json(e.object.subsets ?? []))}${e.userWrite ? `;U${subsetTexts(e.userWrite, () => json(e.userWrite!.subsets ?? []))}` : ''}`;
const rcLine = (k: string, rc: Entry<ClusterState['rcs']>) => `R${k};${rcSpecs(rc, () => json(rc.spec))}`;
const ingressLine = (k: string, i: Entry<ClusterState['ingresses']>) => `I${k};${ingressSpecs(i.object.spec, () => json(i.object.spec))};${i.machine.key};${i.address ?? ''}`;
const classLine = (k: string, c: Entry<ClusterState['ingressClasses']>) => `C${k};${classSpecs(c, () => json(c.spec))}`;
const proxyLine = (node: string, x: Entry<ClusterState['proxies']>) =>
  `X${node};${programmedTexts(x.services, () => x.services.sortedEntries().map(([k, p]) => `${k}:${programmedSpecs(p.service, () => json(p.service.spec))}:${programmedEntries(p.entries, () => json(p.entries))}`).join('|'))}`;
const keyLine = (k: string) => k;
const pendingProxyLine = (n: string, set: Entry<ClusterState['pendingProxy']>) => `${n}:${[...set.keys()].sort()}`;

const sectionOf = <V>(name: string, line: (k: string, v: V) => string): Section => ({ name, line: line as unknown as Section['line'] });
const NODES = sectionOf('nodes', nodeLine);
const PODS = sectionOf('pods', podLine);
const SERVICES = sectionOf('services', serviceLine);
const ENDPOINTS = sectionOf('endpoints', endpointsLine);
const RCS = sectionOf('rcs', rcLine);
const INGRESSES = sectionOf('ingresses', ingressLine);
const CLASSES = sectionOf('ingressClasses', classLine);
const PROXIES = sectionOf('proxies', proxyLine);

/** The whole canonical text (`--exact-keys`): equal texts, equal futures. */
export function stateText(s: ClusterState): string {
  const parts: string[] = [];
  stateParts(s, (sec, owner, text) => parts.push(sec ? sectionText(sec, owner!) : text!()));
  return parts.join('\n');
}
