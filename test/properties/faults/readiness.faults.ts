/** Faults of the kubelet: readiness probes, restarts, pod readiness and pod IPs. */
import type { Operation } from '../../../model/index.ts';
import { type Fault, type Obs, recomputePodReady, rewriteObservation, stateful, rewriteStep } from './wrap.ts';

type Container = Obs['pods'][number]['containers'][number];

const running = (c: Container) => c.startedAt !== undefined;

export const readinessFaults: Fault[] = [
  {
    invariant: 'readiness/failing-probe-unready',
    scope: 'small',
    timing: 'sync',
    description: 'the kubelet ignores failing readiness probes: a container once ready stays ready until it restarts',
    wrap: (sys) =>
      stateful<Readonly<Record<string, number>>>(sys, {
        init: {},
        remember: (seen, _op, _result, _before, after) => {
          let next = seen;
          for (const p of after.pods) for (const c of p.containers) if (c.ready && running(c)) next = { ...next, [`${p.uid}/${c.name}`]: c.startedAt! };
          return next;
        },
        observe: (obs, seen) => {
          for (const p of obs.pods) {
            if (p.phase !== 'Running') continue;
            for (const c of p.containers) if (running(c) && seen[`${p.uid}/${c.name}`] === c.startedAt) c.ready = true;
            recomputePodReady(p);
          }
        },
      }),
  },
  {
    invariant: 'readiness/succeeding-probe-ready',
    scope: 'small',
    timing: 'sync',
    description: 'exec readiness probes run where their command is missing: they never succeed, so exec-probed containers never become ready',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const p of obs.pods) {
          for (const c of p.containers) if (c.probe?.handler === 'exec') c.ready = false;
          recomputePodReady(p);
        }
      }),
  },
  {
    invariant: 'readiness/failure-threshold',
    scope: 'medium',
    timing: 'sync',
    description: 'failureThreshold ignored: the first failed probe marks the container unready (as if failureThreshold were 1)',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const p of obs.pods) {
          for (const c of p.containers) if (c.ready && c.probe?.lastResult === 'failure') c.ready = false;
          if (p.ready) recomputePodReady(p);
        }
      }),
  },
  {
    invariant: 'readiness/success-threshold',
    scope: 'small',
    timing: 'sync',
    description: 'successThreshold ignored: a container is ready after its first successful probe',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const p of obs.pods) {
          if (p.phase !== 'Running') continue;
          for (const c of p.containers) if (!c.ready && running(c) && c.probe?.lastResult === 'success' && (c.probe.run ?? 0) >= 1) c.ready = true;
          recomputePodReady(p);
        }
      }),
  },
  {
    invariant: 'readiness/not-ready-before-first-success',
    scope: 'small',
    timing: 'sync',
    description: 'initial readiness is Success: a container with a probe is ready from its start, before the probe has run',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const p of obs.pods) {
          if (p.phase !== 'Running') continue;
          for (const c of p.containers) if (!c.ready && running(c) && c.probe?.lastResult === 'none') c.ready = true;
          recomputePodReady(p);
        }
      }),
  },
  {
    invariant: 'readiness/never-restarts',
    scope: 'small',
    timing: 'sync',
    description: 'a failing readiness probe restarts the container (treated like a liveness probe)',
    wrap: (sys) =>
      rewriteStep(sys, (inner, s, op, chooser, before) => {
        let out = inner.step(s, op, chooser);
        if (!out.result.ok) return out;
        for (const p of inner.observe(out.state).pods) {
          const q = before.pods.find((x) => x.uid === p.uid);
          for (const c of p.containers) {
            const d = q?.containers.find((x) => x.name === c.name);
            if (!d?.ready || c.ready || c.restartCount !== d.restartCount || c.probe?.lastResult !== 'failure' || !running(c)) continue;
            const restarted = inner.step(out.state, { op: 'exit', namespace: p.namespace, pod: p.name, container: c.name, code: 137 } as Operation, chooser);
            if (restarted.result.ok) out = { state: restarted.state, result: out.result };
          }
        }
        return out;
      }),
  },
  {
    invariant: 'readiness/restart-resets',
    scope: 'medium',
    timing: 'sync',
    description: 'readiness not reset on restart: a restarted container keeps the Ready it had until its probe next runs',
    wrap: (sys) =>
      stateful<readonly string[]>(sys, {
        init: [],
        remember: (carried, op, result, before, after) => {
          if (op.op !== 'exit' || !result.ok) return carried;
          const add: string[] = [];
          for (const p of after.pods) {
            const q = before.pods.find((x) => x.uid === p.uid);
            for (const c of p.containers) {
              const d = q?.containers.find((x) => x.name === c.name);
              if (d?.ready && c.restartCount > d.restartCount) add.push(`${p.uid}/${c.name}/${c.restartCount}`);
            }
          }
          return add.length ? [...carried, ...add] : carried;
        },
        observe: (obs, carried) => {
          for (const p of obs.pods) {
            if (p.phase !== 'Running') continue;
            for (const c of p.containers) {
              const probeHasNotRun = c.probe && c.startedAt !== undefined && obs.time < c.startedAt + c.probe.initialDelaySeconds;
              if (!c.ready && probeHasNotRun && carried.includes(`${p.uid}/${c.name}/${c.restartCount}`)) c.ready = true;
            }
            recomputePodReady(p);
          }
        },
      }),
  },
  {
    invariant: 'pod/ready-means-containers-ready',
    scope: 'small',
    timing: 'sync',
    description: 'the pod Ready condition is never recomputed once True: a pod stays ready after a container turns unready',
    wrap: (sys) =>
      stateful<readonly string[]>(sys, {
        init: [],
        remember: (wasReady, _op, _result, _before, after) => {
          const add = after.pods.filter((p) => p.ready && !wasReady.includes(p.uid)).map((p) => p.uid);
          return add.length ? [...wasReady, ...add] : wasReady;
        },
        observe: (obs, wasReady) => {
          for (const p of obs.pods) if (wasReady.includes(p.uid)) p.ready = true;
        },
      }),
  },
  {
    invariant: 'pod/ip-unique',
    scope: 'small',
    timing: 'sync',
    description: 'every node\'s IPAM allocates from the same /24 (the node podCIDR is ignored)',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const p of obs.pods) if (p.ip) p.ip = `10.244.0.${p.ip.split('.')[3]}`;
      }),
  },
  {
    invariant: 'pod/ip-unique',
    scope: 'small',
    timing: 'sync',
    description: 'the network plugin frees a pod\'s IP when its deletion starts, not when it is gone: a pod started later on the node gets the IP of one still terminating',
    wrap: (sys) =>
      rewriteObservation(sys, (obs) => {
        for (const t of obs.pods) {
          if (!t.terminating || !t.ip || t.hostNetwork || t.phase === 'Succeeded' || t.phase === 'Failed') continue;
          const later = obs.pods.filter((p) => p.node === t.node && !p.terminating && p.ip && !p.hostNetwork && p.uid > t.uid && p.phase !== 'Succeeded' && p.phase !== 'Failed');
          if (later.length) later[later.length - 1].ip = t.ip;
        }
      }),
  },
];
