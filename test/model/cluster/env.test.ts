import { describe, expect, it } from 'vitest';
import type { Container, Pod, Service, ServicePort } from '../../../model/k8s/objects.ts';
import {
  containerEnvironment,
  expand,
  hasClusterIP,
  serviceEnvironment,
  serviceEnvironmentChoices,
  serviceLinkVariables,
} from '../../../model/cluster/env.ts';

function svc(name: string, clusterIP: string, ports: ServicePort[], namespace = 'default'): Service {
  return { kind: 'Service', metadata: { name, namespace }, spec: { clusterIP, ports } };
}
const tcp = (port: number, name?: string): ServicePort => ({ port, protocol: 'TCP', ...(name ? { name } : {}) });

/** The seven variables every single-port Service yields, in envvars.go order. */
function block(prefix: string, ip: string, port: number, proto = 'tcp'): Array<[string, string]> {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  const P = proto.toUpperCase();
  return [
    [`${prefix}_PORT_${port}_${P}`, `${proto}://${host}:${port}`],
    [`${prefix}_PORT_${port}_${P}_PROTO`, proto],
    [`${prefix}_PORT_${port}_${P}_PORT`, String(port)],
    [`${prefix}_PORT_${port}_${P}_ADDR`, ip],
  ];
}

describe('serviceLinkVariables (pkg/kubelet/envvars/envvars_test.go TestFromServices)', () => {
  // The upstream fixture, in its order; the two Services without a cluster IP yield nothing.
  const fixture: Service[] = [
    svc('foo-bar', '1.2.3.4', [tcp(8080)]),
    svc('abc-123', '5.6.7.8', [{ name: 'u-d-p', port: 8081, protocol: 'UDP' }, { name: 't-c-p', port: 8081, protocol: 'TCP' }]),
    svc('q-u-u-x', '9.8.7.6', [tcp(8082), tcp(8083, '8083')]),
    svc('svrc-clusterip-none', 'None', [tcp(8082)]),
    svc('svrc-clusterip-empty', '', [tcp(8082)]),
    svc('super-ipv6', '2001:DB8::', [{ name: 'u-d-p', port: 8084, protocol: 'UDP' }, { name: 't-c-p', port: 8084, protocol: 'TCP' }]),
    svc('sctp-1', '1.2.3.4', [{ port: 777, protocol: 'SCTP' }]),
  ];

  it('reproduces the upstream list exactly, in order', () => {
    const got = fixture.filter(hasClusterIP).flatMap(serviceLinkVariables);
    const want: Array<[string, string]> = [
      ['FOO_BAR_SERVICE_HOST', '1.2.3.4'], ['FOO_BAR_SERVICE_PORT', '8080'], ['FOO_BAR_PORT', 'tcp://1.2.3.4:8080'],
      ...block('FOO_BAR', '1.2.3.4', 8080),
      ['ABC_123_SERVICE_HOST', '5.6.7.8'], ['ABC_123_SERVICE_PORT', '8081'],
      ['ABC_123_SERVICE_PORT_U_D_P', '8081'], ['ABC_123_SERVICE_PORT_T_C_P', '8081'],
      ['ABC_123_PORT', 'udp://5.6.7.8:8081'], ...block('ABC_123', '5.6.7.8', 8081, 'udp'), ...block('ABC_123', '5.6.7.8', 8081),
      ['Q_U_U_X_SERVICE_HOST', '9.8.7.6'], ['Q_U_U_X_SERVICE_PORT', '8082'], ['Q_U_U_X_SERVICE_PORT_8083', '8083'],
      ['Q_U_U_X_PORT', 'tcp://9.8.7.6:8082'], ...block('Q_U_U_X', '9.8.7.6', 8082), ...block('Q_U_U_X', '9.8.7.6', 8083),
      ['SUPER_IPV6_SERVICE_HOST', '2001:DB8::'], ['SUPER_IPV6_SERVICE_PORT', '8084'],
      ['SUPER_IPV6_SERVICE_PORT_U_D_P', '8084'], ['SUPER_IPV6_SERVICE_PORT_T_C_P', '8084'],
      ['SUPER_IPV6_PORT', 'udp://[2001:DB8::]:8084'], ...block('SUPER_IPV6', '2001:DB8::', 8084, 'udp'), ...block('SUPER_IPV6', '2001:DB8::', 8084),
      ['SCTP_1_SERVICE_HOST', '1.2.3.4'], ['SCTP_1_SERVICE_PORT', '777'], ['SCTP_1_PORT', 'sctp://1.2.3.4:777'],
      ...block('SCTP_1', '1.2.3.4', 777, 'sctp'),
    ];
    expect(got).toEqual(want);
  });

  it('brackets IPv6 only in the URL forms', () => {
    const vars = Object.fromEntries(serviceLinkVariables(fixture[5]!));
    expect(vars.SUPER_IPV6_SERVICE_HOST).toBe('2001:DB8::');
    expect(vars.SUPER_IPV6_PORT_8084_TCP_ADDR).toBe('2001:DB8::');
    expect(vars.SUPER_IPV6_PORT_8084_TCP).toBe('tcp://[2001:DB8::]:8084');
  });

  it('gives the docs example redis-primary exactly seven variables', () => {
    const vars = serviceLinkVariables(svc('redis-primary', '10.0.0.11', [tcp(6379)]));
    expect(Object.fromEntries(vars)).toEqual({
      REDIS_PRIMARY_SERVICE_HOST: '10.0.0.11',
      REDIS_PRIMARY_SERVICE_PORT: '6379',
      REDIS_PRIMARY_PORT: 'tcp://10.0.0.11:6379',
      REDIS_PRIMARY_PORT_6379_TCP: 'tcp://10.0.0.11:6379',
      REDIS_PRIMARY_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_PRIMARY_PORT_6379_TCP_PORT: '6379',
      REDIS_PRIMARY_PORT_6379_TCP_ADDR: '10.0.0.11',
    });
    expect(vars).toHaveLength(7);
  });

  it('treats a missing protocol as TCP', () => {
    const vars = Object.fromEntries(serviceLinkVariables(svc('x', '10.0.0.1', [{ port: 80 }])));
    expect(vars.X_PORT).toBe('tcp://10.0.0.1:80');
    expect(vars.X_PORT_80_TCP_PROTO).toBe('tcp');
  });
});

