/** Faults of the ReplicationController manager. */
import type { Operation } from '../../../model/index.ts';
import { type Fault, stateful } from './wrap.ts';

type RcManifest = { kind?: string; metadata?: { namespace?: string; name?: string }; spec?: { replicas?: number } };

export const replicationFaults: Fault[] = [
  {
    invariant: 'replication/keeps-replicas',
    scope: 'small',
    timing: 'sync',
    description: 'an update of spec.replicas is stored but never reconciled (the manager watches pods, not its controllers)',
    wrap: (sys) =>
      stateful<Readonly<Record<string, number>>>(sys, {
        init: {},
        step: (inner, s, op, chooser, _requested, before) => {
          const m = op.op === 'apply' ? (op.object as RcManifest) : undefined;
          const current = m?.kind === 'ReplicationController' ? before.replicationControllers?.find((rc) => rc.namespace === (m.metadata?.namespace ?? 'default') && rc.name === m.metadata?.name) : undefined;
          if (!m || !current || op.op !== 'apply') return inner.step(s, op, chooser);
          // The controller keeps working from the replicas it had; the API shows the new value.
          return inner.step(s, { ...op, object: { ...m, spec: { ...m.spec, replicas: current.replicas } } } as Operation, chooser);
        },
        remember: (requested, op, result, before) => {
          const k = (ns: string | undefined, name: string | undefined) => `${ns ?? 'default'}/${name}`;
          if (op.op === 'delete' && op.kind === 'ReplicationController' && result.ok) {
            const { [k(op.namespace, op.name)]: _gone, ...rest } = requested;
            return rest;
          }
          const m = op.op === 'apply' ? (op.object as RcManifest) : undefined;
          if (!m || m.kind !== 'ReplicationController' || !result.ok) return requested;
          const existed = before.replicationControllers?.some((rc) => rc.namespace === (m.metadata?.namespace ?? 'default') && rc.name === m.metadata?.name);
          if (!existed) {
            const { [k(m.metadata?.namespace, m.metadata?.name)]: _new, ...rest } = requested;
            return rest;
          }
          return { ...requested, [k(m.metadata?.namespace, m.metadata?.name)]: m.spec?.replicas ?? 1 };
        },
        observe: (obs, requested) => {
          for (const rc of obs.replicationControllers ?? []) {
            const r = requested[`${rc.namespace}/${rc.name}`];
            if (r !== undefined) rc.replicas = r;
          }
        },
      }),
  },
];
