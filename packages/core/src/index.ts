// @marksman/core — the public face. Nothing outside this file is public.

export {
  MarksmanError,
  ValidationError,
  OptionsError,
  ParseError,
  StateError,
  ConvergenceError,
  AbortError,
  throwIfAborted,
  assertNever,
} from './errors';
export type { ErrorLocation, MarksmanErrorJSON } from './errors';

export { resolveOptions } from './options';

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
