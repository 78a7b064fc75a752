/**
 * The cluster state: API objects as stored, plus what only the simulated kubelet, controllers
 * and proxies know. Immutable throughout (persistent maps), so `step` can return a new state
 * that shares everything it did not touch.
 */
import type { Endpoints, Ingress, IngressClass, Pod, Protocol, ReplicationController, Service } from '../k8s/objects.ts';
import type { IngressTable, MembershipTable, PodTable, ProbeTable, ServiceTable } from '../machines/index.ts';
import type { Config } from './config.ts';
import { PMap } from './pmap.ts';
import type { Timers } from './timers.ts';

export type PodSnap = ReturnType<PodTable['initial']>;
export type ProbeSnap = ReturnType<ProbeTable['initial']>;
export type ServiceSnap = ReturnType<ServiceTable['initial']>;
export type MembershipSnap = ReturnType<MembershipTable['initial']>;
export type IngressSnap = ReturnType<IngressTable['initial']>;

/** One container as the kubelet runs it. */
export interface ContainerRuntime {
  readonly name: string;
  /** The readiness machine's state; absent when the container has no readiness probe. */
  readonly readiness?: ProbeSnap;
  readonly running: boolean;
  /** Whether the app accepts connections (tcpSocket/httpGet probes and traffic follow it). */
  readonly listening: boolean;
  /** What `probe` set: the exec handler's result (the seed's /var/ready), or a forced httpGet/tcp failure. */
  readonly forced?: 'success' | 'failure';
  readonly startedAt: number;
  /** The cluster's sequence number when the container started: which Services existed then. */
  readonly startedSeq: number;
  readonly restartCount: number;
  readonly lastExitCode?: number;
  /**
   * The Services the kubelet knew when this container started (a persistent map, so keeping it
   * costs nothing): its environment is built from them (docs/semantics.md A1.3 rule 6).
   */
  readonly servicesAtStart: PMap<ServiceRecord>;
}

/** What the API shows of a pod's status; in async timing it lags the kubelet until its status write. */
export interface PodApiStatus {
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly ready: boolean;
  readonly ip: string;
  readonly containers: readonly { readonly name: string; readonly ready: boolean; readonly restartCount: number }[];
}

export interface PodRecord {
  readonly key: string;
  /** The stored manifest (defaulted); status lives in `status`. */
  readonly object: Pod;
  /** Applied with a status: the kubelet leaves it alone (docs/contract.md section 2). */
  readonly statusManaged: boolean;
  readonly lifecycle: PodSnap;
  readonly node: string;
  readonly ip: string;
  readonly containers: readonly ContainerRuntime[];
  readonly deletedAt?: number;
  readonly status: PodApiStatus;
  /** Creation sequence number (orders RC scale-down and env visibility). */
  readonly seq: number;
}

/** One address as the endpoints controller computed it: what Endpoints and EndpointSlices say. */
export interface SliceEntry {
  readonly ip: string;
  readonly pod?: { readonly namespace: string; readonly name: string };
  readonly podKey?: string;
  readonly uid?: string;
  readonly node?: string;
  readonly hostname?: string;
  /** In Endpoints `addresses` (EndpointSlice ready). */
  readonly ready: boolean;
  /** Pod Ready condition (EndpointSlice serving). */
  readonly serving: boolean;
  readonly terminating: boolean;
  /** Resolved target port per service port name ('' for an unnamed port); absent when it does not resolve. */
  readonly ports: Readonly<Record<string, number>>;
}

export interface EndpointsRecord {
  readonly key: string;
  readonly object: Endpoints;
  /** Written by the endpoints controller (a selector Service), as opposed to by a user. */
  readonly managed: boolean;
  readonly entries: readonly SliceEntry[];
  /**
   * A user's write over a managed record: what the API shows until the controller next syncs the
   * Service (KK v1.37 endpoints_controller.go watches Endpoints for deletion only). `object` and
   * `entries` stay the controller's: proxies and DNS follow EndpointSlices, which the write leaves alone.
   */
  readonly userWrite?: Endpoints;
}

export interface ServiceRecord {
  readonly key: string;
  /** Stored object, with clusterIP, nodePorts and status set by the server. */
  readonly object: Service;
  readonly machine: ServiceSnap;
  /** Endpoint membership of each pod the controller has considered (pod key → machine state). */
  readonly members: PMap<MembershipSnap>;
  readonly seq: number;
  /** Model time of creation (the observation's `created`). */
  readonly createdAt: number;
  /** The server-filled fields the writer's managedFields entry owns (service-ownership.ts). */
  readonly owned: readonly string[];
}

export interface IngressRecord {
  readonly key: string;
  readonly object: Ingress;
  readonly machine: IngressSnap;
  readonly address?: string;
}

/** What one node's proxy has programmed for one Service. */
export interface ProgrammedService {
  readonly key: string;
  readonly service: Service;
  readonly entries: readonly SliceEntry[];
}

export interface ProxyRecord {
  readonly node: string;
  readonly services: PMap<ProgrammedService>;
  /** ClientIP session affinity: `${service}|${port}|${clientIP}` → endpoint ip:port and last use. */
  readonly affinity: PMap<{ readonly endpoint: string; readonly at: number }>;
}

export interface NodeRecord {
  readonly name: string;
  readonly ip: string;
  readonly podRange: { readonly base: number; readonly size: number };
  /** Pods bound to the node (the scheduler spreads by it). */
  readonly pods: number;
  /** Offset of the last pod IP handed out: host-local IPAM continues after it. */
  readonly lastIP: number;
}

export interface ClusterState {
  readonly config: Config;
  readonly time: number;
  readonly rng: number;
  /** Monotonic counter: uids, resourceVersions, creation order. */
  readonly seq: number;
  readonly nodes: PMap<NodeRecord>;
  readonly pods: PMap<PodRecord>;
  readonly services: PMap<ServiceRecord>;
  readonly endpoints: PMap<EndpointsRecord>;
  readonly rcs: PMap<ReplicationController>;
  readonly ingresses: PMap<IngressRecord>;
  readonly ingressClasses: PMap<IngressClass>;
  readonly proxies: PMap<ProxyRecord>;
  /** Allocations: ClusterIP → service key, nodePort → service key, pod IP → pod key, LB address → service key. */
  readonly clusterIPs: PMap<string>;
  readonly nodePorts: PMap<string>;
  readonly podIPs: PMap<string>;
  readonly lbAddresses: PMap<string>;
  /** Selection indexes: `${ns}` and `${ns}\0${key}=${value}` → pod keys; services by their first selector pair. */
  readonly podIndex: PMap<PMap<true>>;
  readonly serviceIndex: PMap<PMap<true>>;
  readonly timers: Timers;
  /** Work the asynchronous cluster has not done yet (always empty between steps in sync timing). */
  readonly pendingStatus: PMap<true>;
  readonly pendingEndpoints: PMap<true>;
  readonly pendingProxy: PMap<PMap<true>>;
}

export type ServicePortKey = { readonly name: string; readonly port: number; readonly protocol: Protocol };

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? 'default'}/${name}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
