/**
 * The exhaustive explorer: shortest traces by breadth-first search, proofs over whole (small)
 * scopes, and the two behaviours the seed warns about, shown as traces of minimal length.
 */
import { describe, expect, it } from 'vitest';
import { HISTORY_REASON, explore } from '../../properties/explore/explore.ts';
import { modelSystem } from '../../properties/engine/system.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { proxyFaults } from '../properties/faults/proxy.faults.ts';

const spec = loadSpec();
const scope = (name: string) => spec.scopes.find((s) => s.name === name)!;
const declaredFor = (timing: 'sync' | 'async') => spec.invariants.filter((i) => i.timings.has(timing));

describe('explore', () => {
  it('shows the shortest trace in which a client is refused by an app that is not listening yet (no readiness probe)', () => {
    const s = scope('no-readiness-probe');
    const r = explore({ scope: s, timing: 'sync', depth: 10, invariants: declaredFor('sync'), alsoCheck: s.witnesses });
    // The whole state space is visited: every invariant is proved for this scope, not sampled.
    expect(r.stoppedBy).toBe('exhausted');
    const witness = r.verdicts.find((v) => v.invariant.id === 'witness/refused-by-starting-app')!;
    expect(witness.verdict).toBe('violation');
    expect(witness.trace!.map((t) => t.op.op)).toEqual(['apply', 'apply', 'apply', 'connect']);
    expect(witness.trace!.at(-1)!.result).toEqual({ ok: false, error: 'refused' });
    expect(r.verdicts.filter((v) => v.verdict !== 'ok' && !v.reason).map((v) => v.invariant.id)).toEqual(['witness/refused-by-starting-app']);
  });

  it('finds the asynchronous readiness race (the naive rule breaks) while the precise rules hold over the whole scope', () => {
    const s = scope('readiness-race-settled');
    const naive = spec.invariants.filter((i) => i.id === 'traffic/ready-pods-only');
    const r = explore({ scope: s, timing: 'async', depth: 30, invariants: declaredFor('async'), alsoCheck: naive });
    expect(r.stoppedBy).toBe('exhausted');
    const race = r.verdicts.find((v) => v.invariant.id === 'traffic/ready-pods-only')!;
    expect(race.verdict).toBe('violation');
    const found = race.trace!.slice(race.setupSteps);
    const ops = found.map((t) => (t.op.op === 'sync' ? `sync ${(t.op as { controller: string }).controller}` : t.op.op));
    // Probe fails, the kubelet marks the pod unready, and a node whose proxy has not synced still sends traffic.
    expect(ops).toEqual(['probe', 'advance', 'sync kubelet', 'connect']);
    expect(found.at(-1)!.result.ok).toBe(true);
    const precise = ['traffic/programmed-endpoints-only', 'proxy/settled-no-unready', 'endpoints/ready-in-addresses'];
    for (const id of precise) {
      const v = r.verdicts.find((x) => x.invariant.id === id)!;
      // Proved on states, not vacuously: the two rules about a settled cluster were judged too.
      expect([v.verdict, v.exercised! > 0]).toEqual(['ok', true]);
    }
    expect(r.verdicts.filter((v) => v.verdict === 'violation').map((v) => v.invariant.id)).toEqual(['traffic/ready-pods-only']);
  });

  it('takes settle in async timing, so the rules about a settled cluster judge something, with a trace that ends in the settle', () => {
    const s = scope('readiness-race-settled');
    // Judged only "when everything has settled" (in sync timing after every step).
    const rules = spec.invariants.filter((i) => i.when?.source.trim() === "cluster.timing == 'sync' || op.op == 'settle'");
    expect(rules.map((i) => i.id)).toEqual(expect.arrayContaining(['endpoints/complete', 'proxy/follows-endpoints', 'replication/keeps-replicas']));
    const sound = explore({ scope: s, timing: 'async', depth: 30, invariants: rules });
    // Beside each internal step the search takes `settle`: every rule judged something.
    expect(sound.verdicts.filter((v) => v.verdict !== 'ok' || !(v.exercised! > 0)).map((v) => v.invariant.id)).toEqual([]);
    const programsNothing = proxyFaults.find((f) => f.description.startsWith('the proxy programs nothing'))!;
    const faulty = explore({ scope: s, system: programsNothing.wrap(modelSystem), timing: 'async', depth: 30, invariants: rules });
    const caught = faulty.verdicts.find((v) => v.invariant.id === 'proxy/follows-endpoints')!;
    expect(caught.verdict).toBe('violation');
    // The shortest trace: the setup, then a settle.
    expect(caught.trace!.slice(caught.setupSteps).map((t) => t.op.op)).toEqual(['settle']);
  });

  it('reports unknown, not ok, when a bound stops the search', () => {
    const r = explore({ scope: scope('tiny'), timing: 'sync', depth: 10, maxStates: 50, invariants: declaredFor('sync') });
    expect(r.stoppedBy).toBe('states');
    expect(new Set(r.verdicts.map((v) => v.verdict))).toEqual(new Set(['unknown']));
  });

  it('finds nothing wrong in the tiny scope to depth 4, and counts the same states every run', () => {
    const a = explore({ scope: scope('tiny'), timing: 'sync', depth: 4, invariants: declaredFor('sync') });
    const b = explore({ scope: scope('tiny'), timing: 'sync', depth: 4, invariants: declaredFor('sync') });
    // Rules over a run's history are left unknown, with the reason; every other one is proved.
    expect(a.verdicts.filter((v) => v.verdict !== 'ok').every((v) => v.verdict === 'unknown' && v.reason === HISTORY_REASON)).toBe(true);
    expect(a.verdicts.filter((v) => v.reason).map((v) => v.invariant.id)).toContain('traffic/spreads-load');
    expect([a.states, a.transitions]).toEqual([b.states, b.transitions]);
  });

  it('keeps fingerprints, not states: the same states as with exact keys, a few dozen bytes each, and a collision estimate', () => {
    const s = scope('readiness-race-settled');
    const fingerprints = explore({ scope: s, timing: 'async', depth: 30, invariants: declaredFor('async') });
    const exact = explore({ scope: s, timing: 'async', depth: 30, invariants: declaredFor('async'), exactKeys: true });
    expect([fingerprints.states, fingerprints.transitions]).toEqual([exact.states, exact.transitions]);
    expect(fingerprints.bytesPerState).toBeLessThan(100);
    expect(exact.bytesPerState).toBeGreaterThan(1000);
    expect(fingerprints.collision!.optimistic).toBe((fingerprints.states * (fingerprints.states - 1)) / 2 / 2 ** 64);
    expect(fingerprints.collision!.actual).toBeGreaterThan(0);
    expect(exact.collision).toBeUndefined();
    // Frontier states are re-executed, not kept: a price paid, but far below one step per transition.
    expect(fingerprints.replayedSteps).toBeGreaterThan(0);
    expect(fingerprints.replayedSteps).toBeLessThan(fingerprints.transitions / 2);
  });

  it('with symmetry, keeps one state per renaming of interchangeable pods: fewer states, the same verdicts and trace lengths', () => {
    const s = scope('replicas');
    const plain = explore({ scope: s, timing: 'sync', depth: 3, invariants: declaredFor('sync'), alsoCheck: spec.invariants.filter((i) => i.id === 'traffic/ready-pods-only') });
    const reduced = explore({ scope: s, timing: 'sync', depth: 3, invariants: declaredFor('sync'), alsoCheck: spec.invariants.filter((i) => i.id === 'traffic/ready-pods-only'), symmetry: true });
    expect(reduced.symmetry).toEqual([['default/a', 'default/b', 'default/c']]);
    expect(reduced.states).toBeLessThan(plain.states / 2);
    const summary = (r: typeof plain) => r.verdicts.map((v) => `${v.invariant.id} ${v.verdict} ${v.trace?.length ?? ''}`);
    expect(summary(reduced)).toEqual(summary(plain));
  });

  it('with symmetry, swaps interchangeable nodes with the pods pinned to them: about half the states, the same verdicts and trace lengths', () => {
    const s = scope('spread');
    const o = { scope: s, timing: 'sync' as const, depth: 6, invariants: declaredFor('sync'), alsoCheck: s.witnesses };
    const [plain, reduced] = [explore(o), explore({ ...o, symmetry: true })];
    expect(reduced.symmetry).toEqual([['default/web-1', 'default/web-2'], ['node-2', 'node-3']]);
    expect(reduced.states).toBeLessThan(plain.states * 0.55);
    const summary = (r: typeof plain) => r.verdicts.map((v) => `${v.invariant.id} ${v.verdict} ${v.trace?.length ?? ''} ${(v.exercised ?? 0) > 0}`);
    expect(summary(reduced)).toEqual(summary(plain));
    expect(reduced.verdicts.find((v) => v.invariant.id === 'witness/client-served')!.trace).toHaveLength(6);
  });

  it('finds no symmetry between pods with different manifests (the server and the client of the readiness race)', () => {
    const r = explore({ scope: scope('readiness-race-settled'), timing: 'async', depth: 2, invariants: [], symmetry: true });
    expect(r.symmetry).toEqual([]);
  });
});
