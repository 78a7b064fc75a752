// The readers are streaming: however a recording is cut into chunks (string chunks, or byte chunks
// that split UTF-8 sequences), they must yield the same events at the same positions, and fail with
// the same error at the same position.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAudit } from '../../../conformance/trace/audit.ts';
import type { TraceEvent } from '../../../conformance/trace/event.ts';
import { readWatch } from '../../../conformance/trace/watch.ts';

// strings full of what a splitter can trip over: quotes, backslashes, brackets, multi-byte text
const tricky = fc.string({ unit: fc.constantFrom('a', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\n', 'é', '€', '😀', 'items'), maxLength: 12 });
const obj = fc.record({
  kind: fc.constantFrom('Service', 'Pod', 'Endpoints', 'ConfigMap'),
  metadata: fc.record({ name: tricky, namespace: fc.constantFrom('default', 'kube-system'), labels: fc.dictionary(tricky, tricky, { maxKeys: 3 }) }),
  spec: fc.jsonValue({ maxDepth: 3 }),
});
const event = fc.record({ type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED'), object: obj });
// a value of the stream: mostly events, sometimes a List of objects (kubectl or API server style)
const value = fc.oneof(
  { weight: 4, arbitrary: event },
  { weight: 1, arbitrary: fc.array(obj, { maxLength: 3 }).map((items) => ({ apiVersion: 'v1', items, kind: 'List' })) },
  { weight: 1, arbitrary: fc.array(obj.map(({ kind: _k, ...o }) => o), { maxLength: 3 }).map((items) => ({ kind: 'PodList', items })) },
);
const stream = fc.tuple(
  fc.array(fc.tuple(value, fc.constantFrom(0, 2, 4, -1), fc.constantFrom('\n', '\r\n', '', '\n\n  ')), { minLength: 1, maxLength: 6 }),
  fc.boolean(),
).map(([vs, bom]) => (bom ? '\uFEFF' : '') + vs.map(([v, indent, sep]) => format(v, indent) + sep).join(''));
// -1: pretty-printed without indentation, so inner '}' open lines too and defeat the reader's fast path
function format(v: unknown, indent: number): string {
  return indent < 0 ? JSON.stringify(v, null, 1).replace(/\n +/g, '\n') : JSON.stringify(v, null, indent);
}

function cut<T extends string | Buffer>(whole: T, cuts: number[]): T[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * whole.length)))].sort((a, b) => a - b);
  const out: T[] = [];
  let prev = 0;
  for (const p of [...points, whole.length]) { if (p > prev) out.push(whole.slice(prev, p) as T); prev = p; }
  return out;
}
async function* feed<T>(parts: T[]): AsyncGenerator<T> { for (const p of parts) yield p; }

type Outcome = { events: TraceEvent[]; error?: string };
async function run(gen: AsyncGenerator<TraceEvent>): Promise<Outcome> {
  const events: TraceEvent[] = [];
  try { for await (const e of gen) events.push(e); } catch (e) { return { events, error: (e as Error).message }; }
  return { events };
}
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 });
const opts = { checkOrder: false }; // random names repeat; ordering is tested elsewhere

describe('chunking does not change what is read', () => {
  it('watch streams: same events and positions for string chunks and UTF-8 byte chunks', async () => {
    await fc.assert(fc.asyncProperty(stream, cuts, async (text, cs) => {
      const whole = await run(readWatch(text, 'p', opts));
      expect(whole.error).toBeUndefined();
      for (const { source: { index, line, column } } of whole.events) { // positions agree with the text itself
        expect(text[index]).toBe('{');
        const before = text.slice(0, index).split('\n');
        expect([line, column]).toEqual([before.length, before.at(-1)!.length + 1]);
      }
      expect(await run(readWatch(feed(cut(text, cs)), 'p', opts))).toEqual(whole);
      expect(await run(readWatch(feed(cut(Buffer.from(text), cs)), 'p', opts))).toEqual(whole);
    }), { numRuns: 300 });
  });

  it('broken streams: same error at the same position, wherever the chunks are cut', async () => {
    await fc.assert(fc.asyncProperty(stream, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('', 'x', '}', ',', '"'), cuts,
      async (text, at, junk, cs) => {
        const broken = text.slice(0, Math.floor(at * text.length)) + junk;
        const whole = await run(readWatch(broken, 'p', opts));
        expect(await run(readWatch(feed(cut(broken, cs)), 'p', opts))).toEqual(whole);
      }), { numRuns: 300 });
  });

  it('audit JSON lines: same events for any chunking', async () => {
    const audit = fc.record({
      kind: fc.constant('Event'), apiVersion: fc.constant('audit.k8s.io/v1'), level: fc.constant('RequestResponse'),
      auditID: tricky, stage: fc.constant('ResponseComplete'), verb: fc.constantFrom('create', 'update', 'get'),
      objectRef: fc.record({ resource: fc.constant('services'), namespace: fc.constant('default'), name: tricky }),
      responseStatus: fc.record({ code: fc.constantFrom(200, 201, 409) }),
      responseObject: obj.map((o) => ({ ...o, kind: 'Service' })),
    });
    await fc.assert(fc.asyncProperty(fc.array(audit, { minLength: 1, maxLength: 5 }), cuts, async (evs, cs) => {
      const text = evs.map((e) => JSON.stringify(e)).join('\n') + '\n';
      const whole = await run(readAudit(text, 'a', opts));
      expect(await run(readAudit(feed(cut(Buffer.from(text), cs)), 'a', opts))).toEqual(whole);
    }), { numRuns: 200 });
  });
});
