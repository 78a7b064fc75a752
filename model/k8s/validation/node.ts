/**
 * Node validation. Source: KK pkg/apis/core/validation/validation.go (ValidateNode, ValidateNodeUpdate).
 * Nodes are cluster-scoped: a namespace is Forbidden (defaultNode drops one first, as the API server does).
 */
import type { FieldError } from '../field-errors.ts';
import type { Node } from '../objects.ts';
import { goSyntax, isDNS1123Subdomain } from './names.ts';
import { arr, obj, str, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';

export function validateNode(node: Node, old?: Node): FieldError[] {
  const errs: FieldError[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(node.metadata, old.metadata));
  errs.push(...validateObjectMeta(node.metadata, false, isDNS1123Subdomain));
  if (old) {
    // Only updates check status addresses for repeats; the value prints as Go's %#v of a NodeAddress.
    const seen = new Set<string>();
    arr(obj(node.status).addresses).map(obj).forEach((a, i) => {
      const key = `core.NodeAddress{Type:${JSON.stringify(str(a.type))}, Address:${JSON.stringify(str(a.address))}}`;
      if (seen.has(key)) errs.push({ type: 'Duplicate', field: `status.addresses[${i}]`, value: goSyntax(key) });
      seen.add(key);
    });
  }
  return errs;
}
