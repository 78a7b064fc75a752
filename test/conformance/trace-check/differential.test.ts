// Slice-based and incremental evaluation (what `svcspec trace` runs) against the reference: every
// invariant's CEL on the whole observation after every event. On random model-exported streams,
// corrupted at random so that every rule fails somewhere (duplicate ClusterIPs, reallocated
// nodePorts, lost Endpoints updates, pods turning unready or terminating, controller writes to
// selectorless Services…), both must agree, event by event, on whether each invariant holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceChecker } from '../../../conformance/trace/check.ts';
import type { TraceEvent } from '../../../conformance/trace/event.ts';
import { type RunOptions, eventsOf, exported, modelRun, sequences, spec } from './helpers.ts';

type Obj = Record<string, any>;

/** One way to damage a stream, applied to event i (a deep copy), with a random number r. */
const CORRUPTIONS: ((evs: TraceEvent[], i: number, r: number) => void)[] = [
  (evs, i) => { evs.splice(i, 1); }, // a lost event (an Endpoints update that never came)
  (evs, i) => { const o = evs[i]!.object as Obj; if (o.kind === 'Pod') for (const c of o.status?.conditions ?? []) if (c.type === 'Ready') c.status = c.status === 'True' ? 'False' : 'True'; },
  (evs, i, r) => { const o = evs[i]!.object as Obj; if (o.kind === 'Pod') o.metadata.deletionTimestamp = r < 0.5 ? '2024-01-01T00:00:00Z' : undefined; },
  (evs, i) => { const o = evs[i]!.object as Obj; if (o.kind === 'Pod' && o.status) o.status.phase = 'Succeeded'; },
  (evs, i, r) => { const o = evs[i]!.object as Obj; if (o.kind === 'Pod') o.metadata.labels = r < 0.5 ? { app: 'web' } : { app: 'api', tier: 'front' }; },
  (evs, i, r) => { // a ClusterIP taken from another Service of the stream
    const o = evs[i]!.object as Obj;
    const ips = evs.map((e) => (e.object as Obj).spec?.clusterIP).filter((x) => typeof x === 'string' && x !== 'None');
    if (o.kind === 'Service' && ips.length) o.spec.clusterIP = ips[Math.floor(r * ips.length)];
  },
  (evs, i) => { const o = evs[i]!.object as Obj; if (o.kind === 'Service') for (const p of o.spec.ports ?? []) if (p.nodePort) p.nodePort += 1; },
  (evs, i, r) => { const o = evs[i]!.object as Obj; if (o.kind === 'Service') o.spec.clusterIP = r < 0.5 ? 'None' : '10.96.200.1'; },
  (evs, i, r) => { const o = evs[i]!.object as Obj; if (o.kind === 'Service') { if (r < 0.5) delete o.spec.selector; else o.spec.selector = { app: 'web' }; } },
  (evs, i, r) => { const o = evs[i]!.object as Obj; if (o.kind === 'Service') o.spec.type = ['ExternalName', 'NodePort', 'ClusterIP', 'LoadBalancer'][Math.floor(r * 4)]; },
  (evs, i, r) => { // uid of another Service
    const o = evs[i]!.object as Obj;
    const uids = evs.filter((e) => e.object.kind === 'Service').map((e) => (e.object as Obj).metadata.uid);
    if (o.kind === 'Service' && uids.length) o.metadata.uid = uids[Math.floor(r * uids.length)];
  },
  (evs, i, r) => { // an address naming another pod, maybe of another namespace
    const o = evs[i]!.object as Obj;
    if (o.kind !== 'Endpoints') return;
    for (const ss of o.subsets ?? []) for (const a of [...(ss.addresses ?? []), ...(ss.notReadyAddresses ?? [])]) {
      if (a.targetRef) { a.targetRef.name = r < 0.5 ? 'a' : 'b'; if (r > 0.8) a.targetRef.namespace = 'other'; }
    }
  },
  (evs, i, r) => { const o = evs[i]!.object as Obj; if (o.kind === 'Endpoints') for (const ss of o.subsets ?? []) { const a = ss.addresses; ss.addresses = ss.notReadyAddresses; ss.notReadyAddresses = a; if (r < 0.3) ss.ports = [{ port: 9999, protocol: 'TCP' }]; } },
  (evs, i) => { const o = evs[i]!.object as Obj; if (o.kind === 'Endpoints') o.metadata.managedFields = [{ manager: 'kube-controller-manager', operation: 'Update', time: o.metadata.managedFields?.[0]?.time }]; },
  (evs, i, r) => { const o = evs[i]!.object as Obj; const f = o.metadata.managedFields?.[0]; if (f?.time) f.time = new Date(Date.parse(f.time) + Math.floor(r * 3000)).toISOString(); },
  (evs, i, r) => { // a NodePort Service, its nodePorts from a small range (so they collide and move)
    const o = evs[i]!.object as Obj;
    if (o.kind !== 'Service' || o.spec.type === 'ExternalName') return;
    o.spec.type = 'NodePort';
    (o.spec.ports ?? []).forEach((p: Obj, k: number) => { if (r < 0.2 && k > 0) delete p.nodePort; else p.nodePort = 30000 + ((Math.floor(r * 4) + k) % 4); });
  },
  (evs, i) => { const o = evs[i]!.object as Obj; if (o.kind === 'Pod') for (const c of o.spec?.containers ?? []) for (const p of c.ports ?? []) p.containerPort += 1; },
  (evs, i) => { // from here on every Service is NodePort on the same nodePorts
    for (const e of evs.slice(i)) {
      const x = e.object as Obj;
      if (x.kind !== 'Service' || x.spec.type === 'ExternalName') continue;
      x.spec.type = 'NodePort';
      (x.spec.ports ?? []).forEach((p: Obj, k: number) => { p.nodePort = 30500 + k; });
    }
  },
  (evs, i, r) => { const o = evs[i]!.object as Obj; if (o.kind === 'Service') { if (r < 0.5) o.spec.healthCheckNodePort = 32000; else { o.spec.type = 'LoadBalancer'; o.spec.externalTrafficPolicy = 'Local'; delete o.spec.healthCheckNodePort; } } },
  (evs, i, r) => { // a Service written again becomes NodePort, its nodePorts moving at each write (kubernetes/kubernetes#103532);
    // sometimes a LoadBalancer whose loadBalancerClass changes at each write too
    const uid = (e: TraceEvent) => (e.object as Obj).metadata?.uid;
    const again = evs.map((e, k) => k).filter((k) => evs[k]!.object.kind === 'Service' && evs.slice(k + 1).some((e) => e.object.kind === 'Service' && uid(e) === uid(evs[k]!)));
    if (!again.length) return;
    i = again[i % again.length]!;
    const o = evs[i]!.object as Obj;
    if (o.spec.type === 'ExternalName') return;
    let n = 0;
    for (const e of evs.slice(i)) {
      const x = e.object as Obj;
      if (x.kind !== 'Service' || x.metadata.uid !== o.metadata.uid || x.spec.type === 'ExternalName') continue;
      x.spec.type = 'NodePort';
      (x.spec.ports ?? []).forEach((p: Obj, k: number) => { p.nodePort = 31000 + 10 * n + k; });
      if (r < 0.2) Object.assign(x.spec, { type: 'LoadBalancer', loadBalancerClass: `example.com/lb-${n}` });
      n++;
    }
  },
];

