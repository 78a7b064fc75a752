// Cases follow TestValidateNode / TestValidateNodeUpdate in kubernetes/kubernetes
// pkg/apis/core/validation/validation_test.go (restated with our own data).
import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../../model/k8s/field-errors.ts';
import type { Node } from '../../../model/k8s/objects.ts';
import { defaultNode } from '../../../model/k8s/defaults.ts';
import { validateNode } from '../../../model/k8s/validation/node.ts';

const node = (name = 'node-1', addresses = [{ type: 'InternalIP', address: '192.168.0.10' }]): Node =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses } });
const msgs = (n: Node, old?: Node) => validateNode(n, old).map(formatFieldError);

describe('validateNode', () => {
  it('accepts a node with a subdomain name', () => {
    expect(msgs(node('node-1.example.com'))).toEqual([]);
  });

  it('requires a name, as a DNS-1123 subdomain', () => {
    expect(msgs(node(''))).toEqual(['metadata.name: Required value: name or generateName is required']);
    expect(msgs(node('Node_1'))[0]).toMatch(/^metadata\.name: Invalid value: "Node_1": a lowercase RFC 1123 subdomain/);
  });

  it('forbids a namespace on this cluster-scoped kind; defaulting drops one', () => {
    const n = { ...node(), metadata: { name: 'node-1', namespace: 'default' } };
    expect(msgs(n)).toEqual(['metadata.namespace: Forbidden: not allowed on this type']);
    expect(msgs(defaultNode(n))).toEqual([]);
  });

  it('refuses repeated status addresses on update', () => {
    const twice = node('node-1', [{ type: 'InternalIP', address: '192.168.0.10' }, { type: 'InternalIP', address: '192.168.0.10' }]);
    expect(msgs(twice, node())).toEqual(['status.addresses[1]: Duplicate value: core.NodeAddress{Type:"InternalIP", Address:"192.168.0.10"}']);
  });
});
