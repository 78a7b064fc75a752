/* eslint-disable */

// Generated from spec/schema/*.schema.json by `npm run gen:types`. Do not edit by hand.



/**
 * The cluster configuration, given once before the first operation (docs/contract.md section 1). Every field is optional.
 */

export interface ClusterConfig {
  /**
   * Node names; each gets an InternalIP from nodeCIDR, from .10. Default ["node-1", "node-2"].
   *
   * @minItems 1
   */
  nodes?: [string, ...string[]];
  /**
   * Node addresses. Default 192.168.0.0/24.
   */
  nodeCIDR?: string;
  /**
   * ClusterIP range. Default 10.96.0.0/12.
   */
  serviceCIDR?: string;
  /**
   * Pod IPs. Default 10.244.0.0/16.
   */
  podCIDR?: string;
  /**
   * Default 30000-32767.
   */
  nodePortRange?: string;
  /**
   * Default cluster.local.
   */
  clusterDomain?: string;
  /**
   * Default: the 10th address of serviceCIDR.
   */
  dnsServiceIP?: string;
  /**
   * Whether a cloud provider provisions LoadBalancer addresses. Default false.
   */
  cloudLoadBalancer?: boolean;
  /**
   * Controller names installed, e.g. k8s.io/ingress-nginx. Default [].
   */
  ingressControllers?: string[];
  /**
   * Whether a container's app accepts connections as soon as it starts. Default true.
   */
  appsListenOnStart?: boolean;
  /**
   * Default sync.
   */
  timing?: "sync" | "async";
  /**
   * Fixes every choice the reference implementation makes. Default 0.
   */
  seed?: number;
}

/**
 * One operation sent to an implementation (docs/contract.md section 2). The op field selects the shape.
 */

export type Operation =
  | ApplyOp
  | DeleteOp
  | ProbeOp
  | ListenOp
  | ExitOp
  | AdvanceOp
  | ConnectOp
  | HttpOp
  | PingOp
  | ResolveOp
  | EnvOp
  | ObserveOp
  | SettleOp
  | SyncOp;
/**
 * Defaults to default.
 */

export type Namespace = string;

export type Client = PodRef | ExternalClient;

export type ConnectTarget = IPTarget | ServiceTarget | NodeTarget;

export type Protocol = "TCP" | "UDP" | "SCTP";

export interface ApplyOp {
  op: "apply";
  object: Manifest;
}
/**
 * A Kubernetes manifest. Its content is validated by the implementation, as the API server does, not by this schema.
 */

export interface Manifest {
  apiVersion?: string;
  kind: string;
  metadata?: {};
}

export interface DeleteOp {
  op: "delete";
  kind: "Pod" | "Service" | "Endpoints" | "ReplicationController" | "Node" | "Ingress" | "IngressClass";
  namespace?: Namespace;
  name: string;
}

export interface ProbeOp {
  op: "probe";
  namespace?: Namespace;
  pod: string;
  container?: string;
  result: "success" | "failure";
}

export interface ListenOp {
  op: "listen";
  namespace?: Namespace;
  pod: string;
  container?: string;
  listening: boolean;
}

export interface ExitOp {
  op: "exit";
  namespace?: Namespace;
  pod: string;
  container?: string;
  code: number;
}

export interface AdvanceOp {
  op: "advance";
  seconds: number;
}

export interface ConnectOp {
  op: "connect";
  from: Client;
  to: ConnectTarget;
}

export interface PodRef {
  namespace?: Namespace;
  pod: string;
}

export interface ExternalClient {
  external: true;
  ip?: string;
}

export interface IPTarget {
  ip: string;
  port: number;
  protocol?: Protocol;
}

export interface ServiceTarget {
  service: string;
  namespace?: Namespace;
  port: number | string;
  protocol?: Protocol;
}

export interface NodeTarget {
  node: string;
  port: number;
  protocol?: Protocol;
}

export interface HttpOp {
  op: "http";
  from: Client;
  host: string;
  path: string;
  /**
   * An Ingress address; default: the address of the Ingress that serves the host.
   */
  to?: string;
}

export interface PingOp {
  op: "ping";
  from: Client;
  ip: string;
}

export interface ResolveOp {
  op: "resolve";
  from: PodRef;
  name: string;
  /**
   * Default A.
   */
  type?: "A" | "AAAA" | "SRV" | "PTR" | "CNAME" | "TXT";
}

export interface EnvOp {
  op: "env";
  namespace?: Namespace;
  pod: string;
  container?: string;
}

export interface ObserveOp {
  op: "observe";
}

export interface SettleOp {
  op: "settle";
}
/**
 * Model only (async timing): run one internal step — the kubelet's status write for a pod (target namespace/name), the endpoints controller for a Service (namespace/name), or one node's proxy (node name). Adapters need not accept it; they use settle.
 */

