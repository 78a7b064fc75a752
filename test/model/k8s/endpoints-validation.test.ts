// Cases follow TestValidateEndpointsCreate / TestValidateEndpointsUpdate in kubernetes/kubernetes
// pkg/apis/core/validation/validation_test.go (restated with our own data); docs/semantics.md B1.7.
import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../../model/k8s/field-errors.ts';
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints } from '../../../model/k8s/objects.ts';
import { defaultEndpoints } from '../../../model/k8s/defaults.ts';
import { validateEndpoints } from '../../../model/k8s/validation/endpoints.ts';

function ep(subsets: EndpointSubset[], name = 'external-service'): Endpoints {
  return defaultEndpoints({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name }, subsets });
}
const one = (addr: Partial<EndpointAddress>, ports: EndpointPort[] = [{ port: 80 }]) => ep([{ addresses: [{ ip: '11.11.11.11', ...addr }], ports }]);
const msgs = (e: Endpoints, old?: Endpoints) => validateEndpoints(e, old).map(formatFieldError);
const A = 'subsets[0].addresses[0]';

describe('validateEndpoints', () => {
  it("accepts the seed's manual Endpoints for a selectorless Service", () => {
    expect(msgs(ep([{ addresses: [{ ip: '11.11.11.11' }, { ip: '22.22.22.22' }], ports: [{ port: 80 }] }]))).toEqual([]);
  });

  it('requires a subdomain name', () => {
    expect(msgs(ep([], 'External'))[0]).toMatch(/^metadata\.name: Invalid value: "External": a lowercase RFC 1123 subdomain/);
  });

  it('needs addresses or notReadyAddresses in every subset, but ports are optional', () => {
    expect(msgs(ep([{ ports: [{ port: 80 }] }]))).toEqual(['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']);
    expect(msgs(ep([{ notReadyAddresses: [{ ip: '10.244.1.5' }] }]))).toEqual([]);
  });

  it('reports an unparsable IP twice, as the API server does', () => {
    expect(msgs(one({ ip: '11.11.11' }))).toEqual([
      `${A}.ip: Invalid value: "11.11.11": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
      `${A}.ip: Invalid value: "11.11.11": must be a valid IP address`,
    ]);
  });

  it('refuses unspecified, loopback and link-local addresses (IPv4 and IPv6)', () => {
    const m = (ip: string) => msgs(one({ ip }));
    expect(m('0.0.0.0')).toEqual([`${A}.ip: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)`]);
    expect(m('::')).toEqual([`${A}.ip: Invalid value: "::": may not be unspecified (::)`]);
    expect(m('127.0.0.1')).toEqual([`${A}.ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)`]);
    expect(m('::1')).toEqual([`${A}.ip: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)`]);
    expect(m('169.254.169.254')).toEqual([`${A}.ip: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)`]);
    expect(m('fe80::1')).toEqual([`${A}.ip: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)`]);
    expect(m('224.0.0.251')).toEqual([`${A}.ip: Invalid value: "224.0.0.251": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)`]);
    expect(m('ff02::fb')).toEqual([`${A}.ip: Invalid value: "ff02::fb": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)`]);
    expect(m('2001:db8::10')).toEqual([]);
  });

  it('checks hostname as a label and nodeName as a subdomain', () => {
    expect(msgs(one({ hostname: 'a.b' }))).toEqual([`${A}.hostname: Invalid value: "a.b": must not contain dots`]);
    expect(msgs(one({ nodeName: 'Node_1' }))[0]).toMatch(/^subsets\[0\]\.addresses\[0\]\.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain/);
  });

  it('checks not-ready addresses under their own path', () => {
    expect(msgs(ep([{ notReadyAddresses: [{ ip: '127.0.0.2' }] }]))).toEqual([
      'subsets[0].notReadyAddresses[0].ip: Invalid value: "127.0.0.2": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]);
  });

  it('requires port names when a subset has several ports', () => {
    expect(msgs(one({}, [{ port: 80 }, { port: 443 }]))).toEqual(['subsets[0].ports[0].name: Required value', 'subsets[0].ports[1].name: Required value']);
    expect(msgs(one({}, [{ name: 'http', port: 80 }, { name: 'https', port: 443 }]))).toEqual([]);
    expect(msgs(one({}, [{ name: 'HTTP', port: 80 }]))[0]).toMatch(/^subsets\[0\]\.ports\[0\]\.name: Invalid value: "HTTP": a lowercase RFC 1123 label/);
  });

  it('checks port range and protocol', () => {
    expect(msgs(one({}, [{ port: 0 }]))).toEqual(['subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive']);
    expect(msgs(one({}, [{ port: 80, protocol: 'HTTP' as never }]))).toEqual([
      'subsets[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });

  it('lets an update move an address to another node (current code; old releases refused)', () => {
    expect(msgs(one({ nodeName: 'node-2' }), one({ nodeName: 'node-1' }))).toEqual([]);
  });
});
