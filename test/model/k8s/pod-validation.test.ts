// Cases follow TestValidatePodSpec / TestValidateContainers / TestValidateProbe / TestValidatePodUpdate
// in kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (restated with our own data).
import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../../model/k8s/field-errors.ts';
import type { Container, Pod, PodSpec, Probe } from '../../../model/k8s/objects.ts';
import { defaultPod } from '../../../model/k8s/defaults.ts';
import { validatePod } from '../../../model/k8s/validation/pod.ts';

const ctr = (c: Partial<Container> = {}): Container => ({ name: 'kubia', image: 'luksa/kubia', ports: [{ containerPort: 8080 }], ...c });
function pod(spec: Partial<PodSpec> = {}, meta: Partial<Pod['metadata']> = {}): Pod {
  return defaultPod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kubia-1', labels: { app: 'kubia' }, ...meta }, spec: { containers: [ctr()], ...spec } });
}
const msgs = (p: Pod, old?: Pod) => validatePod(p, old).map(formatFieldError);
const withProbe = (kind: 'readinessProbe' | 'livenessProbe' | 'startupProbe', probe: Probe) => pod({ containers: [ctr({ [kind]: probe })] });
const C = 'spec.containers[0]';
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('validatePod: metadata', () => {
  it('accepts the seed kubia pod', () => {
    expect(msgs(pod())).toEqual([]);
  });

  it('requires a DNS-1123 subdomain name', () => {
    expect(msgs(pod({}, { name: 'Kubia_1' }))).toEqual([`metadata.name: Invalid value: "Kubia_1": ${SUBDOMAIN_MSG}`]);
  });

  it('checks label keys and values', () => {
    expect(msgs(pod({}, { labels: { app: 'x'.repeat(64) } }))).toEqual([`metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`]);
    expect(msgs(pod({}, { labels: { '/app': 'kubia' } }))).toEqual(['metadata.labels: Invalid value: "/app": prefix part must be non-empty']);
  });
});

