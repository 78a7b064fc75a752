/**
 * The last stage of delta debugging (ddmin with n = length): after fast-check's shrinking, delete
 * single steps while the same failure remains, until no one deletion keeps it. fast-check shrinks
 * the generated values, which can leave a step that fails on purpose (a refused request, a probe
 * of a pod that is gone) standing; this pass makes the counterexample 1-minimal, and says so only
 * when it tried every deletion within its budget.
 *
 * Used as a loop the caller drives, so the same logic serves the synchronous checker and the
 * asynchronous conformance runner:
 *   for (let c = m.candidate(); c; c = m.candidate()) m.tried(failingPrefixOrUndefined(run(c)));
 */
export class OneMinimal<T> {
  private current: readonly T[];
  /** Where each step of `current` stands in the sequence the pass started from. */
  private at: readonly number[];
  private index = 0;
  private attempts = 0;
  /** A deletion was kept in this pass: another pass follows, since an earlier step may now go too. */
  private changed = false;
  private done = false;
  private last: readonly T[] = [];

  constructor(failing: readonly T[], private readonly budget: number) {
    this.current = failing;
    this.at = failing.map((_, i) => i);
  }

  /** The next sequence to try (the current one less one step), or undefined when done. */
  candidate(): readonly T[] | undefined {
    if (this.index >= this.current.length) {
      if (!this.changed) this.done = true;
      this.index = 0;
      this.changed = false;
    }
    if (this.done || this.current.length <= 1 || this.attempts >= this.budget) return undefined;
    this.last = [...this.current.slice(0, this.index), ...this.current.slice(this.index + 1)];
    return this.last;
  }

  /** The outcome of the last candidate: the length of its failing prefix when it failed the same way. */
  tried(failingLength: number | undefined): void {
    const c = this.last;
    this.attempts++;
    // A kept deletion: the step at `index` is gone, so the same index names the next step.
    if (failingLength !== undefined) {
      this.current = c.slice(0, failingLength);
      this.at = [...this.at.slice(0, this.index), ...this.at.slice(this.index + 1)].slice(0, failingLength);
      this.changed = true;
    } else this.index++;
  }

  get result(): readonly T[] {
    return this.current;
  }

  /** The result's steps as indices into the sequence the pass started from, ascending. */
  get kept(): readonly number[] {
    return this.at;
  }

  /** Every single deletion was tried and none kept the failure. */
  get oneMinimal(): boolean {
    return this.done || this.current.length <= 1;
  }

  get attemptsMade(): number {
    return this.attempts;
  }
}
