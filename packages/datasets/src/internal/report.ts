// Builds a core ValidationReport row by row (internal to the parsers).
import type { RejectedRow, ValidationReport } from '@marksman/core';

/** Collects kept and refused rows in input order. */
export class ReportBuilder<T> {
  private readonly rows: T[] = [];
  private kept: Int32Array = new Int32Array(1024);
  private nKept = 0;
  private readonly rejected: RejectedRow[] = [];
  private readonly counts: Record<string, number> = {};
  private total = 0;

  /** Keeps `row`, which is input row `index`. */
  keep(index: number, row: T): void {
    if (this.nKept === this.kept.length) {
      const next = new Int32Array(this.kept.length * 2);
      next.set(this.kept);
      this.kept = next;
    }
    this.kept[this.nKept++] = index;
    this.rows.push(row);
    this.total = Math.max(this.total, index + 1);
  }

  /** Refuses input row `index`. */
  reject(index: number, field: string, code: string, message: string): void {
    this.rejected.push({ index, field, code, message });
    this.counts[code] = (this.counts[code] ?? 0) + 1;
    this.total = Math.max(this.total, index + 1);
  }

  /** The finished report over `total` input rows. */
  build(total: number): ValidationReport<T> {
    return {
      rows: this.rows,
      keptIndexes: this.kept.slice(0, this.nKept),
      total: Math.max(total, this.total),
      kept: this.nKept,
      rejected: this.rejected,
      countsByCode: this.counts,
    };
  }
}
