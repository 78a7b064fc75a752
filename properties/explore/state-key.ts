/**
 * The canonical key of a cluster state, for deduplication in exhaustive search.
 *
 * Encoding: an ordered text of everything that decides future behaviour — objects as stored
 * (server-set identity such as uids and resourceVersions left out), machine states by their
 * interned ids, kubelet runtime, pending internal work, proxies, and timers relative to now.
 * Absolute time is abstracted away (a TLC "view"): two states that differ only in how long ago
 * things happened, with the same timers ahead, behave the same. Allocation maps and indexes
 * are functions of the objects and are not encoded. Per-record texts are memoised by identity.
 *
 * Hash: the text is hashed to 106 bits (two independent 53-bit lanes). With n states, a collision
 * has probability about n²/2^107: below 10^-17 for ten million states. Fast, and safe enough
 * that no real run meets one; `--exact-keys` keeps the full text instead when certainty matters.
 */
import type { ClusterState } from '../../model/index.ts';
import { pendingTimers, type PodRecordView } from './state-parts.ts';

const cache = new WeakMap<object, string>();

function memo(o: object, f: () => string): string {
  let s = cache.get(o);
  if (s === undefined) {
    s = f();
    cache.set(o, s);
  }
  return s;
}

function json(o: unknown): string {
  return JSON.stringify(o, (k, v) => (k === 'uid' || k === 'resourceVersion' || k === 'creationTimestamp' || k === 'deletionTimestamp' ? undefined : v));
}

function podText(p: PodRecordView): string {
  return memo(p, () =>
    [
      p.key, json(p.object.metadata.labels ?? {}), memo(p.object.spec, () => json(p.object.spec)), p.statusManaged ? 'M' : 'K', p.lifecycle.id, p.node, p.ip,
      p.deletedAt === undefined ? '' : 'D', json(p.status),
      p.containers.map((c) => `${c.readiness?.id ?? '-'}:${c.running ? 1 : 0}${c.listening ? 1 : 0}:${c.forced ?? ''}:${c.restartCount}:${c.lastExitCode ?? ''}:${memo(c.servicesAtStart, () => [...c.servicesAtStart.keys()].sort().join(','))}`).join('|'),
    ].join(';'),
  );
}

/** A persistent map's entries as text, memoised on the map's identity (unchanged maps are shared). */
function section<V>(map: { sortedEntries(): [string, V][] } & object, line: (k: string, v: V) => string): string {
  return memo(map, () => map.sortedEntries().map(([k, v]) => line(k, v)).join('\n'));
}

export function stateText(s: ClusterState): string {
  const parts: string[] = [
    String(s.rng),
    section(s.nodes, (_, n) => `N${n.name},${n.ip},${n.pods},${n.lastIP}`),
    section(s.pods, (_, p) => `P${podText(p)}`),
    section(s.services, (k, r) =>
      `S${k};${memo(r.object, () => json({ spec: r.object.spec, status: r.object.status, labels: r.object.metadata.labels }))};${r.machine.id};${memo(r.members, () => r.members.sortedEntries().map(([pk, m]) => `${pk}=${m.id}`).join(','))}`),
    section(s.endpoints, (k, e) => `E${k};${e.managed ? 1 : 0};${memo(e.object, () => json(e.object.subsets ?? []))}`),
    section(s.rcs, (k, rc) => `R${k};${memo(rc, () => json(rc.spec))}`),
    section(s.ingresses, (k, i) => `I${k};${memo(i.object.spec, () => json(i.object.spec))};${i.machine.id};${i.address ?? ''}`),
    section(s.ingressClasses, (k, c) => `C${k};${memo(c, () => json(c.spec))}`),
    section(s.proxies, (node, x) => `X${node};${memo(x.services, () => x.services.sortedEntries().map(([k, p]) => `${k}:${memo(p.service, () => json(p.service.spec))}:${memo(p.entries, () => json(p.entries))}`).join('|'))}`),
  ];
  // Affinity: which endpoint, and how long ago (only its age against the timeout matters).
  for (const [node, x] of s.proxies.sortedEntries()) {
    for (const [k, a] of x.affinity.sortedEntries()) parts.push(`A${node};${k}=${a.endpoint}@${Math.min(s.time - a.at, 86401)}`);
  }
  parts.push(`T${pendingTimers(s).join(',')}`);
  parts.push(`Q${section(s.pendingStatus, (k) => k)}|${section(s.pendingEndpoints, (k) => k)}|${section(s.pendingProxy, (n, set) => `${n}:${[...set.keys()].sort()}`)}`);
  return parts.join('\n');
}

/** cyrb53-style 53-bit lane; two seeds give two independent lanes. */
function lane(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export function hashText(text: string): string {
  return `${lane(text, 0).toString(36)}.${lane(text, 0x9e3779b9).toString(36)}`;
}

export function stateKey(s: ClusterState, exact = false): string {
  const text = stateText(s);
  return exact ? text : hashText(text);
}
