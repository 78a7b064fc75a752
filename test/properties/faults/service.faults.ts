/** Faults of Services: ClusterIP and nodePort allocation, defaulting, load-balancer status. */
import type { Operation } from '../../../model/index.ts';
import type { System } from '../../../properties/engine/system.ts';
import { type Fault, type Obs, type Svc, hash, rewriteObservation, stateful, withChooser } from './wrap.ts';

const NODE_PORT_MIN = 30000;
const NODE_PORT_SIZE = 2768;

/** A successful apply of a Service that already existed: an update. */
function updatedService(op: Operation, ok: boolean, before: Obs): Svc | undefined {
  if (op.op !== 'apply' || !ok) return undefined;
  const m = op.object as { kind?: string; metadata?: { namespace?: string; name?: string } };
  if (m.kind !== 'Service') return undefined;
  return before.services.find((s) => s.namespace === (m.metadata?.namespace ?? 'default') && s.name === m.metadata?.name);
}

const bump = (counts: Readonly<Record<string, number>>, uid: string) => ({ ...counts, [uid]: (counts[uid] ?? 0) + 1 });

/**
 * The shape of the update bugs: the fault counts the successful updates of each Service (those
 * `which` picks) and rewrites what is observed from the count.
 */
function perUpdate(sys: System, which: (s: Svc) => boolean, observe: (obs: Obs, updates: Readonly<Record<string, number>>) => void): System {
  return stateful<Record<string, number>>(sys, {
    init: {},
    remember: (updates, op, result, before) => {
      const s = updatedService(op, result.ok, before);
      return s && which(s) ? bump(updates, s.uid) : updates;
    },
    observe,
  });
}

function shiftIP(ip: string, by: number): string {
  const parts = ip.split('.').map(Number);
  parts[3] = ((parts[3] + by - 1) % 254) + 1;
  parts[2] = (parts[2] + 1 + Math.floor(by / 254)) % 256;
  return parts.join('.');
}

/** The Service an apply stores, when the manifest gave it an empty selector. */
function emptySelectorService(op: Operation, ok: boolean, after: Obs): Svc | undefined {
  if (op.op !== 'apply' || !ok) return undefined;
  const m = op.object as { kind?: string; metadata?: { namespace?: string; name?: string }; spec?: { selector?: unknown } };
  const sel = m.spec?.selector;
  if (m.kind !== 'Service' || !sel || typeof sel !== 'object' || Object.keys(sel).length > 0) return undefined;
  return after.services.find((s) => s.namespace === (m.metadata?.namespace ?? 'default') && s.name === m.metadata?.name);
}

