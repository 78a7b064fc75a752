/** What changed between two observations, entry by entry: the "values that broke it" of a report. */
import type { Observation } from '../../model/index.ts';

export interface Change {
  readonly list: string;
  readonly key: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

const keyOf = (list: string, x: Record<string, unknown>): string =>
  list === 'nodes' ? String(x.name) : list === 'proxies' ? String(x.node) : `${String(x.namespace)}/${String(x.name)}`;

export function diffObservations(prev: Observation, state: Observation): Change[] {
  const out: Change[] = [];
  for (const list of ['nodes', 'pods', 'services', 'endpoints', 'ingresses', 'proxies', 'replicationControllers'] as const) {
    const a = new Map(((prev[list] ?? []) as unknown as Record<string, unknown>[]).map((x) => [keyOf(list, x), x]));
    const b = new Map(((state[list] ?? []) as unknown as Record<string, unknown>[]).map((x) => [keyOf(list, x), x]));
    for (const [k, x] of a) {
      const y = b.get(k);
      if (!y) out.push({ list, key: k, before: x });
      else if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ list, key: k, before: x, after: y });
    }
    for (const [k, y] of b) if (!a.has(k)) out.push({ list, key: k, after: y });
  }
  return out;
}
