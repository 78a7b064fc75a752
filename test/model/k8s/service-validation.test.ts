// Cases follow TestValidateServiceCreate / TestValidateServiceUpdate in kubernetes/kubernetes
// pkg/apis/core/validation/validation_test.go (restated with our own data); messages are those of
// validation.go as field-errors.ts renders them.
import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../../model/k8s/field-errors.ts';
import type { Service, ServiceSpec } from '../../../model/k8s/objects.ts';
import { defaultService } from '../../../model/k8s/defaults.ts';
import { validateService } from '../../../model/k8s/validation/service.ts';

/** A defaulted Service, as the API server validates it. */
function svc(spec: Partial<ServiceSpec> = {}, name = 'kubia'): Service {
  return defaultService({
    apiVersion: 'v1', kind: 'Service', metadata: { name },
    spec: { selector: { app: 'kubia' }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
  });
}
const msgs = (s: Service, old?: Service) => validateService(s, old).map(formatFieldError);
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const IP_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

describe('validateService: metadata and ports', () => {
  it('accepts the seed kubia Service', () => {
    expect(msgs(svc())).toEqual([]);
  });

  it('requires a DNS-1035 name (no leading digit, no upper case)', () => {
    const detail = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    expect(msgs(svc({}, '1-test'))).toEqual([`metadata.name: Invalid value: "1-test": ${detail}`]);
    expect(msgs(svc({}, 'Kubia'))).toEqual([`metadata.name: Invalid value: "Kubia": ${detail}`]);
  });

  it('requires ports unless headless or ExternalName', () => {
    expect(msgs(svc({ ports: [] }))).toEqual(['spec.ports: Required value']);
    expect(msgs(svc({ ports: [], clusterIP: 'None' }))).toEqual([]);
    expect(msgs(svc({ ports: [], type: 'ExternalName', externalName: 'db.example.com' }))).toEqual([]);
  });

  it('requires a name on every port of a multi-port Service, but not on a single port', () => {
    expect(msgs(svc({ ports: [{ port: 80, name: 'http' }, { port: 443 }] }))).toEqual(['spec.ports[1].name: Required value']);
  });

  it('checks port names as DNS-1123 labels and for uniqueness', () => {
    expect(msgs(svc({ ports: [{ port: 80, name: 'HTTP' }] }))).toEqual([`spec.ports[0].name: Invalid value: "HTTP": ${LABEL_MSG}`]);
    expect(msgs(svc({ ports: [{ port: 80, name: 'a.b' }] }))).toEqual(['spec.ports[0].name: Invalid value: "a.b": must not contain dots']);
    expect(msgs(svc({ ports: [{ port: 80, name: 'p' }, { port: 81, name: 'p' }] }))).toEqual(['spec.ports[1].name: Duplicate value: "p"']);
  });

  it('limits port to 1..65535', () => {
    expect(msgs(svc({ ports: [{ port: 65536, targetPort: 8080 }] }))).toEqual([
      'spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive',
    ]);
  });

  it('rejects unknown protocols with the sorted supported list', () => {
    expect(msgs(svc({ ports: [{ port: 80, protocol: 'HTTP' as never }] }))).toEqual([
      'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });

  it('rejects a repeated (protocol, port) pair, printed as the Go struct key', () => {
    expect(msgs(svc({ ports: [{ name: 'q', port: 12345, targetPort: 8080 }, { name: 'r', port: 12345, targetPort: 80 }] }))).toEqual([
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:12345, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]);
  });

  it('allows the same port number with TCP, UDP and SCTP', () => {
    const ports = (['TCP', 'UDP', 'SCTP'] as const).map((protocol, i) => ({ name: `p${i}`, port: 53, protocol }));
    expect(msgs(svc({ ports }))).toEqual([]);
  });

  it('checks a numeric targetPort as a port number', () => {
    expect(msgs(svc({ ports: [{ port: 80, targetPort: 65536 }] }))).toEqual([
      'spec.ports[0].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive',
    ]);
  });

  it('checks a named targetPort as IANA_SVC_NAME, one message per broken rule', () => {
    const t = (targetPort: string) => msgs(svc({ ports: [{ port: 80, targetPort }] }));
    expect(t('http')).toEqual([]);
    expect(t('a-very-long-port-name')).toEqual(['spec.ports[0].targetPort: Invalid value: "a-very-long-port-name": must be no more than 15 characters']);
    expect(t('web_port')).toEqual(['spec.ports[0].targetPort: Invalid value: "web_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']);
    expect(t('8080')).toEqual(['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)']);
    expect(t('a--b')).toEqual(['spec.ports[0].targetPort: Invalid value: "a--b": must not contain consecutive hyphens']);
    expect(t('-web')).toEqual(['spec.ports[0].targetPort: Invalid value: "-web": must not begin or end with a hyphen']);
  });

  it('checks appProtocol as a qualified name', () => {
    expect(msgs(svc({ ports: [{ port: 80, appProtocol: 'kubernetes.io/h2c' }] }))).toEqual([]);
    expect(msgs(svc({ ports: [{ port: 80, appProtocol: 'a/b/c' }] }))[0]).toMatch(/^spec\.ports\[0\]\.appProtocol: Invalid value: "a\/b\/c": a valid label key must consist/);
  });
});

describe('validateService: type, nodePorts and cluster IPs', () => {
  it('rejects an unknown type', () => {
    expect(msgs(svc({ type: 'Headless' as never }))).toEqual([
      'spec.type: Unsupported value: "Headless": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
  });

  it('forbids nodePort on a ClusterIP Service', () => {
    expect(msgs(svc({ ports: [{ port: 80, nodePort: 30080 }] }))).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
  });

  it('rejects a nodePort repeated for one protocol, allows it across protocols', () => {
    const dup = svc({ type: 'NodePort', ports: [{ name: 'q', port: 1, nodePort: 30001 }, { name: 'r', port: 2, nodePort: 30001 }] });
    expect(msgs(dup)).toEqual(['spec.ports[1].nodePort: Duplicate value: 30001']);
    const mixed = svc({ type: 'NodePort', ports: [{ name: 'q', port: 1, nodePort: 30001 }, { name: 'r', port: 2, protocol: 'UDP', nodePort: 30001 }] });
    expect(msgs(mixed)).toEqual([]);
  });

  it('requires externalName for ExternalName, a subdomain with an optional trailing dot', () => {
    expect(msgs(svc({ type: 'ExternalName' }))).toEqual(['spec.externalName: Required value']);
    expect(msgs(svc({ type: 'ExternalName', externalName: 'foo.bar.example.com.' }))).toEqual([]);
    expect(msgs(svc({ type: 'ExternalName', externalName: '-123' }))).toEqual([
      "spec.externalName: Invalid value: \"-123\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });

  it('forbids cluster IPs on ExternalName Services', () => {
    expect(msgs(svc({ type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.96.0.5' }))).toEqual([
      'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
    ]);
  });

  it('accepts "", "None" or an IP as clusterIP and rejects anything else', () => {
    expect(msgs(svc({ clusterIP: '' }))).toEqual([]);
    expect(msgs(svc({ clusterIP: '10.96.0.5' }))).toEqual([]);
    expect(msgs(svc({ clusterIP: '10.96.0' }))).toEqual([`spec.clusterIPs[0]: Invalid value: "10.96.0": ${IP_MSG}`]);
  });

  it('refuses a headless NodePort or LoadBalancer Service', () => {
    expect(msgs(svc({ type: 'NodePort', clusterIP: 'None' }))).toEqual([
      "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services",
    ]);
    expect(msgs(svc({ type: 'LoadBalancer', clusterIP: 'None' }))).toEqual([
      "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services",
    ]);
  });

  it('requires clusterIPs[0] to match clusterIP', () => {
    expect(msgs(svc({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.6'] }))).toEqual([
      'spec.clusterIPs: Invalid value: []string{"10.96.0.6"}: first value must match `clusterIP`',
    ]);
  });

  it('checks externalIPs and refuses special addresses', () => {
    expect(msgs(svc({ externalIPs: ['127.0.0.1'] }))).toEqual([
      'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]);
  });
});

describe('validateService: affinity, traffic policies, load balancers, selector', () => {
  it('rejects an unknown sessionAffinity', () => {
    expect(msgs(svc({ sessionAffinity: 'Cookie' as never }))).toEqual([
      'spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"',
    ]);
  });

  it('limits the ClientIP timeout to 1..86400 (inclusive, despite the wording)', () => {
    const t = (timeoutSeconds: number) => msgs(svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds } } }));
    expect(t(86400)).toEqual([]);
    expect(t(0)).toEqual(['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400']);
    expect(t(86401)).toEqual(['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400']);
  });

  it('forbids sessionAffinityConfig with affinity None (defaulting drops it, validation still guards)', () => {
    const s = svc();
    s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 60 } };
    expect(msgs(s)).toEqual(['spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None']);
  });

  it('allows externalTrafficPolicy only on externally-accessible Services', () => {
    expect(msgs(svc({ externalTrafficPolicy: 'Local' }))).toEqual([
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    ]);
    expect(msgs(svc({ type: 'NodePort', externalTrafficPolicy: 'Local' }))).toEqual([]);
    expect(msgs(svc({ type: 'NodePort', externalTrafficPolicy: 'Global' as never }))).toEqual([
      'spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"',
    ]);
  });

  it('allows healthCheckNodePort only for LoadBalancer with Local policy', () => {
    expect(msgs(svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 }))).toEqual([]);
    expect(msgs(svc({ type: 'NodePort', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 }))).toEqual([
      "spec.healthCheckNodePort: Invalid value: 31000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
    ]);
    expect(msgs(svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: -1 }))).toEqual([
      'spec.healthCheckNodePort: Invalid value: -1: must be between 1 and 65535, inclusive',
    ]);
  });

  it('rejects an unknown internalTrafficPolicy', () => {
    expect(msgs(svc({ internalTrafficPolicy: 'Node' as never }))).toEqual([
      'spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"',
    ]);
  });

  it('allows allocateLoadBalancerNodePorts, loadBalancerSourceRanges and loadBalancerClass only on LoadBalancer', () => {
    expect(msgs(svc({ type: 'NodePort', allocateLoadBalancerNodePorts: false }))).toEqual([
      "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ]);
    expect(msgs(svc({ loadBalancerSourceRanges: ['10.0.0.0/8'] }))).toEqual([
      "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ]);
    expect(msgs(svc({ type: 'LoadBalancer', loadBalancerSourceRanges: ['1.2.3.4/33'] }))).toEqual([
      'spec.LoadBalancerSourceRanges[0]: Invalid value: "1.2.3.4/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
    expect(msgs(svc({ loadBalancerClass: 'example.com/lb' }))).toEqual([
      "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ]);
  });

  it('checks selector keys and values as labels', () => {
    expect(msgs(svc({ selector: { app: '-kubia' } }))).toEqual([
      "spec.selector: Invalid value: \"-kubia\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });
});

describe('validateService on update', () => {
  const stored = (spec: Partial<ServiceSpec> = {}) => svc({ clusterIP: '10.96.0.5', ...spec });

  it('keeps a set clusterIP: a different one may not change once set', () => {
    expect(msgs(stored({ clusterIP: '10.96.0.6' }), stored())).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set',
    ]);
    expect(msgs(stored(), stored())).toEqual([]);
  });

  it('lets an unallocated clusterIP be set', () => {
    expect(msgs(stored(), svc())).toEqual([]);
  });

  it('keeps the IP across ClusterIP -> NodePort -> LoadBalancer, and refuses a new one', () => {
    expect(msgs(stored({ type: 'NodePort' }), stored())).toEqual([]);
    expect(msgs(stored({ type: 'LoadBalancer' }), stored({ type: 'NodePort' }))).toEqual([]);
    expect(msgs(stored({ type: 'NodePort', clusterIP: '10.96.0.6' }), stored())).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set',
    ]);
  });

  it('exempts changes to and from ExternalName', () => {
    expect(msgs(svc({ type: 'ExternalName', externalName: 'db.example.com' }), stored())).toEqual([]);
    expect(msgs(stored({ clusterIP: '10.96.0.9' }), svc({ type: 'ExternalName', externalName: 'db.example.com' }))).toEqual([]);
  });

  it('treats headless <-> non-headless as a change of clusterIPs[0]', () => {
    expect(msgs(stored(), svc({ clusterIP: 'None' }))).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.5"}: may not change once set',
    ]);
  });

  it('refuses unsetting the primary IP when the caller did not copy it', () => {
    expect(msgs(svc(), stored())).toEqual(['spec.clusterIPs[0]: Invalid value: []string(nil): primary clusterIP can not be unset']);
  });

  it('keeps healthCheckNodePort while it is needed', () => {
    const lb = (healthCheckNodePort: number) => stored({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort });
    expect(msgs(lb(31001), lb(31000))).toEqual(['spec.healthCheckNodePort: Forbidden: field is immutable']);
    expect(msgs(lb(31000), lb(31000))).toEqual([]);
  });

  it('keeps loadBalancerClass on a LoadBalancer', () => {
    const lb = (loadBalancerClass: string) => stored({ type: 'LoadBalancer', loadBalancerClass });
    expect(msgs(lb('example.com/b'), lb('example.com/a'))).toEqual([
      'spec.loadBalancerClass: Invalid value: "example.com/b": may not change once set',
    ]);
  });
});
