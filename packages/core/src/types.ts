/** An id as the caller spells it: a string or a number. */
export type Id = string | number;

/**
 * A point in time as callers give it: a `Date`, epoch milliseconds, or an
 * ISO-8601 string. Validation turns it into epoch milliseconds (UTC).
 */
export type TimestampInput = Date | number | string;

/**
 * One line of an order: who bought what, when, how many, at what price.
 * Give `unitPrice` (amount = quantity × unitPrice) or `amount` (the line
 * total); when both are given they must agree to within a cent.
 */
export interface Transaction {
  /** The buyer. */
  readonly customerId: Id;
  /** The order (invoice) this line belongs to. */
  readonly orderId: Id;
  /** When the order was placed. */
  readonly timestamp: TimestampInput;
  /** The product, when known. */
  readonly itemId?: Id;
  /** Units bought; negative for a return or cancellation line. */
  readonly quantity: number;
  /** Price of one unit. */
  readonly unitPrice?: number;
  /** Line total; defaults to quantity × unitPrice. */
  readonly amount?: number;
  /** Sales channel such as `web`, `store`, `app`. */
  readonly channel?: string;
}

/** The event types Marksman knows by name; any other string is allowed too. */
export type KnownEventType =
  | 'view'
  | 'click'
  | 'cart'
  | 'purchase'
  | 'email_send'
  | 'email_open'
  | 'email_click'
  | 'search'
  | 'signup';

/**
 * Event type: one of {@link KnownEventType} or any other non-empty string.
 * (`string & {}` keeps editor completion for the known names.)
 */
export type EventType = KnownEventType | (string & {});

/** Something a customer did at a point in time. */
export interface Event {
  /** Who did it. */
  readonly customerId: Id;
  /** When. */
  readonly timestamp: TimestampInput;
  /** What, e.g. `view`, `click`, `cart`, `purchase`, `email_open`. */
  readonly type: EventType;
  /** The item concerned, when there is one. */
  readonly itemId?: Id;
  /** A numeric value such as revenue for a purchase. */
  readonly value?: number;
  /** Free-form extra fields (channel, campaign, device…). */
  readonly properties?: Readonly<Record<string, unknown>>;
}

/** A user–item signal for recommenders (implicit or explicit). */
export interface Interaction {
  /** The user. */
  readonly userId: Id;
  /** The item. */
  readonly itemId: Id;
  /** Strength of the signal (count, rating, confidence); default 1. */
  readonly weight?: number;
  /** When it happened. */
  readonly timestamp?: TimestampInput;
}

/** A product in the catalogue. */
export interface Item {
  /** The item. */
  readonly itemId: Id;
  /** Category name. */
  readonly category?: string;
  /** List price. */
  readonly price?: number;
  /** Numeric side features (for cold start and factorization machines). */
  readonly features?: Readonly<Record<string, number>>;
}

/** A customer with descriptive attributes (age band, region, sign-up date…). */
export interface Customer {
  /** The customer. */
  readonly customerId: Id;
  /** Any attributes; numbers and strings are typical. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * A validated transaction: ids kept as given, `timestamp` in epoch ms (UTC)
 * and `amount` always present.
 */
export interface CleanTransaction {
  /** The buyer. */
  readonly customerId: Id;
  /** The order. */
  readonly orderId: Id;
  /** Epoch milliseconds (UTC). */
  readonly timestamp: number;
  /** The product, when known. */
  readonly itemId?: Id;
  /** Units bought (negative for returns). */
  readonly quantity: number;
  /** Price of one unit, when known. */
  readonly unitPrice?: number;
  /** Line total. */
  readonly amount: number;
  /** Sales channel. */
  readonly channel?: string;
}

/** A validated event, with `timestamp` in epoch ms (UTC). */
export interface CleanEvent {
  /** Who. */
  readonly customerId: Id;
  /** Epoch milliseconds (UTC). */
  readonly timestamp: number;
  /** What. */
  readonly type: EventType;
  /** The item concerned. */
  readonly itemId?: Id;
  /** Numeric value. */
  readonly value?: number;
  /** Extra fields. */
  readonly properties?: Readonly<Record<string, unknown>>;
}

/** A validated interaction: `weight` always present, timestamp in epoch ms when given. */
export interface CleanInteraction {
  /** The user. */
  readonly userId: Id;
  /** The item. */
  readonly itemId: Id;
  /** Signal strength (default 1). */
  readonly weight: number;
  /** Epoch milliseconds (UTC), when given. */
  readonly timestamp?: number;
}

/** Why one input row was refused by a validator. */
export interface RejectedRow {
  /** 0-based index of the row in the input. */
  readonly index: number;
  /** The field at fault (the first one found). */
  readonly field: string;
  /** Stable error code, e.g. `E_TIMESTAMP`. */
  readonly code: string;
  /** A sentence a person can act on. */
  readonly message: string;
}

/**
 * What a validator returns: the rows it kept (normalised), and for each
 * refused row its index, field, code and message. `kept + rejected.length
 * === total`; nothing is dropped silently.
 */
export interface ValidationReport<T> {
  /** The accepted rows, normalised (timestamps as epoch ms, defaults filled). */
  readonly rows: readonly T[];
  /** Indexes (into the input) of the accepted rows, in order. */
  readonly keptIndexes: Int32Array;
  /** Number of input rows. */
  readonly total: number;
  /** Number of accepted rows. */
  readonly kept: number;
  /** The refused rows, in input order. */
  readonly rejected: readonly RejectedRow[];
  /** Count of refused rows per error code. */
  readonly countsByCode: Readonly<Record<string, number>>;
}