export interface SyncOp {
  op: "sync";
  controller: "kubelet" | "endpoints" | "proxy";
  target: string;
}

/**
 * The answer to one operation (docs/contract.md section 2). Every result has ok; which other fields appear depends on the operation.
 */

export type Result = OkResult | FailedResult;

export interface OkResult {
  ok: true;
  /**
   * apply: the object as stored, with server-set fields.
   */
  object?: {};
  pod?: ObjectRef;
  /**
   * connect: the endpoint address reached.
   */
  ip?: string;
  /**
   * connect: the endpoint's target port.
   */
  port?: number;
  /**
   * connect: the source address the backend sees.
   */
  sourceIP?: string;
  /**
   * http: the HTTP status; connect to a node's healthCheckNodePort: the health check's status (200 or 503).
   */
  status?: number;
  /**
   * connect to a node's healthCheckNodePort: the node's local ready endpoints of the Service, as kube-proxy's health check reports them.
   */
  localEndpoints?: number;
  service?: ObjectRef1;
  /**
   * ping.
   */
  reply?: boolean;
  /**
   * resolve.
   */
  rcode?: "NOERROR" | "NXDOMAIN";
  /**
   * resolve: the records, in any order.
   */
  answers?: DnsAnswer[];
  /**
   * resolve: the resolver's search order.
   */
  tried?: string[];
  /**
   * env: the container's environment.
   */
  env?: {
    [k: string]: string;
  };
  state?: Observation;
}
/**
 * connect, http: the backend pod reached (absent when the endpoint is not a pod).
 */

export interface ObjectRef {
  namespace: string;
  name: string;
}
/**
 * http: the Service the Ingress routed to.
 */

export interface ObjectRef1 {
  namespace: string;
  name: string;
}

export interface DnsAnswer {
  name: string;
  type: string;
  data: string;
}
/**
 * observe.
 */

export interface Observation {
  /**
   * Model time in seconds.
   */
  time: number;
  nodes: NodeView[];
  pods: PodView[];
  services: ServiceView[];
  endpoints: EndpointsView[];
  ingresses: IngressView[];
  proxies: ProxyView[];
  /**
   * ReplicationControllers (optional: traces without them omit it).
   */
  replicationControllers?: ReplicationControllerView[];
}

export interface NodeView {
  name: string;
  ip: string;
}

export interface PodView {
  namespace: string;
  name: string;
  uid: string;
  labels: {
    [k: string]: string;
  };
  /**
   * Empty while unscheduled.
   */
  node: string;
  /**
   * Empty until the pod has an IP. A hostNetwork pod shows its node's IP; a pod that has ended (Succeeded or Failed) keeps showing the IP it had after the network plugin has freed it, so another pod may hold it (kubernetes/kubernetes#98611).
   */
  ip: string;
  /**
   * spec.hostNetwork; absent means false.
   */
  hostNetwork?: boolean;
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  /**
   * The Ready condition as the API shows it.
   */
  ready: boolean;
  terminating: boolean;
  containers: ContainerView[];
  dns?: PodDnsView;
  /**
   * The controller that owns the pod (metadata.ownerReferences with controller: true), when there is one.
   */
  controller?: {
    kind: string;
    name: string;
  };
}

export interface ContainerView {
  name: string;
  ready: boolean;
  restartCount: number;
  /**
   * The container's declared ports (what a named targetPort resolves against).
   */
  ports?: {
    name?: string;
    containerPort: number;
    protocol: "TCP" | "UDP" | "SCTP";
  }[];
  /**
   * The names the container's own env (and envFrom) sets: they override the kubelet's Service variables (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables). Absent: none.
   */
  envNames?: string[];
  /**
   * Model time when the running container started (containerStatuses[].state.running.startedAt).
   */
  startedAt?: number;
  probe?: ProbeView;
}
/**
 * The readiness probe, when the container has one: its settings and the kubelet's consecutive-result counter (optional: implementations that cannot expose the counter omit lastResult and run).
 */

export interface ProbeView {
  handler: "exec" | "httpGet" | "tcpSocket" | "grpc";
  initialDelaySeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  lastResult?: "none" | "success" | "failure";
  /**
   * Consecutive results equal to lastResult (capped at the larger threshold).
   */
  run?: number;
}
/**
 * The resolver configuration the kubelet wrote for the pod (its /etc/resolv.conf; pkg/kubelet/network/dns/dns.go GetPodDNS), with the dnsPolicy it came from. Absent: rules assume ClusterFirst without dnsConfig.
 */

