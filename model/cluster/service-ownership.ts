/**
 * Which of a Service's server-filled fields the writer owns (its `managedFields` entry), and so
 * whether an update that leaves the object as it was is still a stored write.
 *
 * An update's field manager runs before the registry fills what the request omitted (KK v1.37
 * k8s.io/apiserver endpoints/handlers/update.go: the managed-fields transformer runs in
 * UpdatedObject, before rest.BeforeUpdate and the Service REST's beginUpdate/patchAllocatedValues).
 * It compares the stored object with the request as decoded (defaults applied, allocations not):
 * structured-merge-diff merge.Updater.Update keeps `owned − removed ∪ modified ∪ added`. So a
 * request that omits a nodePort the writer had set gives the field up: the refilled object equals
 * the old one, but its managedFields do not, and the write is stored — a new resourceVersion and
 * a watch event every controller hears (F32 in docs/fidelity.md). Omitting a field the writer
 * never set, or repeating the stored value, changes no ownership.
 */
import type { ServiceSpec } from '../k8s/objects.ts';
import { sameData } from '../k8s/same-write.ts';

/** The fields the registry fills after the field manager (storage/alloc.go, ip-families). */
function serverFilled(spec: ServiceSpec | undefined): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (!spec) return fields;
  const put = (path: string, value: unknown) => {
    // Go's omitempty: an empty string, a 0 or an empty list is no field at all.
    if (value !== undefined && value !== '' && value !== 0 && !(Array.isArray(value) && value.length === 0)) fields.set(path, value);
  };
  put('clusterIP', spec.clusterIP);
  put('clusterIPs', spec.clusterIPs);
  put('ipFamilies', spec.ipFamilies);
  put('ipFamilyPolicy', spec.ipFamilyPolicy);
  put('healthCheckNodePort', spec.healthCheckNodePort);
  // ports is a map list keyed by port and protocol (protocol defaults to TCP when decoded).
  for (const p of spec.ports ?? []) put(`ports[${p.port}/${p.protocol ?? 'TCP'}].nodePort`, p.nodePort);
  return fields;
}

/**
 * The server-filled fields the writer owns after writing `sent` (the request as decoded) over
 * `stored` (undefined on create), having owned `owned` before; sorted, so equal sets are equal.
 */
export function ownedAfterWrite(sent: ServiceSpec | undefined, stored: ServiceSpec | undefined, owned: readonly string[]): readonly string[] {
  const want = serverFilled(sent);
  const live = serverFilled(stored);
  const result = new Set<string>();
  // Kept: what the request repeats unchanged, or what the stored object no longer has (not removed).
  for (const f of owned) if (want.has(f) ? sameData(want.get(f), live.get(f)) : !live.has(f)) result.add(f);
  // Taken: what the request adds or changes.
  for (const [f, v] of want) if (!sameData(v, live.get(f))) result.add(f);
  return [...result].sort();
}