describe('serviceEnvironment (kubelet_pods.go getServiceEnvVarMap)', () => {
  // The fixture of kubelet_pods_test.go TestMakeEnvironmentVariables, one port each.
  const services = [
    svc('kubernetes', '1.2.3.1', [tcp(8081)], 'default'),
    svc('test', '1.2.3.3', [tcp(8083)], 'test1'),
    svc('kubernetes', '1.2.3.4', [tcp(8084)], 'test2'),
    svc('test', '1.2.3.5', [tcp(8085)], 'test2'),
    svc('test', 'None', [tcp(8085)], 'test2'),
    svc('test', '', [tcp(8085)], 'test2'),
    svc('not-special', '1.2.3.8', [tcp(8088)], 'default'),
    svc('not-special', 'None', [tcp(8088)], 'default'),
    svc('not-special', '', [tcp(8088)], 'default'),
  ];
  const hosts = (env: Record<string, string>) =>
    Object.fromEntries(Object.entries(env).filter(([k]) => k.endsWith('_SERVICE_HOST')));

  it('gives only the master service when service links are off', () => {
    expect(hosts(serviceEnvironment(services, 'test1', false))).toEqual({ KUBERNETES_SERVICE_HOST: '1.2.3.1' });
  });
  it('adds every Service of the pod namespace when links are on', () => {
    expect(hosts(serviceEnvironment(services, 'test1', true))).toEqual({ KUBERNETES_SERVICE_HOST: '1.2.3.1', TEST_SERVICE_HOST: '1.2.3.3' });
  });
  it('lets the pod namespace kubernetes Service win when links are on', () => {
    const env = serviceEnvironment(services, 'test2', true);
    expect(hosts(env)).toEqual({ KUBERNETES_SERVICE_HOST: '1.2.3.4', TEST_SERVICE_HOST: '1.2.3.5' });
    expect(env.KUBERNETES_PORT).toBe('tcp://1.2.3.4:8084');
  });
  it('keeps default/kubernetes when links are off, even if the pod namespace has its own', () => {
    expect(hosts(serviceEnvironment(services, 'test2', false))).toEqual({ KUBERNETES_SERVICE_HOST: '1.2.3.1' });
  });
  it('does not give other default-namespace Services to pods elsewhere', () => {
    expect(serviceEnvironment(services, 'test1', true)).not.toHaveProperty('NOT_SPECIAL_SERVICE_HOST');
  });
  it('gives a default-namespace pod its namespace Services with links on', () => {
    expect(hosts(serviceEnvironment(services, 'default', true))).toEqual({ KUBERNETES_SERVICE_HOST: '1.2.3.1', NOT_SPECIAL_SERVICE_HOST: '1.2.3.8' });
    expect(hosts(serviceEnvironment(services, 'default', false))).toEqual({ KUBERNETES_SERVICE_HOST: '1.2.3.1' });
  });
  it('skips headless and ExternalName Services', () => {
    const ext: Service = { kind: 'Service', metadata: { name: 'ext', namespace: 'a' }, spec: { type: 'ExternalName', externalName: 'example.com', clusterIP: '' } };
    const env = serviceEnvironment([svc('headless', 'None', [tcp(80)], 'a'), ext], 'a', true);
    expect(env).toEqual({});
  });
  it('gives the kubia pod KUBIA_SERVICE_HOST and KUBIA_SERVICE_PORT (seed)', () => {
    const kubia = svc('kubia', '10.111.249.153', [tcp(80, 'http'), tcp(443, 'https')]);
    const api = svc('kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]);
    const env = serviceEnvironment([api, kubia], 'default', true);
    expect(env).toMatchObject({
      KUBIA_SERVICE_HOST: '10.111.249.153', KUBIA_SERVICE_PORT: '80', KUBIA_SERVICE_PORT_HTTP: '80', KUBIA_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', KUBERNETES_SERVICE_PORT_HTTPS: '443',
    });
  });
  it('resolves a collision by name order, first wins, and lists both values as allowed (A4.11)', () => {
    const x = svc('x', '10.0.0.1', [tcp(80)], 'a');
    const longer = svc('x-port-80-tcp', '10.0.0.2', [tcp(9090)], 'a');
    for (const order of [[x, longer], [longer, x]]) {
      expect(serviceEnvironment(order, 'a', true).X_PORT_80_TCP_PORT).toBe('80');
    }
    expect(serviceEnvironmentChoices([longer, x], 'a', true).X_PORT_80_TCP_PORT).toEqual(['80', 'tcp://10.0.0.2:9090']);
  });
});

describe('expand (third_party/forked/golang/expansion expand_test.go)', () => {
  const ctx: Record<string, string> = { VAR_A: 'A', VAR_B: 'B', VAR_C: 'C', VAR_REF: '$(VAR_A)', VAR_EMPTY: '' };
  const look = (n: string) => (n in ctx ? ctx[n] : undefined);
  it.each([
    ['$(VAR_A)', 'A'],
    ['$(VAR_A)-$(VAR_A)', 'A-A'],
    ['___$(VAR_B)___', '___B___'],
    ['$(VAR_A)_$(VAR_B)_$(VAR_C)', 'A_B_C'],
    ['$$(VAR_B)_$(VAR_A)', '$(VAR_B)_A'],
    ['f000-$$VAR_A', 'f000-$VAR_A'],
    ['foo\\$(VAR_C)bar', 'foo\\Cbar'],
    ['$(VAR_A$(VAR_B))', '$(VAR_A$(VAR_B))'],
    ['$(VAR_REF)', '$(VAR_A)'],
    ['foo$(VAR_EMPTY)bar', 'foobar'],
    ['foo$(VAR_Awhoops!', 'foo$(VAR_Awhoops!'],
    ['$?_boo_$!', '$?_boo_$!'],
    ['$VAR_A', '$VAR_A'],
    ['$(VAR_DNE)', '$(VAR_DNE)'],
    ['$$$$$$(BIG_MONEY)', '$$$(BIG_MONEY)'],
    ['$$$$$$$(VAR_A)', '$$$A'],
    ['${VAR_A}', '${VAR_A}'],
    ['$(VAR_B)_______$(A', 'B_______$(A'],
    ['$(VAR_A)foobarzab$', 'Afoobarzab$'],
    ['--$($($($($--', '--$($($($($--'],
    ['$(foo$$var)', '$(foo$$var)'],
  ])('%s → %s', (input, want) => {
    expect(expand(input, look)).toBe(want);
  });
});

describe('containerEnvironment (kubelet_pods.go makeEnvironmentVariables)', () => {
  const serviceEnv = serviceEnvironment([svc('test', '1.2.3.3', [tcp(8083)], 'test1'), svc('kubernetes', '1.2.3.1', [tcp(8081)])], 'test1', true);
  const pod: Pod = { kind: 'Pod', metadata: { name: 'dapi-test-pod-name', namespace: 'test1' }, spec: { containers: [], nodeName: 'node-name' }, status: { podIP: '1.2.3.4' } };
  const c = (env: Container['env']): Container => ({ name: 'c', env });

  it('expands references to earlier user variables and service variables, not later ones', () => {
    const env = containerEnvironment(c([
      { name: 'TEST_LITERAL', value: 'test-test-test' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'OUT_OF_ORDER_TEST', value: '$(OUT_OF_ORDER_TARGET)' },
      { name: 'OUT_OF_ORDER_TARGET', value: 'FOO' },
      { name: 'EMPTY_VAR' },
      { name: 'EMPTY_TEST', value: 'foo-$(EMPTY_VAR)' },
      { name: 'POD_NAME_TEST2', value: 'test2-$(POD_NAME)' },
      { name: 'POD_NAME_TEST3', value: '$(POD_NAME_TEST2)-3' },
      { name: 'LITERAL_TEST', value: 'literal-$(TEST_LITERAL)' },
      { name: 'SERVICE_VAR_TEST', value: '$(TEST_SERVICE_HOST):$(TEST_SERVICE_PORT)' },
      { name: 'TEST_UNDEFINED', value: '$(UNDEFINED_VAR)' },
    ]), serviceEnv, pod);
    expect(env).toMatchObject({
      POD_NAME: 'dapi-test-pod-name',
      OUT_OF_ORDER_TEST: '$(OUT_OF_ORDER_TARGET)', OUT_OF_ORDER_TARGET: 'FOO',
      EMPTY_VAR: '', EMPTY_TEST: 'foo-',
      POD_NAME_TEST2: 'test2-dapi-test-pod-name', POD_NAME_TEST3: 'test2-dapi-test-pod-name-3',
      LITERAL_TEST: 'literal-test-test-test', SERVICE_VAR_TEST: '1.2.3.3:8083', TEST_UNDEFINED: '$(UNDEFINED_VAR)',
      TEST_SERVICE_HOST: '1.2.3.3', KUBERNETES_SERVICE_HOST: '1.2.3.1',
    });
  });
  it('lets a user variable override the service variable of the same name', () => {
    const env = containerEnvironment(c([{ name: 'TEST_SERVICE_HOST', value: 'mine' }, { name: 'X', value: '$(TEST_SERVICE_HOST)' }]), serviceEnv);
    expect(env.TEST_SERVICE_HOST).toBe('mine');
    expect(env.X).toBe('mine');
    expect(env.TEST_SERVICE_PORT).toBe('8083');
  });
  it('keeps $$ as an escape for a literal $(…)', () => {
    expect(containerEnvironment(c([{ name: 'X', value: '$$(TEST_SERVICE_HOST)' }]), serviceEnv).X).toBe('$(TEST_SERVICE_HOST)');
  });
  it('skips valueFrom it cannot resolve (ConfigMap/Secret, or no pod given)', () => {
    const env = containerEnvironment(c([
      { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'USE', value: '$(FROM_CM)' },
    ]), {});
    expect(env).toEqual({ USE: '$(FROM_CM)' });
  });
  it('resolves downward API fields from the pod', () => {
    const env = containerEnvironment(c([
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ]), {}, pod);
    expect(env).toEqual({ NS: 'test1', NODE: 'node-name', IP: '1.2.3.4' });
  });
});
