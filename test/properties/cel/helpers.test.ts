import { describe, expect, it } from 'vitest';
import { compileCel } from '../../../properties/cel/compile.ts';
import { CEL_VARIABLES, celEnvironment, celLibraryMarkdown } from '../../../properties/cel/environment.ts';
import { CEL_HELPERS, CEL_HELPERS_BY_NAME, helperSignature } from '../../../properties/cel/helpers.ts';
import { cidrContains, parseCIDR, parseIP } from '../../../properties/cel/ip.ts';
import { fromCelValue, toCelValue } from '../../../properties/cel/values.ts';

const impl = (name: string) => CEL_HELPERS_BY_NAME.get(name)!.impl;

/** Both evaluators, which must agree; helpers are called through CEL, as invariants call them. */
function cel(src: string, state: unknown = {}): unknown {
  const c = compileCel(src);
  if (!c.ok) throw new Error(c.error.message);
  const v = { state: toCelValue(state) };
  const got = c.fn(v);
  expect(c.interpret(v)).toStrictEqual(got);
  return got;
}

describe('selects(selector, labels): Kubernetes equality-based selection', () => {
  const labels = { app: 'web', tier: 'front' };
  it.each([
    ['a null selector selects nothing', null, false],
    ['an empty selector selects everything', {}, true],
    ['a matching key/value selects', { app: 'web' }, true],
    ['every pair must match', { app: 'web', tier: 'front' }, true],
    ['a different value does not select', { app: 'db' }, false],
    ['a key the labels lack does not select', { app: 'web', zone: 'a' }, false],
  ])('%s', (_, selector, want) => {
    expect(impl('selects')(toCelValue(selector), labels)).toBe(want);
    expect(cel('selects(state.selector, state.labels)', { selector, labels })).toBe(want);
  });

  it('an absent selector is a missing key: has() guards it', () => {
    expect(cel('has(state.selector) && selects(state.selector, state.labels)', { labels })).toBe(false);
    expect(() => cel('selects(state.selector, state.labels)', { labels })).toThrow(/No such key: selector/);
  });

  it('rejects a selector that is not a map, at compile time when it can tell', () => {
    expect(compileCel('selects("app=web", {})')).toMatchObject({ ok: false, error: { code: 'type' } });
    expect(() => cel('selects(state.selector, state.labels)', { selector: 'app=web', labels })).toThrow(/no matching overload/);
  });
});

describe('inCIDR(ip, cidr)', () => {
  it.each([
    ['10.96.0.1', '10.96.0.0/12', true],
    ['10.111.255.255', '10.96.0.0/12', true],
    ['10.112.0.0', '10.96.0.0/12', false],
    ['10.96.0.10', '10.96.0.10/32', true],
    ['1.2.3.4', '0.0.0.0/0', true],
    ['10.96.0.1', '10.96.5.7/12', true], // host bits in the CIDR are ignored, as Go's ParseCIDR does
    ['fd00::1', 'fd00::/8', true],
    ['fe80::1', 'fd00::/8', false],
    ['::ffff:10.0.0.1', '::ffff:0:0/96', true],
    ['10.0.0.1', 'fd00::/8', false], // families never mix
    ['None', '10.96.0.0/12', false], // a headless Service's clusterIP is in no range
    ['', '10.96.0.0/12', false],
    ['10.96.0.01', '10.96.0.0/12', false], // leading zeros are not an IP (Kubernetes validation)
    ['10.96.0.256', '10.96.0.0/12', false],
  ])('%s in %s: %s', (ip, cidr, want) => {
    expect(cel('inCIDR(state.ip, state.cidr)', { ip, cidr })).toBe(want);
  });

  it.each(['10.96.0.0', '10.96.0.0/33', 'fd00::/129', 'x/8', '10.96.0.0/012'])('a malformed CIDR (%s) is an evaluation error', (cidr) => {
    expect(() => cel('inCIDR("10.0.0.1", state.cidr)', { cidr })).toThrow(/invalid CIDR/);
  });

  it('parses the address forms it documents', () => {
    expect(parseIP('::')).toStrictEqual({ family: 6, value: 0n });
    expect(parseIP('1::')).toStrictEqual({ family: 6, value: 1n << 112n });
    expect(parseIP('1:2:3:4:5:6:7:8')?.value).toBe(0x00010002000300040005000600070008n);
    expect(parseIP('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIP('1::2::3')).toBeUndefined();
    expect(cidrContains(parseCIDR('192.168.0.0/24')!, parseIP('192.168.0.255')!)).toBe(true);
  });
});

describe('unique(list)', () => {
  it.each([
    ['empty', [], true],
    ['distinct strings', ['10.96.0.1', '10.96.0.2'], true],
    ['a repeated string', ['10.96.0.1', '10.96.0.1'], false],
    ['distinct ints', [1n, 2n, 3n], true],
    ['int 1 and double 1.0, equal in CEL', [1n, 1], false],
    ['equal lists', [[1n], [1n]], false],
    ['different maps', [{ a: 'x' }, { a: 'y' }], true],
  ])('%s → %s', (_, list, want) => {
    expect(impl('unique')(list)).toBe(want);
  });

  it('reads like the ClusterIP uniqueness invariant', () => {
    const services = [{ clusterIP: '10.96.0.1' }, { clusterIP: 'None' }, { clusterIP: 'None' }, { clusterIP: '10.96.0.2' }];
    expect(cel("unique(state.services.map(s, s.clusterIP).filter(ip, ip != 'None' && ip != ''))", { services })).toBe(true);
  });
});

describe('the helper registry', () => {
  it('documents every helper: signature per overload, parameters, meaning, a compiling example', () => {
    const defined = new Set(celEnvironment.getDefinitions().functions.map((f) => f.name));
    for (const h of CEL_HELPERS) {
      expect(defined.has(h.name), h.name).toBe(true);
      expect(h.description.length, h.name).toBeGreaterThan(20);
      for (const o of h.overloads) {
        expect(o.length, helperSignature(h, o)).toBe(h.params.length);
      }
      expect(compileCel(h.example), h.example).toMatchObject({ ok: true, mode: 'compiled' });
    }
    expect(CEL_HELPERS.map((h) => h.name)).toStrictEqual(['selects', 'inCIDR', 'unique']);
  });

  it('generates the reference page from the registries', () => {
    const md = celLibraryMarkdown();
    for (const h of CEL_HELPERS) for (const o of h.overloads) expect(md).toContain(helperSignature(h, o));
    for (const v of CEL_VARIABLES) expect(md).toContain(`\`${v.name}\``);
  });
});

describe('toCelValue / fromCelValue', () => {
  it('turns JSON integers into CEL ints and back', () => {
    const json = { port: 80, time: 2.5, list: [1, 'a', null, true], nested: { n: -3 } };
    const v = toCelValue(json);
    expect(v).toStrictEqual({ port: 80n, time: 2.5, list: [1n, 'a', null, true], nested: { n: -3n } });
    expect(fromCelValue(v)).toStrictEqual(json);
  });
});
