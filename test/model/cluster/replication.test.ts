/**
 * The ReplicationController (the seed's kubia RC): replicas named <rc>-<5 random characters>,
 * replaced when deleted, not when unready; scale up and down; a relabelled pod leaves the RC's
 * scope (KK pkg/controller/controller_ref_manager.go ClaimPods releases it) and is replaced; an
 * orphan that matches is adopted; deleting the RC cascades to the pods it controls.
 */
import { describe, expect, it } from 'vitest';
import { Cluster, container, execProbe, kubiaService, pod, type Manifest } from './harness.ts';

/** apimachinery util/rand's alphabet: no vowels, no 0/1/3, so names never spell words. */
const GENERATED = /^kubia-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

function rc(replicas: number, containers: Manifest[] = [container()], name = 'kubia'): Manifest {
  return {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name },
    spec: { replicas, selector: { app: 'kubia' }, template: { metadata: { labels: { app: 'kubia' } }, spec: { containers } } },
  };
}

const live = (c: Cluster) => c.observe().pods.filter((p) => !p.terminating && p.labels.app === 'kubia').map((p) => p.name).sort();
const all = (c: Cluster) => c.observe().pods.map((p) => p.name).sort();

/** Re-applies a pod with new labels (what `kubectl label --overwrite` does). */
function relabel(c: Cluster, name: string, labels: Record<string, string>): void {
  const stored = c.state.pods.get(`default/${name}`)!.object;
  c.apply({ ...stored, metadata: { ...stored.metadata, labels } });
}

describe('ReplicationController', () => {
  it('creates its replicas, named <rc>-<5 characters>, running at once', () => {
    for (const seed of [0, 1, 2]) {
      const c = new Cluster({ seed });
      c.apply(rc(3));
      const pods = c.observe().pods;
      expect(pods).toHaveLength(3);
      for (const p of pods) {
        expect(p.name).toMatch(GENERATED);
        expect(p).toMatchObject({ labels: { app: 'kubia' }, phase: 'Running', ready: true });
      }
    }
  });

  it('replaces a deleted pod at once; the deleted one terminates beside it', () => {
    const c = new Cluster();
    c.apply(rc(3));
    const [victim] = live(c);
    c.delete('Pod', victim);
    expect(live(c)).toHaveLength(3);
    expect(live(c)).not.toContain(victim);
    expect(c.pod(victim)?.terminating).toBe(true);
    c.advance(30);
    expect(all(c)).toEqual(live(c));
    expect(all(c)).toHaveLength(3);
  });

  it('does not replace pods that are merely unready', () => {
    const c = new Cluster();
    c.apply(rc(3, [container('kubia', { readinessProbe: execProbe() })]));
    const before = all(c);
    c.advance(600);
    expect(all(c)).toEqual(before);
    expect(c.observe().pods.every((p) => !p.ready && p.containers[0].restartCount === 0)).toBe(true);
  });

  it('scales up and down', () => {
    const c = new Cluster();
    c.apply(rc(3));
    c.apply(rc(5));
    expect(live(c)).toHaveLength(5);
    c.apply(rc(1));
    expect(live(c)).toHaveLength(1);
    c.advance(30);
    expect(all(c)).toHaveLength(1);
  });

  it('scales down the unready pods first', () => {
    const c = new Cluster();
    c.apply(rc(3, [container('kubia', { readinessProbe: execProbe() })]));
    const keep = live(c)[1];
    c.ok({ op: 'probe', namespace: 'default', pod: keep, result: 'success' });
    c.advance(10);
    c.apply(rc(1, [container('kubia', { readinessProbe: execProbe() })]));
    expect(live(c)).toEqual([keep]);
  });

  it('lets a relabelled pod leave: it keeps running, drops out of the Service, and is replaced', () => {
    const c = new Cluster();
    c.apply(kubiaService());
    c.apply(rc(3));
    const [moved] = live(c);
    relabel(c, moved, { app: 'foo' });
    expect(live(c)).toHaveLength(3);
    expect(live(c)).not.toContain(moved);
    expect(c.pod(moved)).toMatchObject({ phase: 'Running', terminating: false, labels: { app: 'foo' } });
    expect(c.members('kubia').ready).toEqual(live(c));
  });

  it('adopts a matching orphan pod instead of creating one more', () => {
    const c = new Cluster();
    c.apply(pod('handmade'));
    c.apply(rc(3));
    expect(live(c)).toHaveLength(3);
    expect(live(c)).toContain('handmade');
  });

  it('takes the pods it controls with it when deleted, adopted ones too', () => {
    const c = new Cluster();
    c.apply(pod('handmade'));
    c.apply(rc(3));
    c.delete('ReplicationController', 'kubia');
    expect(c.observe().pods.every((p) => p.terminating)).toBe(true);
    c.advance(30);
    expect(all(c)).toEqual([]);
  });

  it('leaves a released (relabelled) pod alone when deleted', () => {
    const c = new Cluster();
    c.apply(rc(2));
    const [moved] = live(c);
    relabel(c, moved, { app: 'foo' });
    c.delete('ReplicationController', 'kubia');
    c.advance(30);
    expect(all(c)).toEqual([moved]);
  });

  it('counts only pods of its own namespace', () => {
    const c = new Cluster();
    c.apply(pod('elsewhere', { namespace: 'other' }));
    c.apply(rc(2));
    expect(c.observe().pods.filter((p) => p.namespace === 'default')).toHaveLength(2);
  });
});
