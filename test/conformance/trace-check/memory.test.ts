// Memory follows the live objects, not the events: a long stream churning a bounded set of objects
// (pods created, made unready, deleted and created again; Endpoints following them) leaves the
// checker holding only what is live, and nothing of what was deleted.
import { describe, expect, it } from 'vitest';
import { TraceChecker } from '../../../conformance/trace/check.ts';
import { Cluster, addr, eventsOf, port, spec } from './helpers.ts';

describe('memory', () => {
  it('a 20,000-event churn over 40 pod names keeps at most the live objects', async () => {
    const c = new Cluster();
    const uids = new Map<string, string>();
    for (let s = 0; s < 4; s++) {
      c.service('ADDED', `svc-${s}`, { clusterIP: `10.96.1.${s + 1}`, selector: { app: `a${s}` }, ports: [{ port: 80, targetPort: 8080 }] }, { uid: c.uid() })
        .endpoints('ADDED', `svc-${s}`, []);
    }
    const live = new Set<string>();
    let ms = 1000;
    while (c.events.length < 20_000) {
      const i = c.events.length % 40, name = `p${i}`, s = i % 4, ip = `10.244.2.${i + 10}`;
      ms += 10;
      if (!live.has(name)) {
        uids.set(name, c.uid());
        c.pod('ADDED', name, { uid: uids.get(name)!, labels: { app: `a${s}` }, ip, ms });
        live.add(name);
      } else if ((ms / 10) % 3 === 0) {
        c.pod('DELETED', name, { uid: uids.get(name)!, labels: { app: `a${s}` }, ip, ms });
        live.delete(name);
      } else {
        c.pod('MODIFIED', name, { uid: uids.get(name)!, labels: { app: `a${s}` }, ip, ready: (ms / 10) % 2 === 0, ms });
      }
      const members = [...live].filter((p) => Number(p.slice(1)) % 4 === s).sort();
      c.endpoints('MODIFIED', `svc-${s}`, members.length ? [{ addresses: members.map((p) => addr(`10.244.2.${Number(p.slice(1)) + 10}`, p)), ports: [port(8080)] }] : [], { ms });
    }
    const checker = new TraceChecker(spec.invariants);
    for (const e of await eventsOf(c.text())) checker.event(e);
    checker.finish();
    expect(checker.events).toBeGreaterThanOrEqual(20_000);
    // 4 Services + 4 Endpoints + at most 40 pods
    expect(checker.store.peak).toBeLessThanOrEqual(48);
    expect(checker.store.size).toBe(8 + live.size);
    expect(checker.store.refs.size).toBeLessThanOrEqual(80);
  });
});
