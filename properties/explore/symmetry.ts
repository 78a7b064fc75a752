/**
 * Symmetry reduction (`--symmetry`): pods whose manifests are the same but for their names are
 * interchangeable, so a state and the state with their names swapped have the same futures (the
 * alphabet holds the same operations for each) and the same verdicts (invariants quantify over
 * every pod). The visited set then keeps one fingerprint per class: the smallest fingerprint of
 * the state's canonical text over every renaming of each group (TLC's SYMMETRY does the same
 * over permutations of model values).
 *
 * A renamed text substitutes pod keys (`ns/name`) and JSON `"name":"…"` fields, and re-sorts
 * each section's lines (sections are sorted by key). Lists nested inside a line and sorted by pod
 * name are not re-sorted: such a state may keep more than one fingerprint per class. That only
 * costs reduction, never soundness: every fingerprint is still a renaming of the state's own text.
 * Traces stay real: the search re-executes actual steps from the first state found in a class.
 */
import type { ClusterState } from '../../model/index.ts';
import { fingerprintText } from './fingerprint.ts';
import { sectionText, stateParts } from './state-key.ts';

type Manifest = { kind?: string; metadata?: { name?: string; namespace?: string } };

/**
 * Groups of interchangeable pod names (each `namespace/name`) among the scope's pod manifests:
 * same manifest but for the name. A name also written anywhere else in the manifests (a label, a
 * container name) could be renamed where it means something else: such a pod is left alone.
 */
export function interchangeablePods(manifests: readonly unknown[]): string[][] {
  const pods = (manifests as Manifest[]).filter((m) => m?.kind === 'Pod' && m.metadata?.name);
  const everywhere = JSON.stringify(manifests);
  const groups = new Map<string, string[]>();
  for (const p of pods) {
    const name = p.metadata!.name!;
    const uses = everywhere.split(`"${name}"`).length - 1;
    const asPodName = (manifests as Manifest[]).filter((m) => m?.metadata?.name === name).length;
    if (uses !== asPodName) continue;
    const shape = JSON.stringify({ ...p, metadata: { ...p.metadata, name: '' } });
    const key = `${p.metadata!.namespace ?? 'default'}|${shape}`;
    groups.set(key, [...(groups.get(key) ?? []), `${p.metadata!.namespace ?? 'default'}/${name}`]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/**
 * The groups under which the alphabet is closed: renaming pods maps every operation to one of
 * the alphabet's (an operation on one pod only, such as a probe of `server`, breaks the symmetry).
 */
export function closedGroups(groups: readonly string[][], alphabet: readonly unknown[]): string[][] {
  const texts = new Set(alphabet.map((op) => JSON.stringify(op)));
  return groups.filter((g) =>
    renamings([g]).every((m) => {
      const names = new Map([...m].map(([from, to]) => [from.slice(from.indexOf('/') + 1), to.slice(to.indexOf('/') + 1)]));
      const token = new RegExp(`"(pod|name)":"(${[...names.keys()].map(escape).join('|')})"`, 'g');
      return [...texts].every((t) => texts.has(t.replace(token, (_, field: string, name: string) => `"${field}":"${names.get(name)}"`)));
    }),
  );
}

/** Every permutation of `items` (n! of them: groups are a handful of pods). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** Every renaming of the pods in `groups` (each group permuted independently), as old key → new key. */
export function renamings(groups: readonly string[][]): Map<string, string>[] {
  let out: Map<string, string>[] = [new Map()];
  for (const g of groups) {
    out = out.flatMap((m) => permutations(g).map((p) => new Map([...m, ...g.map((k, i) => [k, p[i]] as const)])));
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The state's canonical text under each renaming of the pods in `groups`. */
function renamedTexts(groups: readonly string[][]): (s: ClusterState) => string[] {
  const maps = renamings(groups);
  const keys = groups.flat();
  const names = new Map(keys.map((k) => [k.slice(k.indexOf('/') + 1), k]));
  // A pod key not inside a longer name (namespaces are lower case: a section's capital letter may
  // precede one), or a JSON name field holding a pod's name.
  const token = new RegExp(`(?<![a-z0-9.-])(${keys.map(escape).join('|')})(?![a-z0-9.-])|"name":"(${[...names.keys()].map(escape).join('|')})"`, 'g');
  return (s) => {
    const parts: { section: boolean; text: string }[] = [];
    stateParts(s, (sec, owner, text) => parts.push(sec ? { section: true, text: sectionText(sec, owner!) } : { section: false, text: text!() }));
    return maps.map((m) => {
      const rename = (text: string) =>
        text.replace(token, (_whole, key: string | undefined, name: string | undefined) => {
          if (key !== undefined) return m.get(key) ?? key;
          const to = m.get(names.get(name!)!)!;
          return `"name":"${to.slice(to.indexOf('/') + 1)}"`;
        });
      return parts.map((p) => (p.section ? rename(p.text).split('\n').sort().join('\n') : rename(p.text))).join('\n');
    });
  };
}

/** The smallest fingerprint of the state's text over the renamings: one per symmetry class. */
export function symmetricFingerprint(groups: readonly string[][]): (s: ClusterState) => { hi: number; lo: number } {
  const texts = renamedTexts(groups);
  return (s) => {
    let best: { hi: number; lo: number } | undefined;
    for (const text of texts(s)) {
      const f = fingerprintText(text);
      if (best === undefined || f.hi < best.hi || (f.hi === best.hi && f.lo < best.lo)) best = { hi: f.hi, lo: f.lo };
    }
    return best!;
  };
}

/** The smallest text over the renamings (`--exact-keys` with `--symmetry`). */
export function symmetricText(groups: readonly string[][]): (s: ClusterState) => string {
  const texts = renamedTexts(groups);
  return (s) => texts(s).reduce((a, b) => (b < a ? b : a));
}
