/**
 * The two timing modes (docs/architecture.md#timing-modes). Internal steps — a kubelet status write, one
 * Service's endpoints sync, one node's proxy sync — are what async timing interleaves; sync
 * timing runs them all inside the step that caused them. `settle` runs them all in either mode.
 */
import type { SyncOp } from '../contract/types.generated.ts';
import type { Draft } from './draft.ts';
import { syncEndpoints } from './endpoints-controller.ts';
import { writeStatus } from './kubelet.ts';
import { syncNodeProxy } from './proxy.ts';
import { reconcileNamespaces } from './replication.ts';
import type { ClusterState } from './state.ts';

/** The internal steps enabled in a state, in a canonical order (the explorer's alphabet). */
export function enabledInternalSteps(s: ClusterState): SyncOp[] {
  const out: SyncOp[] = [];
  for (const k of [...s.pendingStatus.keys()].sort()) out.push({ op: 'sync', controller: 'kubelet', target: k });
  for (const k of [...s.pendingEndpoints.keys()].sort()) out.push({ op: 'sync', controller: 'endpoints', target: k });
  for (const k of [...s.pendingProxy.keys()].sort()) out.push({ op: 'sync', controller: 'proxy', target: k });
  return out;
}

export function runInternalStep(d: Draft, op: SyncOp): boolean {
  switch (op.controller) {
    case 'kubelet':
      if (!d.pendingStatus.has(op.target)) return false;
      d.pendingStatus = d.pendingStatus.delete(op.target);
      writeStatus(d, op.target);
      return true;
    case 'endpoints':
      if (!d.pendingEndpoints.has(op.target)) return false;
      syncEndpoints(d, op.target);
      return true;
    case 'proxy':
      if (!d.pendingProxy.has(op.target)) return false;
      syncNodeProxy(d, op.target);
      return true;
  }
}

/** Runs every pending internal step until none is left: kubelets, then controllers, then proxies. */
export function drain(d: Draft): void {
  for (let round = 0; round < 100; round++) {
    reconcileNamespaces(d, d.touched);
    d.touched.clear();
    if (d.pendingStatus.size + d.pendingEndpoints.size + d.pendingProxy.size === 0) return;
    for (const k of [...d.pendingStatus.keys()]) {
      d.pendingStatus = d.pendingStatus.delete(k);
      writeStatus(d, k);
    }
    for (const k of [...d.pendingEndpoints.keys()]) syncEndpoints(d, k);
    for (const node of [...d.pendingProxy.keys()]) syncNodeProxy(d, node);
  }
  throw new Error('internal steps did not settle after 100 rounds');
}

/** In async timing, ReplicationControllers still react within the step (they are not part of the race). */
export function reconcileTouched(d: Draft): void {
  reconcileNamespaces(d, d.touched);
  d.touched.clear();
}
