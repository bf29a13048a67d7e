// Internal: the pieces every generator shares — the table reference, the
// time column as epoch milliseconds, instants from options, number literals.
import { OptionsError, tryParseTimestamp } from '@marksman/core';
import type { TimestampInput } from '@marksman/core';
import { checkIdentifier, describe, parts, quote } from '../dialect';
import type { SqlDialect } from '../dialect';

/** Milliseconds in one day. */
export const MS_PER_DAY = 86_400_000;

/** A table name: one identifier, or its qualified parts (`['analytics', 'orders']`). */
export type TableName = string | readonly string[];

/** How the time column is stored. */
export type TimestampKind = 'timestamp' | 'epochMs';

/** The quoted (and, for a list, dotted) table reference. */
export function tableRef(source: string, d: SqlDialect, table: unknown): string {
  if (Array.isArray(table)) {
    if (table.length === 0 || table.length > 3) {
      throw new OptionsError('E_SQL_IDENTIFIER', `${source}: table must be a name or a list of 1 to 3 name parts (catalog, schema, table), got ${table.length} parts.`, {
        source,
        field: 'table',
      });
    }
    return (table as unknown[]).map((p, i) => quote(d, checkIdentifier(source, `table[${i}]`, p))).join('.');
  }
  return quote(d, checkIdentifier(source, 'table', table));
}

/** The quoted column named by option `field`. */
export function column(source: string, d: SqlDialect, field: string, name: unknown): string {
  return quote(d, checkIdentifier(source, field, name));
}

/** Throws `E_OPTION_RANGE` unless `kind` is a {@link TimestampKind}. */
export function checkTimestampKind(source: string, kind: unknown): TimestampKind {
  if (kind === 'timestamp' || kind === 'epochMs') return kind;
  throw new OptionsError('E_OPTION_RANGE', `${source}: timestampKind must be 'timestamp' (a TIMESTAMP or DATE column) or 'epochMs' (milliseconds since 1970), got ${describe(kind)}.`, {
    source,
    field: 'timestampKind',
  });
}

/** The epoch-ms expression of a quoted time column. */
export function epochMs(d: SqlDialect, col: string, kind: TimestampKind): string {
  return kind === 'epochMs' ? col : parts(d).epochMs(col);
}

/** An instant option in epoch ms; `dayStart` also requires the start of a UTC day. */
export function instant(source: string, field: string, value: TimestampInput | null | undefined, dayStart: boolean): number {
  const ms = value === undefined || value === null ? undefined : tryParseTimestamp(value);
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new OptionsError('E_SQL_AS_OF', `${source}: ${field} must be a Date, epoch milliseconds or an ISO date such as '2024-01-31', got ${describe(value)}.`, { source, field });
  }
  if (dayStart && ms % MS_PER_DAY !== 0) {
    const day = new Date(Math.floor(ms / MS_PER_DAY) * MS_PER_DAY).toISOString().slice(0, 10);
    throw new OptionsError(
      'E_SQL_AS_OF',
      `${source}: ${field} must be the start of a UTC day, because the summary counts whole days; got ${new Date(ms).toISOString()}. Pass a date: '${day}' (to stop before that day) or the next one (to include it).`,
      { source, field },
    );
  }
  return ms;
}

/** A finite number as a SQL literal (never exponent notation, which some dialects read as a float or refuse). */
export function num(x: number): string {
  if (Number.isInteger(x)) return x.toFixed(0);
  return String(x);
}

/** Lines joined with a newline. */
export function lines(...parts: readonly (string | false | null | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === 'string').join('\n');
}