export interface PodDnsView {
  /**
   * spec.dnsPolicy as stored (defaulted ClusterFirst).
   */
  policy: "ClusterFirst" | "ClusterFirstWithHostNet" | "Default" | "None";
  nameservers: string[];
  /**
   * The search list in order, as written (a domain may end in a dot).
   */
  searches: string[];
  /**
   * The effective ndots option (glibc: 1 when not set, at most 15).
   */
  ndots: number;
  /**
   * Whether spec.dnsConfig is set (its nameservers, searches and options are merged in after the policy's). Absent means false.
   */
  dnsConfig?: boolean;
}

export interface ServiceView {
  namespace: string;
  name: string;
  uid: string;
  type: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";
  /**
   * "None" when headless, empty for ExternalName.
   */
  clusterIP: string;
  /**
   * Absent when the Service has no selector.
   */
  selector?: {
    [k: string]: string;
  };
  ports: ServicePortView[];
  sessionAffinity: "None" | "ClientIP";
  /**
   * Cluster or Local; empty for types that have none.
   */
  externalTrafficPolicy: string;
  healthCheckNodePort?: number;
  /**
   * Cluster or Local; absent for types that have none (ExternalName).
   */
  internalTrafficPolicy?: string;
  /**
   * Addresses outside the cluster the proxies also answer for on the Service's ports; absent when none.
   */
  externalIPs?: string[];
  /**
   * The CIDRs allowed to reach the load-balancer address; absent when none (everyone may).
   */
  loadBalancerSourceRanges?: string[];
  externalName?: string;
  publishNotReadyAddresses: boolean;
  loadBalancerIngress: {
    ip?: string;
    hostname?: string;
  }[];
  /**
   * LoadBalancer only: false when the Service asked for no nodePorts beyond those it names (spec.allocateLoadBalancerNodePorts, default true). Absent for other types.
   */
  allocateLoadBalancerNodePorts?: boolean;
  /**
   * LoadBalancer only: spec.loadBalancerClass, absent when unset (the cloud provider's own controller then provisions it).
   */
  loadBalancerClass?: string;
  /**
   * Model time the Service was created (metadata.creationTimestamp).
   */
  created?: number;
}

export interface ServicePortView {
  name?: string;
  port: number;
  targetPort: number | string;
  nodePort?: number;
  protocol: "TCP" | "UDP" | "SCTP";
}

export interface EndpointsView {
  namespace: string;
  name: string;
  subsets: EndpointSubsetView[];
  /**
   * Present on the Endpoints of a Service with a selector while they are as a user last wrote them: the endpoints controller has not synced the Service since (it watches Endpoints only for deletion, and rewrites them at its next sync of the Service). A real cluster shows this by the absence of the label endpoints.kubernetes.io/managed-by=endpoint-controller, which the controller sets on every write (k8s.io/kubernetes v1.37 pkg/controller/endpoint/endpoints_controller.go syncService). Absent on every other Endpoints object.
   */
  userWritten?: true;
}

export interface EndpointSubsetView {
  addresses: EndpointAddressView[];
  notReadyAddresses: EndpointAddressView[];
  ports: EndpointPortView[];
}

export interface EndpointAddressView {
  ip: string;
  pod?: PodRefView;
  hostname?: string;
}

export interface PodRefView {
  namespace: string;
  name: string;
}

export interface EndpointPortView {
  name?: string;
  port: number;
  protocol: "TCP" | "UDP" | "SCTP";
}

export interface IngressView {
  namespace: string;
  name: string;
  className?: string;
  address?: string;
}

export interface ProxyView {
  node: string;
  services: ProxyServiceView[];
}

export interface ProxyServiceView {
  namespace: string;
  name: string;
  port: number;
  /**
   * Absent means TCP.
   */
  protocol?: "TCP" | "UDP" | "SCTP";
  endpoints: ProxyEndpointView[];
  affinity?: ProxyAffinityView;
}

export interface ProxyEndpointView {
  ip: string;
  port: number;
}
/**
 * ClientIP session affinity as this node's proxy holds it (kube-proxy iptables mode: the recent lists of the endpoint chains). Present only for a Service with sessionAffinity ClientIP.
 */

export interface ProxyAffinityView {
  /**
   * sessionAffinityConfig.clientIP.timeoutSeconds as programmed (default 10800).
   */
  timeoutSeconds: number;
  /**
   * Per client address: the programmed endpoint it last reached through this proxy, and when (model time, seconds). An endpoint that leaves the programmed set takes its clients' entries with it.
   */
  clients: {
    client: string;
    ip: string;
    port: number;
    lastSeen: number;
  }[];
}

export interface ReplicationControllerView {
  namespace: string;
  name: string;
  replicas: number;
  selector: {
    [k: string]: string;
  };
}

