// Vectors restate kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/validation/validation_test.go
// (TestIsDNS1123Label, TestIsDNS1123Subdomain, TestIsDNS1035Label, TestIsValidPortName, TestIsQualifiedName,
// TestIsValidLabelValue) and ip_test.go.
import { describe, expect, it } from 'vitest';
import {
  isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, parseIP,
} from '../../../model/k8s/validation/names.ts';

describe('DNS names', () => {
  it('accepts and rejects DNS-1123 labels', () => {
    for (const ok of ['a', 'ab', 'a-b', '0', '1-a', 'a'.repeat(63)]) expect(isDNS1123Label(ok)).toEqual([]);
    for (const bad of ['', 'A', '-a', 'a-', 'a_b', 'a b']) expect(isDNS1123Label(bad)).toHaveLength(1);
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
  });

  it('accepts and rejects DNS-1123 subdomains', () => {
    for (const ok of ['a', 'a.b', 'kubia.example.com', '1.2.3']) expect(isDNS1123Subdomain(ok)).toEqual([]);
    for (const bad of ['', '.a', 'a.', 'a..b', 'A.b', 'a_b']) expect(isDNS1123Subdomain(bad)).toHaveLength(1);
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
  });

  it('requires a DNS-1035 label to start with a letter', () => {
    expect(isDNS1035Label('kubia')).toEqual([]);
    expect(isDNS1035Label('1-test')).toHaveLength(1);
  });
});

describe('labels', () => {
  it('checks qualified names with an optional prefix', () => {
    for (const ok of ['app', 'a.b_c-d', 'example.com/app', 'A1']) expect(isQualifiedName(ok)).toEqual([]);
    expect(isQualifiedName('/app')).toEqual(['prefix part must be non-empty']);
    expect(isQualifiedName('example.com/')).toEqual(['name part must be non-empty', expect.stringMatching(/^name part must consist of/)]);
    expect(isQualifiedName('a/b/c')[0]).toMatch(/^a valid label key must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
    expect(isQualifiedName('Example.com/app')[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
  });

  it('allows empty label values but not leading punctuation', () => {
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('v1.2_3')).toEqual([]);
    expect(isValidLabelValue('_x')).toHaveLength(1);
  });
});

describe('IANA service names', () => {
  it('reports every broken rule', () => {
    expect(isValidPortName('http')).toEqual([]);
    expect(isValidPortName('-')).toEqual(['must contain at least one letter (a-z)', 'must not begin or end with a hyphen']);
  });
});

describe('parseIP (Go sloppy parsing)', () => {
  it('parses IPv4, IPv6 and IPv4-in-IPv6, accepting leading zeros in IPv4', () => {
    expect(parseIP('10.0.0.1')?.slice(12)).toEqual([10, 0, 0, 1]);
    expect(parseIP('010.000.000.001')?.slice(12)).toEqual([10, 0, 0, 1]);
    expect(parseIP('2001:db8::1')).toHaveLength(16);
    expect(parseIP('::ffff:1.2.3.4')?.slice(12)).toEqual([1, 2, 3, 4]);
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['', '1.2.3', '1.2.3.256', '1::2::3', '1:2:3:4:5:6:7:8:9', '::1/128', 'fe80::1%eth0', 'None']) expect(parseIP(bad)).toBeNull();
  });
});
