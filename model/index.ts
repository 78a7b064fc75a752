/**
 * The reference model's public surface: a pure `step` over an immutable cluster state, the
 * observation invariants read, and the hooks engines need (choosers, internal steps).
 */
export type * from './contract/types.generated.ts';
export { initialState } from './cluster/init.ts';
export { step, type StepOutcome } from './cluster/step.ts';
export { observe } from './cluster/observe.ts';
export { enabledInternalSteps } from './cluster/timing.ts';
export { seededChooser, canonicalChooser, firstFreeFrom, type Chooser, type ChoiceKind, type StepContext } from './cluster/choice.ts';
export { normalizeConfig, ConfigError, type Config } from './cluster/config.ts';
export { parseIPv4, formatIPv4 } from './cluster/ip.ts';
export { type ClusterState, objectKey } from './cluster/state.ts';
export { PMap } from './cluster/pmap.ts';
export { Interner } from './cluster/interner.ts';
export { tables, toMermaid, stateString } from './machines/index.ts';
export { pending as pendingTimerList } from './cluster/timers.ts';
export { apiObjects, timestamp, type ApiObject } from './cluster/api-objects.ts';
export { sameData } from './k8s/same-write.ts';
export { serviceView, endpointsView } from './cluster/observe.ts';