export interface FailedResult {
  ok: false;
  /**
   * An API refusal, or for traffic: refused (no usable endpoint, or the app is not listening), timeout (dropped), unreachable, no address (no controller serves the Ingress); or any text an adapter could not classify.
   */
  error: ApiError | string;
  /**
   * Adapters only: false when the operation may or may not have happened.
   */
  definite?: boolean;
}
/**
 * A refused API request: the Kubernetes status reason and the message as the API server words it.
 */

export interface ApiError {
  reason: "Invalid" | "AlreadyExists" | "NotFound" | "Conflict" | "Forbidden" | "BadRequest" | "InternalError";
  message: string;
  causes?: {
    reason: string;
    message: string;
    field: string;
  }[];
}

/**
 * A normalised view of the cluster (docs/contract.md section 3). A list marked x-svcspec-set is a set: its order means nothing (the reference model writes the top-level lists sorted by namespace/name); given field names, they are the identity of an element. Every other list is ordered. Invariants see only this, so the same invariant checks the model, an adapter or a recorded trace.
 */

/**
 * A scenario file (docs/contract.md section 4): a name, an optional cluster configuration and steps.
 */

export interface Scenario {
  name: string;
  description?: string;
  /**
   * Where in the seed or docs/semantics.md the scenario comes from.
   */
  source?: string;
  cluster?: ClusterConfig;
  /**
   * @minItems 1
   */
  steps: [ScenarioStep, ...ScenarioStep[]];
}
/**
 * The cluster configuration, given once before the first operation (docs/contract.md section 1). Every field is optional.
 */

export interface ScenarioStep {
  /**
   * Either {object: manifest}, {file: path} (a YAML file, possibly multi-document, relative to the scenario), or the manifest itself (it has a kind).
   */
  apply?: {};
  /**
   * The delete operation's fields (operation.schema.json#/$defs/DeleteOp without op).
   */
  delete?: {} | null;
  /**
   * The probe operation's fields (operation.schema.json#/$defs/ProbeOp without op).
   */
  probe?: {} | null;
  /**
   * The listen operation's fields (operation.schema.json#/$defs/ListenOp without op).
   */
  listen?: {} | null;
  /**
   * The exit operation's fields (operation.schema.json#/$defs/ExitOp without op).
   */
  exit?: {} | null;
  /**
   * The advance operation's fields (operation.schema.json#/$defs/AdvanceOp without op).
   */
  advance?: {} | null;
  /**
   * The connect operation's fields (operation.schema.json#/$defs/ConnectOp without op).
   */
  connect?: {} | null;
  /**
   * The http operation's fields (operation.schema.json#/$defs/HttpOp without op).
   */
  http?: {} | null;
  /**
   * The ping operation's fields (operation.schema.json#/$defs/PingOp without op).
   */
  ping?: {} | null;
  /**
   * The resolve operation's fields (operation.schema.json#/$defs/ResolveOp without op).
   */
  resolve?: {} | null;
  /**
   * The env operation's fields (operation.schema.json#/$defs/EnvOp without op).
   */
  env?: {} | null;
  /**
   * The observe operation's fields (operation.schema.json#/$defs/ObserveOp without op).
   */
  observe?: {} | null;
  /**
   * The settle operation's fields (operation.schema.json#/$defs/SettleOp without op).
   */
  settle?: {} | null;
  /**
   * The sync operation's fields (operation.schema.json#/$defs/SyncOp without op).
   */
  sync?: {} | null;
  /**
   * A CEL expression that must be true: alone, with state (an observation taken now) and last (the previous step's result); beside an operation, it checks that operation's result as last.
   */
  expect?: string;
  /**
   * A comment shown in the transcript.
   */
  note?: string;
}

/**
 * What an implementation under check supports, declared in its answer to init (docs/adapter.md section 1): `{"id": 0, "ok": true, "supports": {"operations": [...], "kinds": [...]}}`. `conform` then sends only sequences within it and reports what was left unexercised. Absent (or an absent member): everything. init, observe and settle are part of the protocol and are sent whatever the list says.
 */

export interface Supports {
  /**
   * The `op` values of docs/contract.md section 2 the implementation answers.
   */
  operations?: (
    | "apply"
    | "delete"
    | "probe"
    | "listen"
    | "exit"
    | "advance"
    | "connect"
    | "http"
    | "ping"
    | "resolve"
    | "env"
    | "observe"
    | "settle"
    | "sync"
  )[];
  /**
   * The object kinds `apply` and `delete` accept.
   */
  kinds?: ("Pod" | "Service" | "Endpoints" | "ReplicationController" | "Node" | "Ingress" | "IngressClass")[];
}