export const serviceFaults: Fault[] = [
  {
    invariant: 'service/selector/empty-is-none',
    scope: 'small',
    timing: 'sync',
    description: 'the API stores `selector: {}` as written (a store without omitempty), so the Service shows an empty selector',
    wrap: (sys) =>
      stateful<Readonly<Record<string, true>>>(sys, {
        init: {},
        remember: (empty, op, result, _before, after) => {
          const s = emptySelectorService(op, result.ok, after);
          return s ? { ...empty, [s.uid]: true } : empty;
        },
        observe: (obs, empty) => {
          for (const s of obs.services) if (empty[s.uid] && !s.selector) s.selector = {};
        },
      }),
  },
  {
    invariant: 'service/cluster-ip/stable',
    scope: 'small',
    timing: 'sync',
    description: 'ClusterIP reallocated on every update (the omitted spec.clusterIP of kubectl apply is taken as a request for a new one)',
    wrap: (sys) =>
      perUpdate(sys, () => true, (obs, updates) => {
        for (const s of obs.services) if (updates[s.uid] && s.clusterIP !== '' && s.clusterIP !== 'None') s.clusterIP = shiftIP(s.clusterIP, updates[s.uid]);
      }),
  },
  {
    invariant: 'service/cluster-ip/unique',
    scope: 'small',
    timing: 'sync',
    description: 'ClusterIP allocator does not consult its bitmap: a random offset near the start of the range, taken or not',
    wrap: (sys) =>
      withChooser(sys, (base) => ({
        ...base,
        allocate: (kind, size, isFree, ctx) => (kind === 'clusterIP' ? base.allocate(kind, 16, () => true, ctx) : base.allocate(kind, size, isFree, ctx)),
      })),
  },
  {
    invariant: 'service/cluster-ip/in-range',
    scope: 'small',
    timing: 'sync',
    description: 'ClusterIP allocator masks one bit short (/11 for a /12 range): offsets drawn from twice the range',
    wrap: (sys) =>
      withChooser(sys, (base) => ({
        ...base,
        allocate: (kind, size, isFree, ctx) => (kind === 'clusterIP' ? base.allocate(kind, size * 2, (o) => o >= size || isFree(o), ctx) : base.allocate(kind, size, isFree, ctx)),
      })),
  },
  {
    invariant: 'service/cluster-ip/by-type',
    scope: 'small',
    timing: 'sync',
    description: 'ExternalName Services get a ClusterIP allocated like every other type',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) if (s.type === 'ExternalName' && s.clusterIP === '') s.clusterIP = `10.96.200.${(hash(s.uid) % 250) + 2}`;
      }),
  },
  {
    invariant: 'service/cluster-ip/headless-stays-headless',
    scope: 'small',
    timing: 'sync',
    description: 'updating a headless Service allocates it a ClusterIP (clusterIP None treated as unset on the update path)',
    wrap: (sys) =>
      perUpdate(sys, (s) => s.clusterIP === 'None', (obs, updates) => {
        for (const s of obs.services) if (updates[s.uid] && s.clusterIP === 'None') s.clusterIP = `10.96.201.${(hash(s.uid) % 250) + 2}`;
      }),
  },
  {
    invariant: 'service/kubernetes/present',
    scope: 'small',
    timing: 'sync',
    description: 'deleting a Service in default also deletes the kubernetes Service (the delete matches by namespace), and nothing recreates it',
    wrap: (sys) =>
      stateful<{ gone: boolean }>(sys, {
        init: { gone: false },
        remember: (m, op, result) => (op.op === 'delete' && op.kind === 'Service' && result.ok && (op.namespace ?? 'default') === 'default' ? { gone: true } : m),
        observe: (obs, m) => {
          if (m.gone) obs.services = obs.services.filter((s) => !(s.namespace === 'default' && s.name === 'kubernetes'));
        },
      }),
  },
  {
    invariant: 'service/target-port/defaulted',
    scope: 'small',
    timing: 'sync',
    description: 'targetPort not defaulted: a port stored without targetPort reads back as 0',
    wrap: (sys) =>
      stateful<Record<string, readonly number[]>>(sys, {
        init: {},
        remember: (omitted, op, result, _before, after) => {
          if (op.op !== 'apply' || !result.ok || (op.object as { kind?: string }).kind !== 'Service') return omitted;
          const o = op.object as unknown as { metadata: { namespace?: string; name: string }; spec?: { ports?: { port: number; targetPort?: unknown }[] } };
          const s = after.services.find((x) => x.namespace === (o.metadata.namespace ?? 'default') && x.name === o.metadata.name);
          if (!s) return omitted;
          return { ...omitted, [s.uid]: (o.spec?.ports ?? []).filter((p) => p.targetPort === undefined).map((p) => p.port) };
        },
        observe: (obs, omitted) => {
          for (const s of obs.services) for (const p of s.ports) if (omitted[s.uid]?.includes(p.port)) p.targetPort = 0;
        },
      }),
  },
  {
    invariant: 'service/node-port/in-range',
    scope: 'small',
    timing: 'sync',
    description: 'nodePort range upper bound read as a count: dynamic nodePorts drawn from [min, min+max]',
    wrap: (sys) =>
      withChooser(sys, (base) => ({
        ...base,
        allocate: (kind, size, isFree, ctx) =>
          kind === 'nodePort' ? base.allocate(kind, 32768, (o) => o >= size || isFree(o), ctx) : base.allocate(kind, size, isFree, ctx),
      })),
  },
  {
    invariant: 'service/node-port/unique',
    scope: 'small',
    timing: 'sync',
    description: 'nodePort allocator hands out ports from a stale snapshot of its bitmap: always the first port of the range',
    wrap: (sys) =>
      withChooser(sys, (base) => ({
        ...base,
        allocate: (kind, size, isFree, ctx) => (kind === 'nodePort' ? 0 : base.allocate(kind, size, isFree, ctx)),
      })),
  },
  {
    invariant: 'service/node-port/only-for-external-types',
    scope: 'small',
    timing: 'sync',
    description: 'nodePorts not released when a NodePort or LoadBalancer Service is changed to type ClusterIP',
    wrap: (sys) =>
      stateful<Record<string, Readonly<Record<string, number>>>>(sys, {
        init: {},
        remember: (held, _op, _result, _before, after) => {
          let next = held;
          for (const s of after.services) {
            const ports = Object.fromEntries(s.ports.filter((p) => p.nodePort).map((p) => [`${p.name ?? ''}/${p.port}`, p.nodePort!]));
            if (Object.keys(ports).length) next = { ...next, [s.uid]: { ...(next[s.uid] ?? {}), ...ports } };
          }
          return next;
        },
        observe: (obs, held) => {
          for (const s of obs.services) {
            if (!held[s.uid]) continue;
            for (const p of s.ports) p.nodePort ??= held[s.uid][`${p.name ?? ''}/${p.port}`];
            for (const p of s.ports) if (p.nodePort === undefined) delete p.nodePort;
          }
        },
      }),
  },
  {
    invariant: 'service/node-port/allocated',
    scope: 'small',
    timing: 'sync',
    description: 'only the first port of a NodePort Service gets a nodePort (the allocation loop returns after one)',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) if (s.type === 'NodePort') for (const p of s.ports.slice(1)) delete p.nodePort;
      }),
  },
  {
    invariant: 'service/node-port/stable',
    scope: 'small',
    timing: 'sync',
    description: 'nodePorts reallocated on every update that omits them instead of refilled from the stored Service (kubernetes/kubernetes#103532)',
    wrap: (sys) =>
      perUpdate(sys, () => true, (obs, updates) => {
        for (const s of obs.services) {
          const n = updates[s.uid];
          if (n) for (const p of s.ports) if (p.nodePort) p.nodePort = NODE_PORT_MIN + ((p.nodePort - NODE_PORT_MIN + 97 * n) % NODE_PORT_SIZE);
        }
      }),
  },
  {
    invariant: 'service/health-check-node-port/local-lb-only',
    scope: 'small',
    timing: 'sync',
    description: 'healthCheckNodePort allocated whenever externalTrafficPolicy is Local, NodePort Services included',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) {
          if (s.externalTrafficPolicy === 'Local' && s.healthCheckNodePort === undefined) s.healthCheckNodePort = 32000 + (hash(s.uid) % 700);
        }
      }),
  },
  {
    invariant: 'service/load-balancer/address-needs-cloud',
    scope: 'small',
    timing: 'sync',
    description: 'without a cloud, the service load-balancer controller still writes a node address into status.loadBalancer',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) if (s.type === 'LoadBalancer' && s.loadBalancerIngress.length === 0) s.loadBalancerIngress = [{ ip: obs.nodes[0].ip }];
      }),
  },
  {
    invariant: 'service/load-balancer/provisioned-with-cloud',
    scope: 'medium',
    timing: 'sync',
    description: 'the cloud controller watches only the default namespace: LoadBalancer Services elsewhere never get an address',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const s of obs.services) if (s.namespace !== 'default') s.loadBalancerIngress = [];
      }),
  },
];

