// Scratch memory for the columns of one fit. On a small fit (tens of
// thousands of rows, a linear learner) writing into freshly allocated typed
// arrays costs more than the fit itself: the allocator hands out memory the
// system has not mapped yet, and every page is faulted in on its first write.
// An arena hands out zero-filled columns from one buffer that is kept for the
// next fit, already resident; only the columns a fit reads and then drops go
// here (never anything a fitted model keeps).

/** Largest buffer kept between fits (32 MiB: 4 million values, e.g. 300,000 rows × 13 columns). */
const SPARE_VALUES = 4 * 1024 * 1024;

/** The buffer given back by the last fit, if any. */
let spare: Float64Array | null = null;

/** Zero-filled Float64 columns for one fit, from a buffer reused across fits. */
export class ColumnArena {
  #buffer: Float64Array;
  #used = 0;
  /** Values asked for in all, this fit. */
  #demand = 0;
  readonly #reuse: boolean;

  private constructor(buffer: Float64Array, reuse: boolean) {
    this.#buffer = buffer;
    this.#reuse = reuse;
  }

  /**
   * An arena for one fit: with `reuse`, the buffer the last fit gave back (if any); without, every column is a new
   * array (for columns a model might keep).
   */
  static borrow(reuse: boolean): ColumnArena {
    const buffer = reuse ? spare : null;
    if (reuse) spare = null;
    return new ColumnArena(buffer ?? new Float64Array(0), reuse);
  }

  /** A column of n zeros (a view into the arena, or a new array when it is full). */
  column(n: number): Float64Array {
    this.#demand += n;
    if (!this.#reuse || this.#used + n > this.#buffer.length) return new Float64Array(n);
    const out = this.#buffer.subarray(this.#used, this.#used + n);
    this.#used += n;
    out.fill(0);
    return out;
  }

  /**
   * Ends the fit: no column of this arena is read after this. The buffer is kept for the next fit, grown (lazily: not
   * written until then) to this fit's demand when that was larger, within SPARE_VALUES.
   */
  release(): void {
    if (!this.#reuse) return;
    const need = Math.min(this.#demand, SPARE_VALUES);
    const keep = this.#buffer.length >= need ? this.#buffer : new Float64Array(need);
    if (spare === null || spare.length < keep.length) spare = keep;
  }
}
