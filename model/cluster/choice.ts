/**
 * Every nondeterministic choice the model makes goes through a Chooser (docs/architecture.md#model-the-reference-implementation):
 * the reference run draws from the seeded generator, the explorer enumerates or canonicalises,
 * and the conformance runner adopts the implementation's answer after checking it is allowed.
 */
import { nextRandom } from './random.ts';

export type ChoiceKind = 'endpoint' | 'clusterIP' | 'nodePort' | 'lbAddress' | 'podName' | 'podIP' | 'node' | 'scaleDown' | 'adopter';

/** Mutable only for the duration of one step: the generator state threads through the choices. */
export interface StepContext {
  rng: number;
  readonly chooser: Chooser;
}

export interface Chooser {
  /** One of the alternatives (keys such as "10.244.1.3:8080" name them for adopters); returns its index. */
  pick(kind: ChoiceKind, keys: readonly string[], ctx: StepContext): number;
  /** An offset in [0, size) for which `isFree` holds, or -1 when there is none. */
  allocate(kind: ChoiceKind, size: number, isFree: (offset: number) => boolean, ctx: StepContext): number;
  /**
   * Optional: the values this chooser wants for one allocation, best first — how the conformance
   * runner replays an implementation's answer. `subject` is the key of the Service (clusterIP,
   * nodePort, lbAddress), the Pod (podIP, and node: where the scheduler puts it) or the
   * ReplicationController (podName; scaleDown: the pods it deletes first, among those that rank
   * alike) or the orphan Pod several ReplicationControllers contest (adopter: the RC that adopts it).
   * The model takes the first that is in range and free; when
   * none is (or the method is absent) it allocates as usual: through `allocate`, or for podIP and
   * node by its own deterministic rule (host-local IPAM's next address, the least loaded node),
   * which no chooser draws — so the reference choosers, which lack this method, behave as before.
   * For the races (scaleDown, adopter) `among` lists the allowed values in the model's own order
   * of preference, so a chooser can take another branch without knowing the state.
   */
  prefer?(kind: ChoiceKind, subject: string, among?: readonly string[]): Iterable<string | number> | undefined;
}

function random(ctx: StepContext): number {
  const r = nextRandom(ctx.rng);
  ctx.rng = r.state;
  return r.value;
}

/** Probes forward from `start` for a free offset: O(1) while the range is sparsely used. */
export function firstFreeFrom(start: number, size: number, isFree: (offset: number) => boolean): number {
  for (let i = 0; i < size; i++) {
    const o = (start + i) % size;
    if (isFree(o)) return o;
  }
  return -1;
}

/** The reference implementation's choices: uniform, from the seed (kube-proxy picks uniformly, B6). */
export const seededChooser: Chooser = {
  pick(_kind, keys, ctx) {
    return keys.length <= 1 ? 0 : Math.floor(random(ctx) * keys.length);
  },
  allocate(_kind, size, isFree, ctx) {
    return firstFreeFrom(Math.floor(random(ctx) * size), size, isFree);
  },
};

/**
 * Choices that depend on the state alone (lowest free value, first alternative), so that two
 * paths reaching the same cluster reach the same state: what an exhaustive search needs.
 */
export const canonicalChooser: Chooser = {
  pick() {
    return 0;
  },
  allocate(_kind, size, isFree) {
    return firstFreeFrom(0, size, isFree);
  },
};
