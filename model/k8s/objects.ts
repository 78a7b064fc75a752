/**
 * The Kubernetes object shapes the model reads and stores (core/v1, networking.k8s.io/v1).
 * Only the fields the seed's systems use are typed; manifests may carry more, which the model
 * keeps untouched. Manifests arrive as untyped JSON: validation (model/k8s/validation) is what
 * turns `unknown` into these types, with the API server's own error messages.
 */

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  creationTimestamp?: string;
  resourceVersion?: string;
  [extra: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: ObjectMeta;
  [extra: string]: unknown;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: Protocol;
  hostPort?: number;
}

export interface ExecAction { command?: string[] }
export interface HTTPGetAction { path?: string; port: number | string; scheme?: string; host?: string }
export interface TCPSocketAction { port: number | string; host?: string }

export interface Probe {
  exec?: ExecAction;
  httpGet?: HTTPGetAction;
  tcpSocket?: TCPSocketAction;
  grpc?: { port: number; service?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface EnvVar { name: string; value?: string; valueFrom?: unknown }

export interface Container {
  name: string;
  image?: string;
  ports?: ContainerPort[];
  env?: EnvVar[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  restartPolicy?: string;
  [extra: string]: unknown;
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';
export type DNSPolicy = 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  nodeName?: string;
  restartPolicy?: RestartPolicy;
  terminationGracePeriodSeconds?: number;
  enableServiceLinks?: boolean;
  hostname?: string;
  subdomain?: string;
  dnsPolicy?: DNSPolicy;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  hostNetwork?: boolean;
  readinessGates?: { conditionType: string }[];
  [extra: string]: unknown;
}

export interface PodCondition { type: string; status: 'True' | 'False' | 'Unknown'; [extra: string]: unknown }
export interface ContainerStatus { name: string; ready: boolean; restartCount: number; started?: boolean; state?: unknown; [extra: string]: unknown }

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodStatus {
  phase?: PodPhase;
  podIP?: string;
  podIPs?: { ip: string }[];
  hostIP?: string;
  conditions?: PodCondition[];
  containerStatuses?: ContainerStatus[];
  [extra: string]: unknown;
}

export interface Pod extends KubeObject {
  kind: 'Pod';
  spec: PodSpec;
  status?: PodStatus;
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  appProtocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: ServiceType;
  selector?: Record<string, string> | null;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  externalIPs?: string[];
  sessionAffinity?: 'None' | 'ClientIP';
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  healthCheckNodePort?: number;
  publishNotReadyAddresses?: boolean;
  allocateLoadBalancerNodePorts?: boolean;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
  loadBalancerClass?: string;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  [extra: string]: unknown;
}

export interface Service extends KubeObject {
  kind: 'Service';
  spec: ServiceSpec;
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

export interface EndpointPort { name?: string; port: number; protocol?: Protocol; appProtocol?: string }

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface Endpoints extends KubeObject {
  kind: 'Endpoints';
  subsets?: EndpointSubset[];
}

export interface ReplicationController extends KubeObject {
  kind: 'ReplicationController';
  spec: {
    replicas?: number;
    selector?: Record<string, string>;
    template?: { metadata?: ObjectMeta; spec: PodSpec };
    minReadySeconds?: number;
  };
  status?: { replicas?: number; readyReplicas?: number };
}

export interface Node extends KubeObject {
  kind: 'Node';
  status?: { addresses?: { type: string; address: string }[]; conditions?: PodCondition[] };
}

export interface IngressServiceBackend { name: string; port: { name?: string; number?: number } }
export interface IngressBackend { service?: IngressServiceBackend; resource?: { apiGroup?: string; kind: string; name: string } }
export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';
export interface HTTPIngressPath { path?: string; pathType: PathType; backend: IngressBackend }
export interface IngressRule { host?: string; http?: { paths: HTTPIngressPath[] } }

export interface Ingress extends KubeObject {
  kind: 'Ingress';
  spec: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    rules?: IngressRule[];
    tls?: { hosts?: string[]; secretName?: string }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface IngressClass extends KubeObject {
  kind: 'IngressClass';
  spec: { controller?: string; parameters?: unknown };
}

export type AnyObject = Pod | Service | Endpoints | ReplicationController | Node | Ingress | IngressClass;

/** The kinds `apply` and `delete` accept, with the API group each belongs to. */
export const KINDS = {
  Pod: { apiVersion: 'v1', namespaced: true, resource: 'pods' },
  Service: { apiVersion: 'v1', namespaced: true, resource: 'services' },
  Endpoints: { apiVersion: 'v1', namespaced: true, resource: 'endpoints' },
  ReplicationController: { apiVersion: 'v1', namespaced: true, resource: 'replicationcontrollers' },
  Node: { apiVersion: 'v1', namespaced: false, resource: 'nodes' },
  Ingress: { apiVersion: 'networking.k8s.io/v1', namespaced: true, resource: 'ingresses' },
  IngressClass: { apiVersion: 'networking.k8s.io/v1', namespaced: false, resource: 'ingressclasses' },
} as const;

export type Kind = keyof typeof KINDS;
