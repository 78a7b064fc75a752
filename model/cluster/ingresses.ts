/**
 * Ingress and IngressClass storage. An Ingress gets an address only when an installed controller
 * serves its class (docs/semantics.md A3.4): the ingress-address machine says when, model/cluster/ingress.ts
 * says which controller serves it. A controller's address is the first node's IP (a bare-metal
 * ingress-nginx exposed on the nodes) or, with a cloud, a load-balancer address.
 */
import { tables } from '../machines/index.ts';
import type { ApiError } from '../k8s/field-errors.ts';
import type { Ingress, IngressClass } from '../k8s/objects.ts';
import type { Draft } from './draft.ts';
import { formatIPv4 } from './ip.ts';
import { isServed } from './ingress.ts';
import type { IngressRecord } from './state.ts';

function controllerAddress(d: Draft): string {
  if (d.config.cloudLoadBalancer) return formatIPv4(d.config.loadBalancerCIDR.base + d.config.loadBalancerCIDR.size - 2);
  return d.config.nodes[0] ? d.nodes.get(d.config.nodes[0].name)?.ip ?? '' : [...d.nodes.values()][0]?.ip ?? '';
}

function syncAddress(d: Draft, rec: IngressRecord): IngressRecord {
  const served = isServed(rec.object, [...d.ingressClasses.values()], [...d.config.ingressControllers]);
  const step = tables.ingress.next(rec.machine, { type: 'SYNC', served });
  let address = rec.address;
  if (step.actions.includes('assignAddress')) address = controllerAddress(d);
  if (step.actions.includes('clearAddress')) address = undefined;
  const status = address ? { loadBalancer: { ingress: [{ ip: address }] } } : { loadBalancer: {} };
  return { ...rec, machine: step.snap, address, object: { ...rec.object, status } };
}

export function storeIngress(d: Draft, key: string, ing: Ingress): Ingress {
  const old = d.ingresses.get(key);
  const rec = syncAddress(d, { key, object: ing, machine: old?.machine ?? tables.ingress.initial(), address: old?.address });
  d.ingresses = d.ingresses.set(key, rec);
  return rec.object;
}

export function deleteIngress(d: Draft, key: string): ApiError | undefined {
  const rec = d.ingresses.get(key);
  // The machine ends with the object (its address goes with it).
  if (rec) tables.ingress.next(rec.machine, { type: 'DELETE' });
  d.ingresses = d.ingresses.delete(key);
  return undefined;
}

/** A class change can give or take addresses of every Ingress (there are few). */
function resyncAll(d: Draft): void {
  for (const rec of [...d.ingresses.values()]) d.ingresses = d.ingresses.set(rec.key, syncAddress(d, rec));
}

export function storeIngressClass(d: Draft, key: string, cls: IngressClass): IngressClass {
  d.ingressClasses = d.ingressClasses.set(key, cls);
  resyncAll(d);
  return cls;
}

export function deleteIngressClass(d: Draft, key: string): ApiError | undefined {
  d.ingressClasses = d.ingressClasses.delete(key);
  resyncAll(d);
  return undefined;
}