function corrupt(events: readonly TraceEvent[], picks: readonly [number, number, number][]): TraceEvent[] {
  const evs = events.map((e) => ({ ...e, object: structuredClone(e.object) }));
  for (const [c, at, r] of picks) if (evs.length) CORRUPTIONS[c % CORRUPTIONS.length]!(evs, at % evs.length, r);
  return evs;
}

/** Feeds both checkers; returns the first disagreement, as text, or undefined. */
function disagreement(events: readonly TraceEvent[]): string | undefined {
  const slices = new TraceChecker(spec.invariants, { requireRecorded: false, deferWindow: false });
  const full = new TraceChecker(spec.invariants, { requireRecorded: false, fullObservation: true });
  // A rule that compares objects with their previous versions by uid fails on the whole observation
  // at every event while two live Services share a uid (it compares them with each other); the
  // slices judge that pair once, at the event that made it. So for those rules a failure of the
  // whole observation that merely goes on from the previous event is not a disagreement.
  const before = new Map<string, boolean>();
  const compare = (where: string) => {
    for (const rule of slices.rules) {
      const a = slices.failingUnits(rule.id).length > 0, b = full.failingUnits(rule.id).length > 0;
      const goesOn = rule.transition && b && (before.get(rule.id) ?? rule.stats.violations > 0);
      before.set(rule.id, b);
      if (a !== b && !(goesOn && !a)) return `${rule.id} ${where}: slices fail on [${slices.failingUnits(rule.id).join(', ')}], the whole observation ${b ? 'fails' : 'holds'}`;
    }
    return undefined;
  };
  for (const [i, ev] of events.entries()) {
    slices.event(ev);
    full.event(ev);
    if (slices.inInitialState) continue;
    const d = compare(`after event ${i} (${ev.type} ${String(ev.object.kind)} ${(ev.object.metadata as Obj)?.name})`);
    if (d) return d;
  }
  slices.finish();
  full.finish();
  // A transition's window failure is judged again at its end from the state before it: the slices
  // judge the Service's group alone, the whole observation every Service with the first event's
  // operation only, so another Service's Endpoints that a user wrote meanwhile keep the whole
  // observation failing where the slices heal. Not a disagreement on what happened at any event.
  const wider = (r: (typeof slices.rules)[number], f: (typeof full.rules)[number]) => r.transition && r.stats.violations === 0 && r.stats.healed > 0 && f.stats.violations > 0;
  const differ = slices.rules.filter((r, k) => (r.stats.violations > 0) !== (full.rules[k]!.stats.violations > 0) && !wider(r, full.rules[k]!)).map((r) => r.id);
  return compare('at the end') ?? (differ.length ? `violations reported differ: ${differ.join(', ')}` : undefined);
}

