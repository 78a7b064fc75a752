/** The loaded spec: invariants compiled, the operation catalogue, the scopes. */
import type { ClusterConfig, Operation } from '../../model/index.ts';
import type { CompiledCel } from '../cel/index.ts';

export type Timing = 'sync' | 'async';
export type TraceMode = 'always' | 'window' | 'settled' | 'none';

export interface Invariant {
  readonly id: string;
  readonly statement: string;
  readonly sources: readonly string[];
  /** Operation names after which it is checked; undefined = after any operation. */
  readonly after?: ReadonlySet<string>;
  readonly timings: ReadonlySet<Timing>;
  readonly trace: TraceMode;
  readonly when?: CompiledCel;
  readonly holds: CompiledCel;
  /** Where it is written: `spec/invariants.yaml:42`. */
  readonly location: string;
}

export interface GeneratorSpec {
  readonly name: string;
  readonly op: string;
  readonly kind?: string;
  readonly weight: number;
  readonly description: string;
  readonly invalid?: boolean;
  /** Invariants the generator is built to exercise (the bias's prior, before any run reached them). */
  readonly aims?: readonly string[];
  /** Every operation its chunk may hold, when more than `op`. */
  readonly operations?: readonly string[];
  /** Every object kind its chunk applies or deletes, when more than `kind`. */
  readonly kinds?: readonly string[];
  /** Each operation picks one of `kinds`, so a subset of them is enough. */
  readonly kindPerOperation?: boolean;
  /** Drawn only by scopes whose `generators` name it. */
  readonly optIn?: boolean;
}

export interface Domains {
  readonly advanceSeconds: readonly number[];
  readonly exitCodes: readonly number[];
  readonly initialDelaySeconds: readonly number[];
  readonly periodSeconds: readonly number[];
  readonly thresholds: readonly number[];
  readonly restartPolicies: readonly string[];
  readonly terminationGracePeriodSeconds: readonly number[];
}

export interface ExploreSpec {
  readonly depth: number;
  readonly timeLimitSeconds: number;
  readonly maxStates?: number;
  readonly timing?: Timing;
  readonly symmetry?: boolean;
  readonly manifests?: readonly Record<string, unknown>[];
  readonly operations?: readonly Operation[];
  readonly probeOutcomes?: boolean;
  readonly listen?: boolean;
  readonly deletes?: boolean;
  readonly advance?: readonly number[];
  readonly connects?: boolean;
  readonly alsoCheck?: readonly string[];
  readonly setup?: readonly Operation[];
  readonly witnesses?: readonly { id: string; statement: string; reach: string }[];
}

/** An invariant a scope cannot exercise (in these timings, or in both), and why: exempt from check's floor. */
export interface OutOfReach {
  readonly invariant: string;
  readonly timings?: readonly Timing[];
  readonly reason: string;
}

export interface Scope {
  readonly name: string;
  readonly description: string;
  readonly cluster: ClusterConfig;
  readonly namespaces: readonly string[];
  readonly pods: readonly string[];
  readonly services: readonly string[];
  readonly replicationControllers?: readonly string[];
  readonly labels: Readonly<Record<string, readonly string[]>>;
  readonly containerPorts: readonly { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
  readonly servicePorts: readonly { name?: string; port: number; targetPort: number | string; protocol?: 'TCP' | 'UDP' }[];
  readonly probes: readonly ('none' | 'exec' | 'tcpSocket' | 'httpGet')[];
  readonly serviceTypes?: readonly string[];
  readonly hosts?: readonly string[];
  readonly paths?: readonly string[];
  readonly maxSteps: number;
  /** The catalogue generators this scope draws (default: every one that is not opt-in). */
  readonly generators?: readonly string[];
  /** false: Services are drawn without a selector (their Endpoints are the caller's). Default true. */
  readonly selectors?: boolean;
  /** Invariants the scope's operations cannot bring about, each with the reason: exempt from the floor. */
  readonly outOfReach?: readonly OutOfReach[];
  readonly explore?: ExploreSpec;
  /** The explore witnesses, compiled as invariants that break exactly where the behaviour is reached. */
  readonly witnesses: readonly Invariant[];
}

export interface Spec {
  readonly invariants: readonly Invariant[];
  readonly generators: readonly GeneratorSpec[];
  readonly domains: Domains;
  readonly scopes: readonly Scope[];
}
