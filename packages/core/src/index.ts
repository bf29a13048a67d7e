// @marksman/core — the public face. Nothing outside this file is public
// (`src/internal.ts` is the `@marksman/core/internal` entry: plumbing for the
// other Marksman packages, not API).

export {
  MarksmanError,
  ValidationError,
  OptionsError,
  ParseError,
  StateError,
  ConvergenceError,
  AbortError,
  isMarksmanError,
  throwIfAborted,
} from './errors';
export type { ErrorLocation, MarksmanErrorJSON } from './errors';

export { Random, aliasSampler } from './random';
export type { Seed, RandomState } from './random';

export { logGamma } from './special';

export type {
  Id,
  TimestampInput,
  Transaction,
  KnownEventType,
  EventType,
  Event,
  Interaction,
  Item,
  Customer,
  CleanTransaction,
  CleanEvent,
  CleanInteraction,
  RejectedRow,
  ValidationReport,
} from './types';

export { parseTimestamp, tryParseTimestamp } from './timestamp';

export { parseCsv, readCsv } from './csv';
export type { CsvColumnType, CsvColumnSpec, CsvColumn, CsvProgress, CsvIssue, CsvLineEndings, CsvReport, CsvTable, ParseCsvOptions } from './csv';
export { isDictionaryColumn, dictionaryEncode } from './dictionary-column';
export type { DictionaryColumn } from './dictionary-column';

export { validateTransactions, validateEvents, validateInteractions } from './validate';
export type { ValidateTransactionsOptions, ValidateEventsOptions, ValidateInteractionsOptions } from './validate';

export { Table } from './table';
export type {
  ColumnValue,
  TypedColumn,
  ColumnData,
  ColumnKind,
  TableRecord,
  FromRecordsOptions,
  ArrowLikeField,
  ArrowLikeSchema,
  ArrowLikeVector,
  ArrowLikeTable,
} from './table';

export { IdIndex, IdIndexBuilder } from './id-index';
export type { IdIndexJSON, EncodeOptions } from './id-index';

export { CsrMatrix, csrFromInteractions } from './csr';
export type {
  DuplicatePolicy,
  CsrMatrixJSON,
  CsrParts,
  CsrRow,
  CooArrays,
  FromCooOptions,
  ToDenseOptions,
  CsrFromInteractionsOptions,
  CsrFromInteractionsResult,
} from './csr';

export { startOfDay, addDays, daysBetween, periodKey, periodStart } from './time';
export type { PeriodUnit, Weekday, TimeZoneOptions, PeriodOptions } from './time';