const MODES: [string, RunOptions][] = [
  ['sync', { scope: 'small', timing: 'sync' }],
  ['async, controllers lagging while time passes', { scope: 'small', timing: 'async' }],
  ['async, controllers keeping up', { scope: 'small', timing: 'async', prompt: true }],
];

describe('slice and incremental evaluation agree with CEL on the whole observation', () => {
  const failedSomewhere = new Set<string>();
  for (const [name, o] of MODES) {
    it(`${name}: random model runs, randomly corrupted`, async () => {
      const runs = await Promise.all(sequences(7, 16, o.scope).map(async (ops, i) => eventsOf(exported(modelRun(ops, o, i + 1)))));
      const agree = (run: number, picks: [number, number, number][]) => {
        const evs = corrupt(runs[run]!, picks);
        const d = disagreement(evs);
        const probe = new TraceChecker(spec.invariants, { requireRecorded: false });
        for (const e of evs) probe.event(e);
        probe.finish();
        for (const r of probe.rules) if (r.stats.failed > 0) failedSomewhere.add(r.id);
        if (d) throw new Error(`run ${run}, corruptions ${JSON.stringify(picks)}: ${d}`);
      };
      // each corruption alone, at a few places of a few runs; then random combinations of them
      for (let c = 0; c < CORRUPTIONS.length; c++) for (let run = 0; run < 6; run++) for (const at of [3, 7, 13]) agree(run, [[c, at * (run + 1), (at % 5) / 5]]);
      fc.assert(
        fc.property(fc.nat(runs.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 8 }), agree),
        { seed: 17, numRuns: 100, endOnFailure: true },
      );
    });
  }
  it('judging window rules once per instant reports only violations that judging them after every event reports too', async () => {
    const runs = await Promise.all(sequences(6, 8, 'small').map(async (ops, i) => eventsOf(exported(modelRun(ops, { scope: 'small', timing: 'async' }, i + 1)))));
    const violations = (evs: readonly TraceEvent[], deferWindow: boolean) => {
      const c = new TraceChecker(spec.invariants, { deferWindow, maxDetails: 1000 });
      for (const e of evs) c.event(e);
      c.finish();
      // Judged once per instant, a window rule is reported at that instant's last event: the same
      // violation, at the same recorded time, perhaps a few events later than after every event.
      return c.violations.map((v) => `${v.invariant} ${v.subject} at ${v.at ? (v.at.time ?? `#${v.at.seq}`) : 'end'}`).sort();
    };
    fc.assert(
      fc.property(fc.nat(runs.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 6 }), (run, picks) => {
        const evs = corrupt(runs[run]!, picks);
        // Never a violation of its own; after every event the checker may also see a state that
        // lasts less than an instant (events recorded at one time, the last of them repairing it),
        // which no observer of that instant could have seen.
        const everyEvent = new Set(violations(evs, false));
        expect(violations(evs, true).filter((v) => !everyEvent.has(v))).toEqual([]);
      }),
      { seed: 23, numRuns: 80 },
    );
  });
  it('the corruptions made every trace invariant fail somewhere, so the agreement means something', () => {
    expect(spec.invariants.filter((i) => i.trace !== 'none' && !failedSomewhere.has(i.id)).map((i) => i.id)).toEqual([]);
  });
});
