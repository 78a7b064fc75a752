import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answer, serveLoop } from '../../conformance/serve-loop.ts';
import { validator } from '../../properties/load/schemas.ts';

const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };

/** Every line the reference answers is a Response of spec/schema/protocol.schema.json. */
function response(line: string): any {
  const v = validator('protocol.schema.json#/$defs/Response');
  const value = JSON.parse(line);
  expect(v(value), JSON.stringify(v.errors)).toBe(true);
  return value;
}

async function serve(input: string[], chunked = false): Promise<any[]> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const done = serveLoop(stdin, stdout);
  const text = input.join('\n') + '\n';
  if (chunked) for (let i = 0; i < text.length; i += 7) stdin.write(text.slice(i, i + 7));
  else stdin.write(text);
  stdin.end();
  await done;
  return out.trim().split('\n').map((l) => JSON.parse(l));
}

describe('the reference adapter (serve loop)', () => {
  it('answers init, then each operation with its id, as protocol.schema.json says', () => {
    let a = answer(JSON.stringify({ id: 0, op: 'init', cluster: { nodes: ['node-1'] } }), undefined);
    expect(response(a.line)).toEqual({ id: 0, ok: true });
    a = answer(JSON.stringify({ id: 1, op: 'apply', object: svc }), a.state);
    const applied = response(a.line);
    expect(applied.id).toBe(1);
    expect(applied.object.spec.clusterIP).toMatch(/^10\./);
    const observed = response(answer(JSON.stringify({ id: 2, op: 'observe' }), a.state).line);
    expect(observed.state.services.map((s: any) => s.name)).toContain('web');
    expect(validator('observation.schema.json')(observed.state)).toBe(true);
  });

  it('refuses (definitely) an operation before init, a line that is not JSON and a bad configuration', () => {
    const before = response(answer(JSON.stringify({ id: 4, op: 'observe' }), undefined).line);
    expect(before).toMatchObject({ id: 4, ok: false, error: { reason: 'BadRequest' } });
    expect(before.definite).toBeUndefined();
    expect(JSON.parse(answer('{"id": 5, "op":', undefined).line)).toMatchObject({ id: null, ok: false });
    const config = response(answer(JSON.stringify({ id: 0, op: 'init', cluster: { nodes: ['a', 'a'] } }), undefined).line);
    expect(config).toMatchObject({ ok: false, error: { reason: 'BadRequest', message: expect.stringContaining('duplicate') } });
  });

  it('answers pipelined requests in order, however the input is cut into chunks', async () => {
    const lines = [
      JSON.stringify({ id: 0, op: 'init', cluster: {} }),
      JSON.stringify({ id: 1, op: 'apply', object: svc }),
      JSON.stringify({ id: 2, op: 'advance', seconds: 5 }),
      JSON.stringify({ id: 3, op: 'observe' }),
    ];
    for (const chunked of [false, true]) {
      const answers = await serve(lines, chunked);
      expect(answers.map((x) => x.id)).toEqual([0, 1, 2, 3]);
      expect(answers[3].state.time).toBe(5);
    }
  });

  it('lets a wrapper change one step, and --seed change the choices but not the semantics', () => {
    const init = JSON.stringify({ id: 0, op: 'init', cluster: {} });
    const apply = JSON.stringify({ id: 1, op: 'apply', object: svc });
    const ip = (seed?: number) => JSON.parse(answer(apply, answer(init, undefined, { seed }).state, { seed }).line).object.spec.clusterIP;
    expect(ip(7)).not.toBe(ip());
    const wrapped = answer(apply, answer(init, undefined).state, { wrapper: { step: (s, op, next) => ({ ...next(s, op), result: { ok: false, error: 'refused' } }) } });
    expect(JSON.parse(wrapped.line)).toEqual({ id: 1, ok: false, error: 'refused' });
  });
});
