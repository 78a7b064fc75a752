/**
 * The explorer's finite alphabet for a scope (spec/scopes.yaml `explore`): concrete operations,
 * applies and deletes of the scope's manifests, probe outcomes and listen toggles for its pods,
 * time steps, and a connect from each pod to each Service port; in async timing, also every
 * internal step the state has enabled (kubelet status writes, endpoints and proxy syncs) and
 * `settle` (explore.ts withSettle).
 */
import type { Operation } from '../../model/index.ts';
import type { ExploreSpec } from '../spec/types.ts';

type Manifest = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, any> };

export function staticAlphabet(e: ExploreSpec): Operation[] {
  const ops: Operation[] = [...(e.operations ?? [])];
  const manifests = (e.manifests ?? []) as unknown as Manifest[];
  const pods = manifests.filter((m) => m.kind === 'Pod');
  const services = manifests.filter((m) => m.kind === 'Service');
  for (const m of manifests) ops.push({ op: 'apply', object: m } as unknown as Operation);
  if (e.deletes) for (const m of manifests) ops.push({ op: 'delete', kind: m.kind, namespace: m.metadata.namespace ?? 'default', name: m.metadata.name } as Operation);
  for (const p of pods) {
    const ref = { namespace: p.metadata.namespace ?? 'default', pod: p.metadata.name };
    if (e.probeOutcomes) for (const result of ['success', 'failure'] as const) ops.push({ op: 'probe', ...ref, result });
    if (e.listen) for (const listening of [true, false]) ops.push({ op: 'listen', ...ref, listening });
  }
  for (const seconds of e.advance ?? []) ops.push({ op: 'advance', seconds });
  if (e.connects) {
    for (const p of pods) {
      for (const s of services) {
        for (const port of s.spec?.ports ?? []) {
          ops.push({ op: 'connect', from: { namespace: p.metadata.namespace ?? 'default', pod: p.metadata.name }, to: { service: s.metadata.name, namespace: s.metadata.namespace ?? 'default', port: port.port } } as Operation);
        }
      }
    }
  }
  return ops;
}
