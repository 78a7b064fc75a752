/**
 * Symmetry reduction (`--symmetry`). A renaming of the scope's pods, and of its nodes with their
 * addresses, that maps the scope's manifests onto themselves and its alphabet onto itself maps a
 * state to one with the same futures (renamed) and the same verdicts (invariants quantify over
 * every pod and node; a name a checked rule spells out is never renamed). The visited set then keeps one fingerprint per class: the smallest
 * fingerprint of the state's canonical text over every such renaming (TLC's SYMMETRY does the
 * same over permutations of model values).
 *
 * - Pods: those whose manifests are the same but for their names (and the node they are pinned
 *   to) are candidates; `replicas` has three on one node. Not the pods the scope's setup creates:
 *   their addresses follow the setup's order, so a renamed state (each pod keeping its address)
 *   is one the search never reaches — no reduction, only cost (readiness-race-large's servers).
 * - Nodes: a node is renamed with its InternalIP and its pod address block (a pod at offset k of
 *   node-2's block is at offset k of node-3's), so a renamed state is one the model can reach.
 *   Only when the model treats nodes alike: every pod the scope can create is pinned
 *   (`spec.nodeName`: the scheduler breaks ties by configured order), the alphabet adds or deletes
 *   no node and no ReplicationController, and the renaming leaves alone the first configured node
 *   (the `kubernetes` Service's endpoint and the ingress controllers' address) and the first by
 *   name (where an ingress controller runs, model/cluster/http.ts). `spread` swaps two nodes
 *   jointly with the pod pinned to each.
 *
 * A renamed text substitutes pod keys (`ns/name`), JSON `"name"`/`"pod"` fields holding a pod's
 * name, node names and addresses; a section is taken as the set of its renamed lines (sections are
 * sorted by key, which a renaming reorders): hashed as a multiset (fingerprint.ts
 * fingerprintRenamed, line hashes memoised per record), or re-sorted for `--exact-keys`.
 * Lists nested inside a line (sorted by pod name or address), timers (due at the same time, they
 * fire in the order they were set) and pending work are not re-sorted: such a state may keep more
 * than one fingerprint per class. That only costs
 * reduction, never soundness: every fingerprint is still of a renaming of the state's own text.
 * Traces stay real: the search re-executes actual steps from the first state found in a class.
 */
import { type ClusterState, type Config, formatIPv4, objectKey, parseIPv4 } from '../../model/index.ts';
import { collectParts, fingerprintRenamed, renamedMemo } from './fingerprint.ts';
import { sectionText } from './state-key.ts';

type Manifest = { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: { nodeName?: string } };

/** Old name → new name, for pods (`namespace/name`) and nodes; identity where absent. */
export interface Renaming {
  readonly pods: ReadonlyMap<string, string>;
  readonly nodes: ReadonlyMap<string, string>;
}

export interface Symmetry {
  /** Every renaming the search reduces by, the identity left out (none: no reduction). */
  readonly renamings: readonly Renaming[];
  /** The classes of names the renamings mix: pod keys, then node names (for the report). */
  readonly orbits: string[][];
}

const podKey = (m: Manifest) => objectKey(m.metadata!.namespace, m.metadata!.name!);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const count = (text: string, needle: string) => text.split(needle).length - 1;

/**
 * Groups of candidate pods: same namespace, same manifest but for the name and the node it is
 * pinned to. A name also written anywhere else (a label, a container name, a pod of that name in
 * another namespace) could be renamed where it means something else: such a pod is left alone.
 */