describe('validatePod: containers', () => {
  it('requires at least one container', () => {
    expect(msgs(pod({ containers: [] }))).toEqual(['spec.containers: Required value']);
  });

  it('requires container names as unique DNS-1123 labels', () => {
    expect(msgs(pod({ containers: [ctr({ name: '' })] }))).toEqual([`${C}.name: Required value`]);
    expect(msgs(pod({ containers: [ctr({ name: 'Kubia' })] }))).toEqual([`${C}.name: Invalid value: "Kubia": ${LABEL_MSG}`]);
    expect(msgs(pod({ containers: [ctr(), ctr({ ports: [] })] }))).toEqual(['spec.containers[1].name: Duplicate value: "kubia"']);
  });

  it('requires an image without surrounding whitespace', () => {
    expect(msgs(pod({ containers: [ctr({ image: '' })] }))).toEqual([`${C}.image: Required value`]);
    expect(msgs(pod({ containers: [ctr({ image: ' luksa/kubia' })] }))).toEqual([`${C}.image: Invalid value: " luksa/kubia": must not have leading or trailing whitespace`]);
  });

  it('checks containerPort, hostPort and protocol', () => {
    expect(msgs(pod({ containers: [ctr({ ports: [{ containerPort: 0 }] })] }))).toEqual([`${C}.ports[0].containerPort: Required value`]);
    expect(msgs(pod({ containers: [ctr({ ports: [{ containerPort: 65536 }] })] }))).toEqual([
      `${C}.ports[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive`,
    ]);
    expect(msgs(pod({ containers: [ctr({ ports: [{ containerPort: 80, hostPort: 70000 }] })] }))).toEqual([
      `${C}.ports[0].hostPort: Invalid value: 70000: must be between 1 and 65535, inclusive`,
    ]);
    expect(msgs(pod({ containers: [ctr({ ports: [{ containerPort: 80, protocol: 'ICMP' as never }] })] }))).toEqual([
      `${C}.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"`,
    ]);
  });

  it('checks port names as IANA_SVC_NAME, unique within one container', () => {
    expect(msgs(pod({ containers: [ctr({ ports: [{ name: 'HTTP', containerPort: 80 }] })] }))).toEqual([
      `${C}.ports[0].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
      `${C}.ports[0].name: Invalid value: "HTTP": must contain at least one letter (a-z)`,
    ]);
    const twice = [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }];
    expect(msgs(pod({ containers: [ctr({ ports: twice })] }))).toEqual([`${C}.ports[1].name: Duplicate value: "http"`]);
    const acrossContainers = [ctr({ ports: [{ name: 'http', containerPort: 80 }] }), ctr({ name: 'side', ports: [{ name: 'http', containerPort: 81 }] })];
    expect(msgs(pod({ containers: acrossContainers }))).toEqual([]);
  });

  it('refuses two containers claiming the same host port', () => {
    const two = [ctr({ ports: [{ containerPort: 80, hostPort: 8080 }] }), ctr({ name: 'side', ports: [{ containerPort: 81, hostPort: 8080 }] })];
    expect(msgs(pod({ containers: two }))).toEqual(['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']);
  });

  it('checks env names (relaxed: printable ASCII except =)', () => {
    expect(msgs(pod({ containers: [ctr({ env: [{ name: 'A=B', value: '1' }] })] }))).toEqual([
      `${C}.env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    ]);
    expect(msgs(pod({ containers: [ctr({ env: [{ name: '', value: '1' }] })] }))).toEqual([`${C}.env[0].name: Required value`]);
  });

  it('forbids restartPolicy on a regular container', () => {
    expect(msgs(pod({ containers: [ctr({ restartPolicy: 'Always' })] }))).toEqual([`${C}.restartPolicy: Forbidden: may not be set for non-init containers`]);
  });

  it('forbids probes on init containers that are not sidecars', () => {
    const init = ctr({ name: 'init', ports: [], readinessProbe: { exec: { command: ['true'] } } });
    expect(msgs(pod({ initContainers: [init] }))).toEqual([
      'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    ]);
    expect(msgs(pod({ initContainers: [{ ...init, restartPolicy: 'Always' }] }))).toEqual([]);
  });
});

describe('validatePod: probes', () => {
  const R = `${C}.readinessProbe`;

  it('needs exactly one handler', () => {
    expect(msgs(withProbe('readinessProbe', {}))).toEqual([`${R}: Required value: must specify a handler type`]);
    expect(msgs(withProbe('readinessProbe', { exec: { command: ['true'] }, tcpSocket: { port: 8080 } }))).toEqual([
      `${R}.tcpSocket: Forbidden: may not specify more than 1 handler type`,
    ]);
  });

  it("checks each handler's fields", () => {
    expect(msgs(withProbe('readinessProbe', { exec: { command: [] } }))).toEqual([`${R}.exec.command: Required value`]);
    expect(msgs(withProbe('readinessProbe', { httpGet: { port: 'web--ui' } }))).toEqual([
      `${R}.httpGet.port: Invalid value: "web--ui": must not contain consecutive hyphens`,
    ]);
    expect(msgs(withProbe('readinessProbe', { httpGet: { port: 8080, scheme: 'FTP' } }))).toEqual([
      `${R}.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"`,
    ]);
    expect(msgs(withProbe('readinessProbe', { tcpSocket: { port: 70000 } }))).toEqual([
      `${R}.tcpSocket.port: Invalid value: 70000: must be between 1 and 65535, inclusive`,
    ]);
  });

  it('refuses negative timings (0 is defaulted)', () => {
    expect(msgs(withProbe('readinessProbe', { exec: { command: ['true'] }, periodSeconds: 0, initialDelaySeconds: -1, failureThreshold: -3 }))).toEqual([
      `${R}.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0`,
      `${R}.failureThreshold: Invalid value: -3: must be greater than or equal to 0`,
    ]);
  });

  it('requires successThreshold 1 for liveness and startup probes, not readiness', () => {
    const probe = { tcpSocket: { port: 8080 }, successThreshold: 2 };
    expect(msgs(withProbe('readinessProbe', probe))).toEqual([]);
    expect(msgs(withProbe('livenessProbe', probe))).toEqual([`${C}.livenessProbe.successThreshold: Invalid value: 2: must be 1`]);
    expect(msgs(withProbe('startupProbe', probe))).toEqual([`${C}.startupProbe.successThreshold: Invalid value: 2: must be 1`]);
  });
});

describe('validatePod: spec fields', () => {
  it('checks restartPolicy and dnsPolicy values', () => {
    expect(msgs(pod({ restartPolicy: 'Sometimes' as never }))).toEqual([
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
    expect(msgs(pod({ dnsPolicy: 'Cluster' as never }))).toEqual([
      'spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]);
  });

  it('requires dnsConfig with nameservers for dnsPolicy None', () => {
    expect(msgs(pod({ dnsPolicy: 'None' }))).toEqual(['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']);
    expect(msgs(pod({ dnsPolicy: 'None', dnsConfig: { searches: ['svc.cluster.local'] } }))).toEqual([
      'spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None',
    ]);
    expect(msgs(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['10.96.0.10'] } }))).toEqual([]);
  });

  it('checks nodeName, hostname and subdomain', () => {
    expect(msgs(pod({ nodeName: 'Node_1' }))).toEqual([`spec.nodeName: Invalid value: "Node_1": ${SUBDOMAIN_MSG}`]);
    expect(msgs(pod({ hostname: 'a.b', subdomain: 'kubia' }))).toEqual(['spec.hostname: Invalid value: "a.b": must not contain dots']);
  });

  it('requires hostPort == containerPort with host networking', () => {
    expect(msgs(pod({ hostNetwork: true }))).toEqual([]);
    expect(msgs(pod({ hostNetwork: true, containers: [ctr({ ports: [{ containerPort: 8080, hostPort: 9090 }] })] }))).toEqual([
      `${C}.ports[0].hostPort: Invalid value: 9090: must match \`containerPort\` when \`hostNetwork\` is true`,
    ]);
  });
});

describe('validatePod on update', () => {
  it('lets container images change', () => {
    expect(msgs(pod({ containers: [ctr({ image: 'luksa/kubia:v2' })] }), pod())).toEqual([]);
  });

  it('refuses adding or removing containers', () => {
    expect(msgs(pod({ containers: [ctr(), ctr({ name: 'side', ports: [] })] }), pod())).toEqual([
      'spec.containers: Forbidden: pod updates may not add or remove containers',
    ]);
  });

  it('refuses other spec changes with the API server message and a field diff', () => {
    const [msg, ...rest] = msgs(pod({ restartPolicy: 'Never' }), pod());
    expect(rest).toEqual([]);
    expect(msg).toBe('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,'
      + '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),'
      + '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'
      + '- restartPolicy: "Always"\n+ restartPolicy: "Never"');
  });
});