function podGroups(manifests: readonly Manifest[], everywhere: string, named: (name: string) => boolean, setUp: ReadonlySet<string>): string[][] {
  const pods = manifests.filter((m) => m?.kind === 'Pod' && m.metadata?.name);
  const groups = new Map<string, string[]>();
  for (const p of pods) {
    const name = p.metadata!.name!;
    const asPod = pods.filter((q) => q.metadata!.name === name);
    if (new Set(asPod.map(podKey)).size > 1 || manifests.some((m) => m?.kind !== 'Pod' && m?.metadata?.name === name) || named(name) || setUp.has(podKey(p))) continue;
    if (count(everywhere, `"name":"${name}"`) + count(everywhere, `"pod":"${name}"`) !== count(everywhere, `"${name}"`)) continue;
    const shape = JSON.stringify({ ...p, metadata: { ...p.metadata, name: '' }, spec: { ...p.spec, nodeName: '' } });
    const key = `${p.metadata!.namespace ?? 'default'}|${shape}`;
    if (!groups.get(key)?.includes(podKey(p))) groups.set(key, [...(groups.get(key) ?? []), podKey(p)]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/** The nodes the model treats alike in this scope (see the module comment), or none. */
function candidateNodes(manifests: readonly Manifest[], alphabet: readonly unknown[], config: Config, everywhere: string, named: (name: string) => boolean): string[] {
  const creatable = manifests.filter((m) => m?.kind === 'Pod');
  if (!creatable.every((m) => typeof m.spec?.nodeName === 'string')) return [];
  if (alphabet.some((op) => /"kind":"(Node|ReplicationController)"/.test(JSON.stringify(op)))) return [];
  const names = config.nodes.map((n) => n.name);
  const fixed = new Set([names[0], [...names].sort()[0]]);
  // A node name written other than as where a pod runs could mean something else: left alone.
  const ipOf = new Map(config.nodes.map((n) => [n.name, n.ip]));
  return names.filter((n) => !fixed.has(n) && !named(n) && !named(ipOf.get(n)!) && count(everywhere, `"${n}"`) === count(everywhere, `"nodeName":"${n}"`));
}

/** Every permutation of `items` (n! of them: groups are a handful of names). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** Every map that permutes each group within itself, independently. */
function products(groups: readonly string[][]): Map<string, string>[] {
  let out: Map<string, string>[] = [new Map()];
  for (const g of groups) out = out.flatMap((m) => permutations(g).map((p) => new Map([...m, ...g.map((k, i) => [k, p[i]] as const)])));
  return out;
}

/**
 * The addresses of a CIDR block as a regular expression: its fixed leading octets, then the
 * octet the prefix splits as the list of its values (so other addresses never reach the callback).
 */
function blockPattern(base: number, size: number): string {
  const octets = [base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255];
  const fixed = Math.floor(Math.log2(2 ** 32 / size) / 8); // whole octets the block's prefix fixes
  if (fixed >= 4) return octets.join('\\.');
  const span = Math.min(256, size / 256 ** (3 - fixed));
  const values = Array.from({ length: span }, (_, i) => octets[fixed] + i).join('|');
  return [...octets.slice(0, fixed), `(?:${values})`, ...Array(3 - fixed).fill('\\d{1,3}')].join('\\.');
}

const NEVER = '(?!)';

/**
 * A text renamer: pod keys not inside a longer name (namespaces are lower case: a section's
 * capital letter may precede one), JSON `"name"`/`"pod"` fields holding a pod's name, node names,
 * and IPv4 addresses of a renamed node or of its pod block.
 */
export function textRenamer(r: Renaming, config: Config): (text: string) => string {
  const pods = [...r.pods].filter(([a, b]) => a !== b);
  const nodes = [...r.nodes].filter(([a, b]) => a !== b);
  if (pods.length + nodes.length === 0) return (t) => t;
  const names = new Map(pods.map(([a, b]) => [a.slice(a.indexOf('/') + 1), b.slice(b.indexOf('/') + 1)]));
  const nodeOf = new Map(config.nodes.map((n) => [n.name, n]));
  const ips = new Map(nodes.map(([a, b]) => [nodeOf.get(a)!.ip, nodeOf.get(b)!.ip]));
  const blocks = nodes.map(([a, b]) => ({ from: nodeOf.get(a)!.podRange, to: nodeOf.get(b)!.podRange }));
  const addresses = [...[...ips.keys()].map(escape), ...blocks.map((b) => blockPattern(b.from.base, b.from.size))];
  // Four alternatives, always in this order (one that cannot occur never matches): key, field and name, node, address.
  const token = new RegExp(
    [
      `(?<![a-z0-9.-])(${pods.map(([a]) => escape(a)).join('|') || NEVER})(?![a-z0-9.-])`,
      `"(name|pod)":"(${[...names.keys()].map(escape).join('|') || NEVER})"`,
      `(?<![a-z0-9.-])(${nodes.map(([a]) => escape(a)).join('|') || NEVER})(?![a-z0-9.-])`,
      `(?<![0-9.])(${addresses.join('|') || NEVER})(?![0-9])`,
    ].join('|'),
    'g',
  );
  const renameIP = (ip: string): string => {
    const to = ips.get(ip);
    if (to !== undefined) return to;
    const n = parseIPv4(ip)!;
    const block = blocks.find((b) => n >= b.from.base && n < b.from.base + b.from.size)!;
    return formatIPv4(block.to.base + (n - block.from.base));
  };
  return (text) =>
    text.replace(token, (_m: string, key?: string, field?: string, name?: string, node?: string, ip?: string) => {
      if (key !== undefined) return r.pods.get(key)!;
      if (name !== undefined) return `"${field}":"${names.get(name)}"`;
      if (node !== undefined) return r.nodes.get(node)!;
      return renameIP(ip!);
    });
}

/**
 * The scope's symmetry: every renaming of candidate pods and nodes under which its manifests and
 * its alphabet are the same sets. They form a group (the automorphisms of what the scope can do).
 * `rules` are the CEL sources of the rules checked: a name one of them spells out (a witness
 * about pod `a`, say) is not renamed, as that rule would tell the renamed states apart. `setUp`
 * holds the objects the scope's setup applies.
 */
export function scopeSymmetry(manifestList: readonly unknown[], alphabet: readonly unknown[], config: Config, rules: readonly string[], setUp: readonly unknown[] = []): Symmetry {
  const manifests = manifestList as Manifest[];
  const podsSetUp = new Set((setUp as Manifest[]).filter((m) => m?.kind === 'Pod' && m.metadata?.name).map(podKey));
  const everywhere = JSON.stringify([manifests, alphabet]);
  const named = (name: string) => rules.some((src) => src.includes(`'${name}'`) || src.includes(`"${name}"`));
  const podCandidates = podGroups(manifests, everywhere, named, podsSetUp);
  const nodeCandidates = candidateNodes(manifests, alphabet, config, everywhere, named);
  const manifestTexts = manifests.map((m) => JSON.stringify(m));
  const opTexts = alphabet.map((op) => JSON.stringify(op));
  const sameSet = (texts: string[], rename: (t: string) => string) => {
    const all = new Set(texts);
    return texts.every((t) => all.has(rename(t)));
  };
  const renamings: Renaming[] = [];
  for (const nodes of products(nodeCandidates.length > 1 ? [nodeCandidates] : [])) {
    for (const pods of products(podCandidates)) {
      const r = { pods, nodes };
      if ([...pods, ...nodes].every(([a, b]) => a === b)) continue;
      const rename = textRenamer(r, config);
      if (sameSet(manifestTexts, rename) && sameSet(opTexts, rename)) renamings.push(r);
    }
  }
  return { renamings, orbits: orbits(renamings) };
}

/** The classes of names the renamings mix, each sorted; pods first, then nodes. */
function orbits(renamings: readonly Renaming[]): string[][] {
  const classOf = new Map<string, Set<string>>();
  const join = (a: string, b: string) => {
    const ca = classOf.get(a) ?? new Set([a]);
    const cb = classOf.get(b) ?? new Set([b]);
    if (ca === cb) return;
    for (const x of cb) ca.add(x);
    for (const x of ca) classOf.set(x, ca);
  };
  for (const r of renamings) for (const [a, b] of [...r.pods, ...r.nodes]) if (a !== b) join(a, b);
  const classes = [...new Set(classOf.values())].map((c) => [...c].sort()).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return [...classes.filter((c) => c[0].includes('/')), ...classes.filter((c) => !c[0].includes('/'))];
}

/** The identity, then a text renamer per renaming. */
const renamersOf = (symmetry: Symmetry, config: Config) => [(t: string) => t, ...symmetry.renamings.map((r) => textRenamer(r, config))];

/**
 * The state's canonical text under the identity and each renaming, section lines sorted alike.
 * A renamed section is memoised on the section's persistent map: a step that changes one pod
 * renames the pods section again, not the Services or the proxies.
 */
function renamedTexts(symmetry: Symmetry, config: Config): (s: ClusterState) => string[] {
  const renames = renamersOf(symmetry, config);
  // One memo per renaming and section (an empty map may be one object shared by several sections).
  const memos = renames.map(() => new Map<string, WeakMap<object, string>>());
  return (s) => {
    const parts = collectParts(s);
    return renames.map((rename, i) =>
      parts
        .map((p) => {
          if (p.sec === undefined) return rename(p.text);
          let memo = memos[i].get(p.sec.name);
          if (memo === undefined) memos[i].set(p.sec.name, (memo = new WeakMap()));
          let t = memo.get(p.owner);
          if (t === undefined) memo.set(p.owner, (t = rename(sectionText(p.sec, p.owner)).split('\n').sort().join('\n')));
          return t;
        })
        .join('\n'),
    );
  };
}

/**
 * The smallest fingerprint of the state over the renamings: one per symmetry class. Hashed part by
 * part (fingerprint.ts fingerprintRenamed), each renaming's line hashes memoised on the records.
 */
export function symmetricFingerprint(symmetry: Symmetry, config: Config): (s: ClusterState) => { hi: number; lo: number } {
  const renames = renamersOf(symmetry, config);
  const memos = renames.map(() => renamedMemo());
  return (s) => {
    const parts = collectParts(s);
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < renames.length; i++) {
      const f = fingerprintRenamed(parts, renames[i], memos[i]);
      if (i === 0 || f.hi < hi || (f.hi === hi && f.lo < lo)) [hi, lo] = [f.hi, f.lo];
    }
    return { hi, lo };
  };
}

/** The smallest text over the renamings (`--exact-keys` with `--symmetry`). */
export function symmetricText(symmetry: Symmetry, config: Config): (s: ClusterState) => string {
  const texts = renamedTexts(symmetry, config);
  return (s) => texts(s).reduce((a, b) => (b < a ? b : a));
}
