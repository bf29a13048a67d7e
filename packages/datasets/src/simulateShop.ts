import { OptionsError, Random, aliasSampler, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { CleanEvent, CleanInteraction, CleanTransaction, Customer, Item, TimestampInput } from '@marksman/core';
import { FloatColumn, IntColumn, orderByKey } from './internal/buffers';
import { checkNumber, checkNumberArray, checkTime } from './internal/checks';

const SOURCE = 'simulateShop';
const WEEK_MS = 7 * 24 * 3600 * 1000;
const MINUTE_W = 1 / (7 * 24 * 60); // one minute in weeks
const HOUR_W = 60 * MINUTE_W;

/** BG/NBD population parameters (Fader, Hardie & Lee 2005), time unit = one week. */
export interface ShopBgNbdParameters {
  /** Shape of the gamma distribution of transaction rates λ. */
  readonly r: number;
  /** Rate of the gamma distribution of λ (so E[λ] = r / alpha purchases per week). */
  readonly alpha: number;
  /** First shape of the beta distribution of the dropout probability p. */
  readonly a: number;
  /** Second shape of the beta distribution of p (so E[p] = a / (a + b)). */
  readonly b: number;
}

/** Gamma-Gamma spend parameters (Fader & Hardie 2013). */
export interface ShopGammaGammaParameters {
  /** Shape of the gamma distribution of one order's value given ν (E[value | ν] = p / ν). */
  readonly p: number;
  /** Shape of the gamma distribution of ν across customers. */
  readonly q: number;
  /** Rate of the gamma distribution of ν (so E[value] = p·gamma / (q − 1) when q > 1). */
  readonly gamma: number;
}

/** The e-mail campaign of {@link simulateShop}. Arm 0 is the control and receives no e-mail. */
export interface ShopCampaignOptions {
  /** Campaign name (a non-empty string), written into e-mail events. Default `'email-campaign'`. */
  readonly name?: string;
  /** Arm names, control first. Default `['control', 'discount', 'content']`. */
  readonly arms?: readonly string[];
  /** Allocation weights per arm (need not sum to 1). Default `[0.5, 0.25, 0.25]`. */
  readonly weights?: readonly number[];
  /**
   * Per arm, the probability that the e-mail triggers an extra (induced) order in the window for a
   * customer with segment multiplier 1; control must be 0. Default `[0, 0.08, 0.04]`.
   */
  readonly conversionEffects?: readonly number[];
  /** Per arm, a multiplier on the value of an induced order. Default `[1, 0.9, 1.2]`. */
  readonly spendMultipliers?: readonly number[];
  /**
   * Per segment, a multiplier on the conversion effect (the heterogeneity). Default `null`: evenly
   * spaced from 1.6 (segment 0) down to 0.4 (last segment), mean 1.
   */
  readonly segmentMultipliers?: readonly number[] | null;
  /** Week (from `start`) when the e-mails go out. Default 40. */
  readonly startWeek?: number;
  /** Length of the outcome window in weeks. Default 2. */
  readonly weeks?: number;
  /** Probability that a treated customer who does not convert opens the e-mail. Default 0.25. */
  readonly openRate?: number;
}

/** Options of {@link simulateShop}. Every field is optional. */
export interface SimulateShopOptions {
  /** Seed of the random stream; same seed, same shop. Default 0. */
  readonly seed?: number;
  /** Number of customers. Default 10,000. */
  readonly customers?: number;
  /** Number of items in the catalogue. Default 2,000. */
  readonly items?: number;
  /** Number of item categories, at most `items`. Default 12 (or `items` when smaller). */
  readonly categories?: number;
  /** Number of latent customer segments. Default 4. */
  readonly segments?: number;
  /**
   * Start of the simulated period: a valid `Date`, epoch milliseconds, or a strict ISO-8601
   * string (`2024-01-01`, `2024-01-01T00:00:00Z`, `…+01:00`). A date or date-time **without a
   * zone is read as UTC**, never in the machine's time zone, so a seed gives the same shop
   * everywhere. Impossible dates (`2024-02-30`) and other formats (`Jan 1 2024`) are refused.
   * Default `'2024-01-01T00:00:00Z'`.
   */
  readonly start?: TimestampInput;
  /** Length of the period in weeks. Default 52. */
  readonly weeks?: number;
  /** Customers make their first purchase uniformly within the first `acquisitionWeeks`. Default 26. */
  readonly acquisitionWeeks?: number;
  /** Dimension of the latent customer and item factor vectors. Default 8. */
  readonly factors?: number;
  /**
   * How separable the segments are, ≥ 0. Default 2. It scales every way in which segments differ:
   * - customer factors are `separation` × the segment's centre + N(0, I); the centre is the sum of
   *   the factor centres of the segment's home categories (see {@link simulateShop}) divided by
   *   √(number of them), so N(0, I) distributed;
   * - category taste: 2·`separation` on the segment's home categories, 0 elsewhere;
   * - segment mean age: 40 + N(0, (5·separation)²), clamped to 22…65 (customers: ± 8 years);
   * - region and preferred-channel mixes: log-weights N(0, (separation/2)²) per segment;
   * - the segment ↔ (frequency, spend) link: assignment noise 1/separation.
   *
   * At 0 segments are pure labels with no observable trace (adjusted Rand index of any clustering
   * ≈ 0). With `categories` ≥ `segments`, k-means on the standardised category shares of
   * `behaviourFeatures` recovers them with an adjusted Rand index of 0.3–0.6 at 0.5, 0.7–0.96
   * at 1 and ≥ 0.95 from 2 on (measured on 1,500 customers, 200 items, several seeds). Purchase
   * frequency and spend alone never separate them (λ and ν come from one continuous population),
   * nor do the attributes reliably (two segments may draw similar ones).
   */
  readonly separation?: number;
  /** BG/NBD purchase-timing parameters, per week. Default `{ r: 0.75, alpha: 4, a: 0.8, b: 2.5 }`. */
  readonly bgnbd?: Partial<ShopBgNbdParameters>;
  /** Gamma-Gamma order-value parameters. Default `{ p: 6, q: 4, gamma: 15 }` (mean order ≈ 30). */
  readonly gammaGamma?: Partial<ShopGammaGammaParameters>;
  /** Mean number of lines (distinct items) per order, ≥ 1. Default 1.6. */
  readonly linesPerOrder?: number;
  /** Browsing sessions without purchase per purchase opportunity (rate = this × λ). Default 1. */
  readonly browsePerPurchase?: number;
  /** Mean number of item views per browsing session, ≥ 1. Default 4. */
  readonly viewsPerSession?: number;
  /** Standard deviation of item log-popularity. Default 1. */
  readonly popularitySd?: number;
  /** Return purchase interactions aggregated per (customer, item). Default true. */
  readonly interactions?: boolean;
  /** The e-mail campaign (merged over its defaults; unknown keys are refused). */
  readonly campaign?: ShopCampaignOptions;
  /** Stops the simulation (throws `E_ABORTED`) when aborted. */
  readonly signal?: AbortSignal | undefined;
  /** Called with the share of customers simulated so far, in (0, 1]. */
  readonly onProgress?: ((fraction: number) => void) | undefined;
}

/** One customer's arm in the campaign. */
export interface ShopCampaignAssignment {
  /** The customer. */
  readonly customerId: string;
  /** Arm name. */
  readonly arm: string;
  /** Arm position in `campaign.arms` (0 = control). */
  readonly armIndex: number;
  /** When the e-mails went out (epoch ms). */
  readonly timestamp: number;
}

/** What one assigned customer did in the campaign window (all orders, induced or not). */
export interface ShopCampaignOutcome {
  /** The customer. */
  readonly customerId: string;
  /** Arm name. */
  readonly arm: string;
  /** 1 when the customer ordered at least once in the window, else 0. */
  readonly converted: number;
  /** Number of orders in the window. */
  readonly orders: number;
  /** Total order value in the window. */
  readonly spend: number;
}

/** The campaign part of a {@link SimulatedShop}. */
export interface ShopCampaign {
  /** Campaign name. */
  readonly name: string;
  /** Arm names, control first. */
  readonly arms: readonly string[];
  /** Send time (epoch ms); the window is [startTime, endTime). */
  readonly startTime: number;
  /** End of the outcome window (epoch ms, exclusive). */
  readonly endTime: number;
  /** One row per eligible customer (acquired before `startTime`), in customer order. */
  readonly assignments: readonly ShopCampaignAssignment[];
  /** One row per assigned customer, same order as `assignments`. */
  readonly outcomes: readonly ShopCampaignOutcome[];
}

/** Per-customer true effects of each arm versus sending nothing. */
export interface ShopTreatmentEffects {
  /** `conversion[k][i]`: rise in P(order in window) for customer i under arm k (0 for the control). */
  readonly conversion: readonly Float64Array[];
  /** `spend[k][i]`: rise in expected window spend for customer i under arm k. */
  readonly spend: readonly Float64Array[];
}

/**
 * The known ground truth behind a {@link SimulatedShop}. Per-customer arrays are indexed like
 * `customers` (customer `c{i+1}` is index i); per-item arrays like `items`.
 */
export interface ShopTruth {
  /** Latent segment of each customer, 0 … segments − 1. */
  readonly segmentOf: Int32Array;
  /** Number of segments. */
  readonly segments: number;
  /** The BG/NBD population parameters the rates and dropouts were drawn from. */
  readonly bgnbd: ShopBgNbdParameters;
  /** The Gamma-Gamma parameters the order values were drawn from. */
  readonly gammaGamma: ShopGammaGammaParameters;
  /** Each customer's purchase rate λ (per week while alive). */
  readonly lambda: Float64Array;
  /** Each customer's dropout probability p after a repeat purchase. */
  readonly dropout: Float64Array;
  /** Each customer's ν (mean order value = gammaGamma.p / ν). */
  readonly nu: Float64Array;
  /** First purchase (acquisition) time of each customer, epoch ms. */
  readonly acquisitionTime: Float64Array;
  /** When each customer dropped out (epoch ms of the last purchase), NaN when alive at the end. */
  readonly dropoutTime: Float64Array;
  /** Number of repeat purchases from the BG/NBD process (campaign-induced orders excluded). */
  readonly repeatPurchases: Int32Array;
  /** Latent dimension. */
  readonly factors: number;
  /** Item factor vectors, row-major (items × factors). */
  readonly itemFactors: Float64Array;
  /** Customer factor vectors, row-major (customers × factors). */
  readonly customerFactors: Float64Array;
  /** Item log-popularity added to every customer's affinity. */
  readonly itemPopularity: Float64Array;
  /**
   * Segment × category taste added to the affinity, row-major (segments × categories):
   * 2·`separation` on the segment's home categories, 0 elsewhere.
   */
  readonly categoryTaste: Float64Array;
  /** 1 when the customer was acquired before the campaign and so was assigned to an arm. */
  readonly eligible: Uint8Array;
  /** 1 when the customer was still alive (had not dropped out) at the campaign send time. */
  readonly aliveAtCampaign: Uint8Array;
  /** P(order in the window) without any e-mail: alive · (1 − e^(−λ·weeks)). */
  readonly baselineConversion: Float64Array;
  /** Each arm's true per-customer effects. */
  readonly treatmentEffects: ShopTreatmentEffects;
}

/** What {@link simulateShop} returns. */
export interface SimulatedShop {
  /** Customers with attributes `signupDate` (epoch ms), `age`, `region`, `preferredChannel`. */
  readonly customers: readonly Customer[];
  /** The catalogue: category, list price and noisy factor side features `f1…fd`. */
  readonly items: readonly Item[];
  /** Order lines in time order; `channel` is `web`, `app`, `store`, or `email` for campaign-induced orders. */
  readonly transactions: readonly CleanTransaction[];
  /**
   * Events (`view`, `click`, `cart`, `purchase`, `email_send`, `email_open`, `email_click`) in time
   * order. Item events carry `itemId`; a `purchase` also carries `value` (the line amount) and
   * `properties.orderId`; e-mail events carry `properties.campaign` and `properties.arm`.
   */
  readonly events: readonly CleanEvent[];
  /** Purchases per (customer, item): weight = units bought, timestamp = last purchase; absent when disabled. */
  readonly interactions?: readonly CleanInteraction[];
  /** The e-mail campaign: who got which arm and what they did. */
  readonly campaign: ShopCampaign;
  /** The latent truth that generated everything. */
  readonly truth: ShopTruth;
}

const CAMPAIGN_DEFAULTS: Readonly<Required<ShopCampaignOptions>> = Object.freeze({
  name: 'email-campaign',
  arms: Object.freeze(['control', 'discount', 'content']),
  weights: Object.freeze([0.5, 0.25, 0.25]),
  conversionEffects: Object.freeze([0, 0.08, 0.04]),
  spendMultipliers: Object.freeze([1, 0.9, 1.2]),
  segmentMultipliers: null,
  startWeek: 40,
  weeks: 2,
  openRate: 0.25,
});

const BGNBD_DEFAULTS: Readonly<ShopBgNbdParameters> = Object.freeze({ r: 0.75, alpha: 4, a: 0.8, b: 2.5 });
const GG_DEFAULTS: Readonly<ShopGammaGammaParameters> = Object.freeze({ p: 6, q: 4, gamma: 15 });

interface ResolvedShopOptions {
  seed: number;
  customers: number;
  items: number;
  categories: number;
  segments: number;
  start: TimestampInput;
  weeks: number;
  acquisitionWeeks: number;
  factors: number;
  separation: number;
  bgnbd: Partial<ShopBgNbdParameters> | undefined;
  gammaGamma: Partial<ShopGammaGammaParameters> | undefined;
  linesPerOrder: number;
  browsePerPurchase: number;
  viewsPerSession: number;
  popularitySd: number;
  interactions: boolean;
  campaign: ShopCampaignOptions | undefined;
  signal: AbortSignal | undefined;
  onProgress: ((fraction: number) => void) | undefined;
}

const DEFAULTS: Readonly<ResolvedShopOptions> = Object.freeze({
  seed: 0,
  customers: 10_000,
  items: 2_000,
  categories: 12,
  segments: 4,
  start: '2024-01-01T00:00:00Z',
  weeks: 52,
  acquisitionWeeks: 26,
  factors: 8,
  separation: 2,
  bgnbd: undefined,
  gammaGamma: undefined,
  linesPerOrder: 1.6,
  browsePerPurchase: 1,
  viewsPerSession: 4,
  popularitySd: 1,
  interactions: true,
  campaign: undefined,
  signal: undefined,
  onProgress: undefined,
});

const CATEGORY_NAMES = ['apparel', 'shoes', 'accessories', 'beauty', 'home', 'kitchen', 'garden', 'electronics', 'books', 'toys', 'sports', 'grocery'];
const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const CHANNELS = ['web', 'app', 'store', 'email'];
const EV_VIEW = 0;
const EV_CLICK = 1;
const EV_CART = 2;
const EV_PURCHASE = 3;
const EV_SEND = 4;
const EV_OPEN = 5;
const EV_EMAIL_CLICK = 6;
const EVENT_NAMES = ['view', 'click', 'cart', 'purchase', 'email_send', 'email_open', 'email_click'] as const;

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Generates a seeded synthetic shop with known ground truth: customers, a catalogue, order lines,
 * a click-stream, purchase interactions and a randomised e-mail campaign.
 *
 * The model:
 * - **Timing (BG/NBD)**: customer i makes a first purchase at an acquisition time uniform in the
 *   first `acquisitionWeeks`; then, while alive, purchases follow a Poisson process with rate
 *   λᵢ ~ Gamma(r, rate alpha) per week, and after each repeat purchase the customer drops out for
 *   good with probability pᵢ ~ Beta(a, b) (Fader, Hardie & Lee 2005).
 * - **Spend (Gamma-Gamma)**: νᵢ ~ Gamma(q, rate γ); each order's value ~ Gamma(p, rate νᵢ)
 *   (Fader & Hardie 2013). An order's lines share the value in proportion to list price × units,
 *   so a line's `unitPrice` is the list price scaled to the order value (rounded to cents).
 * - **Segments**: λ, p and ν are drawn from the single populations above, so the whole base is
 *   exactly BG/NBD / Gamma-Gamma; each customer's segment is then the nearest of `segments`
 *   directions in the plane of standardised (log λ, −log ν), with noise 1/separation. Segments thus
 *   differ in frequency and spend; they also have their own factor centre, category tastes, age,
 *   region and channel mix, all scaled by `separation` (see {@link SimulateShopOptions.separation}).
 *   Each segment has *home categories*: the categories in a seeded random order, dealt round-robin
 *   to the segments (segment s gets the s-th, (s + segments)-th, … of that order), whose taste is
 *   raised by 2·separation and whose factor centres make up the segment's factor centre; so at
 *   high separation segments shop in disjoint categories.
 * - **Items**: category (Zipf-like shares), list price (log-normal per category), factor vector
 *   (category centre + noise), log-popularity ~ N(0, popularitySd²).
 * - **Affinity**: score(u, i) = fᵤ·gᵢ/√d + popularityᵢ + taste[segment(u), category(i)]; items in
 *   orders and browsing sessions are drawn with probability ∝ exp(score) (browsing: 30% from
 *   popularity alone). A view becomes a click with probability σ(0.9·z − 2.5) and a click a cart
 *   with σ(0.9·z − 2), z = the score standardised over the catalogue for that customer.
 * - **Funnel invariant**: every order line is preceded, within the hour before the order, by a
 *   `view`, a `click` and a `cart` of that item by that customer; the `purchase` event has the
 *   order's timestamp. Browsing sessions (rate browsePerPurchase·λ while alive) never purchase.
 * - **Campaign**: customers acquired before `campaign.startWeek` are assigned to arms with the
 *   given weights. Arm k (k > 0) sends an e-mail; with probability τᵢₖ = conversionEffects[k] ·
 *   segmentMultipliers[segment] it triggers one extra order (channel `email`, value × spendMultipliers[k])
 *   within a week of the send, on top of the BG/NBD process (it does not revive or kill anyone).
 *   True effects: conversion τᵢₖ·(1 − P₀ᵢ) with P₀ᵢ = alive·(1 − e^(−λᵢ·weeks)); spend τᵢₖ·(p/νᵢ)·spendMultipliers[k].
 *
 * Costs O(customers · items · factors) for the affinities plus O(rows) for the output; the defaults
 * (10,000 customers, 2,000 items, one year) give about 43,000 orders in 69,000 lines and 490,000
 * events (timings: `benchmarks/datasets`).
 *
 * @param options - see {@link SimulateShopOptions}
 * @returns customers, items, transactions, events, interactions, campaign and truth
 * @throws `OptionsError` (from `@marksman/core`) `E_OPTION_RANGE` for an out-of-range option (a number given as a
 *   string, an impossible or non-ISO `start`, a `signal` that is not an AbortSignal…), `E_OPTION_UNKNOWN` for
 *   an unknown one; `AbortError` (from `@marksman/core`) `E_ABORTED` when `signal` aborts
 * @example
 * ```ts
 * import { simulateShop } from '@marksman/datasets';
 * const shop = simulateShop({ customers: 200, items: 50, seed: 1 });
 * shop.customers.length; // => 200
 * shop.truth.bgnbd; // => { r: 0.75, alpha: 4, a: 0.8, b: 2.5 }
 * shop.campaign.arms; // => ['control', 'discount', 'content']
 * ```
 */
export function simulateShop(options?: SimulateShopOptions): SimulatedShop {
  const o = resolveOptions<ResolvedShopOptions>(SOURCE, DEFAULTS, options);
  const nCust = checkNumber(SOURCE, 'customers', o.customers, 1, 5_000_000, true);
  const nItems = checkNumber(SOURCE, 'items', o.items, 1, 1_000_000, true);
  // The default number of categories shrinks with a tiny catalogue; an explicit one must fit.
  const nCat = checkNumber(SOURCE, 'categories', options?.categories === undefined ? Math.min(o.categories, nItems) : o.categories, 1, nItems, true);
  const nSeg = checkNumber(SOURCE, 'segments', o.segments, 1, 64, true);
  const weeks = checkNumber(SOURCE, 'weeks', o.weeks, 1, 520);
  const acqWeeks = checkNumber(SOURCE, 'acquisitionWeeks', o.acquisitionWeeks, 0.01, weeks);
  const d = checkNumber(SOURCE, 'factors', o.factors, 1, 256, true);
  const sep = checkNumber(SOURCE, 'separation', o.separation, 0, 100);
  const linesPerOrder = checkNumber(SOURCE, 'linesPerOrder', o.linesPerOrder, 1, 50);
  const browse = checkNumber(SOURCE, 'browsePerPurchase', o.browsePerPurchase, 0, 100);
  const viewsPerSession = checkNumber(SOURCE, 'viewsPerSession', o.viewsPerSession, 1, 100);
  const popSd = checkNumber(SOURCE, 'popularitySd', o.popularitySd, 0, 10);
  const startMs = checkTime(SOURCE, 'start', o.start);
  if (!(Math.abs(startMs + weeks * WEEK_MS) <= 8.64e15)) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: start + ${weeks} weeks falls outside the range of Date; choose an earlier start.`, { source: SOURCE, field: 'start' });
  }
  if (typeof o.interactions !== 'boolean') {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: interactions must be true or false.`, { source: SOURCE, field: 'interactions' });
  }
  const bg = resolveOptions<ShopBgNbdParameters>(`${SOURCE}.bgnbd`, BGNBD_DEFAULTS, o.bgnbd);
  const bgnbd: ShopBgNbdParameters = {
    r: checkNumber(SOURCE, 'bgnbd.r', bg.r, 1e-3, 1e3),
    alpha: checkNumber(SOURCE, 'bgnbd.alpha', bg.alpha, 1e-3, 1e6),
    a: checkNumber(SOURCE, 'bgnbd.a', bg.a, 1e-3, 1e3),
    b: checkNumber(SOURCE, 'bgnbd.b', bg.b, 1e-3, 1e3),
  };
  const ggIn = resolveOptions<ShopGammaGammaParameters>(`${SOURCE}.gammaGamma`, GG_DEFAULTS, o.gammaGamma);
  const gg: ShopGammaGammaParameters = {
    p: checkNumber(SOURCE, 'gammaGamma.p', ggIn.p, 1e-2, 1e3),
    q: checkNumber(SOURCE, 'gammaGamma.q', ggIn.q, 1e-2, 1e3),
    gamma: checkNumber(SOURCE, 'gammaGamma.gamma', ggIn.gamma, 1e-3, 1e6),
  };
  const c = resolveOptions<Required<ShopCampaignOptions>>(`${SOURCE}.campaign`, CAMPAIGN_DEFAULTS, o.campaign);
  if (!Array.isArray(c.arms) || c.arms.length < 1 || c.arms.some((a) => typeof a !== 'string' || a === '') || new Set(c.arms).size !== c.arms.length) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: campaign.arms must be distinct non-empty strings, control first.`, { source: SOURCE, field: 'campaign.arms' });
  }
  const nArms = c.arms.length;
  const armWeights = checkNumberArray(SOURCE, 'campaign.weights', c.weights, nArms, 0, Infinity);
  if (!(armWeights.reduce((s, w) => s + w, 0) > 0)) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: campaign.weights must have a positive sum.`, { source: SOURCE, field: 'campaign.weights' });
  }
  const convEffects = checkNumberArray(SOURCE, 'campaign.conversionEffects', c.conversionEffects, nArms, 0, 1);
  if (convEffects[0] !== 0) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: campaign.conversionEffects[0] must be 0: arm 0 is the control and gets no e-mail.`, { source: SOURCE, field: 'campaign.conversionEffects' });
  }
  const spendMult = checkNumberArray(SOURCE, 'campaign.spendMultipliers', c.spendMultipliers, nArms, 0, 100);
  const segMult =
    c.segmentMultipliers === null
      ? Array.from({ length: nSeg }, (_, s) => (nSeg === 1 ? 1 : 1.6 - (1.2 * s) / (nSeg - 1)))
      : checkNumberArray(SOURCE, 'campaign.segmentMultipliers', c.segmentMultipliers, nSeg, 0, 1e3);
  const campStartW = checkNumber(SOURCE, 'campaign.startWeek', c.startWeek, 0, weeks);
  const campWeeks = checkNumber(SOURCE, 'campaign.weeks', c.weeks, 1 / 7, weeks - campStartW);
  const openRate = checkNumber(SOURCE, 'campaign.openRate', c.openRate, 0, 1);
  if (typeof c.name !== 'string' || c.name === '') {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: campaign.name must be a non-empty string, got ${typeof c.name === 'string' ? '""' : typeof c.name}.`, { source: SOURCE, field: 'campaign.name' });
  }
  const campaignName = c.name;
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: onProgress must be a function.`, { source: SOURCE, field: 'onProgress' });
  }
  throwIfAborted(o.signal, SOURCE);

  // Independent streams, so that changing one part of the model does not reshuffle the others.
  const root = new Random(checkNumber(SOURCE, 'seed', o.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true));
  const rngSeg = root.fork();
  const rngItems = root.fork();
  const rngPop = root.fork();
  const rngCamp = root.fork();
  const rng = root.fork(); // behaviour
  const rngHome = root.fork(); // home categories of the segments (forked last: the streams above keep their draws)

  // ---- segments: tastes, attribute mixes (factor centres follow the catalogue) --------------
  const taste = new Float64Array(nSeg * nCat); // 2·separation on home categories, set below
  const segAge = new Float64Array(nSeg);
  for (let s = 0; s < nSeg; s++) segAge[s] = Math.min(65, Math.max(22, 40 + 5 * sep * rngSeg.normal()));
  const segRegion: ((r: Random) => number)[] = [];
  const segChannel: ((r: Random) => number)[] = [];
  for (let s = 0; s < nSeg; s++) {
    segRegion.push(aliasSampler(REGIONS.map(() => Math.exp(0.5 * sep * rngSeg.normal()))));
    segChannel.push(aliasSampler([0, 1, 2].map(() => Math.exp(0.5 * sep * rngSeg.normal()))));
  }
  const segAngle = Array.from({ length: nSeg }, (_, s) => (2 * Math.PI * s) / nSeg + Math.PI / 4);

  // ---- catalogue -------------------------------------------------------------------------------
  const catWeights = Array.from({ length: nCat }, (_, k) => 1 / Math.pow(k + 1, 0.8));
  const drawCat = aliasSampler(catWeights);
  const catCentre = new Float64Array(nCat * d);
  for (let k = 0; k < catCentre.length; k++) catCentre[k] = rngItems.normal();
  const catMedian = new Float64Array(nCat);
  for (let k = 0; k < nCat; k++) catMedian[k] = Math.exp(rngItems.normal(Math.log(25), 0.6));
  const itemCat = new Int32Array(nItems);
  const itemPrice = new Float64Array(nItems);
  const itemPop = new Float64Array(nItems);
  const itemFactors = new Float64Array(nItems * d);
  const items: Item[] = new Array<Item>(nItems);
  const catName = (k: number) => CATEGORY_NAMES[k] ?? `category-${k + 1}`;
  for (let j = 0; j < nItems; j++) {
    const k = drawCat(rngItems);
    itemCat[j] = k;
    itemPrice[j] = Math.max(0.5, round2(catMedian[k]! * Math.exp(rngItems.normal(0, 0.4))));
    itemPop[j] = popSd * rngItems.normal();
    const features: Record<string, number> = {};
    for (let f = 0; f < d; f++) {
      const g = catCentre[k * d + f]! + 0.7 * rngItems.normal();
      itemFactors[j * d + f] = g;
      features[`f${f + 1}`] = g + 0.5 * rngItems.normal();
    }
    items[j] = { itemId: `i${j + 1}`, category: catName(k), price: itemPrice[j]!, features };
  }
  const segCentre = new Float64Array(nSeg * d);
  // Home categories: the categories, in a seeded random order, dealt round-robin to the segments
  // (a category is home to one segment when categories ≥ segments, else segments share them).
  // Their taste is raised by 2·separation, and the segment's factor centre is made of their factor
  // centres, so at high separation each segment buys and browses mostly in its own
  // categories and the category shares reveal the segment.
  {
    const order = rngHome.shuffle(Array.from({ length: nCat }, (_, c) => c));
    const homeSum = new Float64Array(nSeg * d);
    const homeCount = new Float64Array(nSeg);
    for (let j = 0; j < Math.max(nCat, nSeg); j++) {
      const s = j % nSeg;
      const k = order[j % nCat]!;
      taste[s * nCat + k] = 2 * sep;
      homeCount[s]!++;
      for (let f = 0; f < d; f++) homeSum[s * d + f]! += catCentre[k * d + f]!;
    }
    // Segment centre = Σ_home catCentre / √|home|: N(0, I) like each category centre.
    for (let s = 0; s < nSeg; s++) {
      const w = 1 / Math.sqrt(homeCount[s]!);
      for (let f = 0; f < d; f++) segCentre[s * d + f] = w * homeSum[s * d + f]!;
    }
  }
  // Popularity-only distribution for browsing noise.
  const popCdf = new Float64Array(nItems);
  {
    let acc = 0;
    for (let j = 0; j < nItems; j++) popCdf[j] = acc += Math.exp(itemPop[j]!);
  }

  // ---- customers: BG/NBD and Gamma-Gamma latents, segment, factors, attributes ----------------
  const lambda = new Float64Array(nCust);
  const dropout = new Float64Array(nCust);
  const nu = new Float64Array(nCust);
  const acqW = new Float64Array(nCust);
  for (let i = 0; i < nCust; i++) {
    lambda[i] = rngPop.gamma(bgnbd.r, 1 / bgnbd.alpha);
    dropout[i] = rngPop.beta(bgnbd.a, bgnbd.b);
    nu[i] = rngPop.gamma(gg.q, 1 / gg.gamma);
    acqW[i] = HOUR_W + rngPop.next() * (acqWeeks - HOUR_W);
  }
  const segmentOf = new Int32Array(nCust);
  {
    let m1 = 0, s1 = 0, m2 = 0, s2 = 0;
    for (let i = 0; i < nCust; i++) {
      const x = Math.log(Math.max(lambda[i]!, 1e-300));
      const y = -Math.log(nu[i]!);
      m1 += x; s1 += x * x; m2 += y; s2 += y * y;
    }
    m1 /= nCust; m2 /= nCust;
    const sd1 = Math.sqrt(Math.max(s1 / nCust - m1 * m1, 1e-12));
    const sd2 = Math.sqrt(Math.max(s2 / nCust - m2 * m2, 1e-12));
    const noise = sep > 0 ? 1 / sep : 1e6;
    for (let i = 0; i < nCust; i++) {
      const zx = (Math.log(Math.max(lambda[i]!, 1e-300)) - m1) / sd1;
      const zy = (-Math.log(nu[i]!) - m2) / sd2;
      let best = 0, bestScore = -Infinity;
      for (let s = 0; s < nSeg; s++) {
        const score = Math.cos(segAngle[s]!) * zx + Math.sin(segAngle[s]!) * zy + noise * rngPop.normal();
        if (score > bestScore) { bestScore = score; best = s; }
      }
      segmentOf[i] = best;
    }
  }
  const customerFactors = new Float64Array(nCust * d);
  const customers: Customer[] = new Array<Customer>(nCust);
  const prefChannel = new Int32Array(nCust);
  for (let i = 0; i < nCust; i++) {
    const s = segmentOf[i]!;
    for (let f = 0; f < d; f++) customerFactors[i * d + f] = sep * segCentre[s * d + f]! + rngPop.normal();
    const age = Math.round(Math.min(90, Math.max(18, rngPop.normal(segAge[s]!, 8))));
    const region = REGIONS[segRegion[s]!(rngPop)]!;
    prefChannel[i] = segChannel[s]!(rngPop);
    customers[i] = {
      customerId: `c${i + 1}`,
      attributes: { signupDate: Math.round(startMs + acqW[i]! * WEEK_MS), age, region, preferredChannel: CHANNELS[prefChannel[i]!]! },
    };
  }

  // ---- campaign assignment -------------------------------------------------------------------
  const drawArm = aliasSampler(armWeights);
  const armOf = new Int32Array(nCust).fill(-1);
  const eligible = new Uint8Array(nCust);
  for (let i = 0; i < nCust; i++) {
    if (acqW[i]! < campStartW) {
      eligible[i] = 1;
      armOf[i] = drawArm(rngCamp);
    }
  }

  // ---- behaviour -----------------------------------------------------------------------------
  const ordCust = new IntColumn(), ordTime = new FloatColumn(), ordChannel = new IntColumn(), ordLineEnd = new IntColumn();
  const lineItem = new IntColumn(), lineQty = new IntColumn(), linePrice = new FloatColumn(), lineAmount = new FloatColumn();
  const evCust = new IntColumn(1 << 16), evTime = new FloatColumn(1 << 16), evType = new IntColumn(1 << 16);
  const evItem = new IntColumn(1 << 16), evValue = new FloatColumn(1 << 16), evRef = new IntColumn(1 << 16);
  const dropoutTime = new Float64Array(nCust).fill(NaN);
  const repeatPurchases = new Int32Array(nCust);
  const aliveAtCampaign = new Uint8Array(nCust);
  const baselineConversion = new Float64Array(nCust);
  const convEffect = Array.from({ length: nArms }, () => new Float64Array(nCust));
  const spendEffect = Array.from({ length: nArms }, () => new Float64Array(nCust));

  // Per segment, the part of the affinity that does not depend on the customer's factors.
  const segItemBase = new Float64Array(nSeg * nItems);
  for (let s = 0; s < nSeg; s++) {
    for (let j = 0; j < nItems; j++) segItemBase[s * nItems + j] = itemPop[j]! + taste[s * nCat + itemCat[j]!]!;
  }
  const fu = new Float64Array(d);
  const score = new Float64Array(nItems);
  const cdf = new Float64Array(nItems);
  const invSqrtD = 1 / Math.sqrt(d);
  const endW = weeks;
  const campEndW = campStartW + campWeeks;
  const toMs = (w: number) => Math.round(startMs + w * WEEK_MS);

  const pushEvent = (i: number, w: number, type: number, item: number, value: number, ref: number) => {
    evCust.push(i);
    evTime.push(toMs(w));
    evType.push(type);
    evItem.push(item);
    evValue.push(value);
    evRef.push(ref);
  };
  const searchCdf = (table: Float64Array, u: number) => {
    let lo = 0, hi = nItems - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (table[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const drawPersonal = () => searchCdf(cdf, rng.next() * cdf[nItems - 1]!);
  const drawPopular = () => searchCdf(popCdf, rng.next() * popCdf[nItems - 1]!);
  const chosen: number[] = [];
  const makeOrder = (i: number, w: number, channel: number, valueMult: number) => {
    const order = ordCust.length;
    const nLines = Math.min(nItems, 1 + rng.poisson(linesPerOrder - 1));
    chosen.length = 0;
    for (let l = 0; l < nLines; l++) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const j = drawPersonal();
        if (!chosen.includes(j)) {
          chosen.push(j);
          break;
        }
      }
    }
    const value = rng.gamma(gg.p, 1 / nu[i]!) * valueMult;
    const qty = chosen.map(() => 1 + rng.poisson(0.2));
    let listTotal = 0;
    for (let l = 0; l < chosen.length; l++) listTotal += itemPrice[chosen[l]!]! * qty[l]!;
    const session = (10 + 40 * rng.next()) * MINUTE_W; // the funnel starts up to 50 minutes before checkout
    for (let l = 0; l < chosen.length; l++) {
      const j = chosen[l]!;
      const unit = Math.max(0.01, round2((value * itemPrice[j]!) / listTotal));
      const amount = round2(unit * qty[l]!);
      lineItem.push(j);
      lineQty.push(qty[l]!);
      linePrice.push(unit);
      lineAmount.push(amount);
      const t0 = w - session * (1 - 0.1 * l / chosen.length);
      pushEvent(i, t0, EV_VIEW, j, NaN, -1);
      pushEvent(i, t0 + 0.3 * session, EV_CLICK, j, NaN, -1);
      pushEvent(i, t0 + 0.6 * session, EV_CART, j, NaN, -1);
      pushEvent(i, w, EV_PURCHASE, j, amount, order);
    }
    ordCust.push(i);
    ordTime.push(toMs(w));
    ordChannel.push(channel);
    ordLineEnd.push(lineItem.length);
  };
  const channelFor = (i: number) => (rng.next() < 0.8 ? prefChannel[i]! : rng.int(3));

  const progressEvery = Math.max(1, Math.floor(nCust / 20));
  for (let i = 0; i < nCust; i++) {
    if (i % 1024 === 0) throwIfAborted(o.signal, SOURCE);
    const s = segmentOf[i]!;
    // Affinities and the personal item distribution.
    let mx = -Infinity, sum = 0, sum2 = 0;
    for (let f = 0; f < d; f++) fu[f] = customerFactors[i * d + f]! * invSqrtD;
    const baseOff = s * nItems;
    for (let j = 0, go = 0; j < nItems; j++, go += d) {
      let dot = 0;
      for (let f = 0; f < d; f++) dot += fu[f]! * itemFactors[go + f]!;
      const sc = dot + segItemBase[baseOff + j]!;
      score[j] = sc;
      sum += sc;
      sum2 += sc * sc;
      if (sc > mx) mx = sc;
    }
    const scoreMean = sum / nItems;
    const scoreSd = Math.sqrt(Math.max(sum2 / nItems - scoreMean * scoreMean, 1e-12));
    let acc = 0;
    for (let j = 0; j < nItems; j++) cdf[j] = acc += Math.exp(score[j]! - mx);

    // BG/NBD timing: first purchase at acquisition, repeats while alive.
    const lam = lambda[i]!;
    const t0 = acqW[i]!;
    makeOrder(i, t0, channelFor(i), 1);
    let t = t0;
    let death = Infinity;
    let repeats = 0;
    for (;;) {
      if (!(lam > 0)) break;
      t += rng.exponential(lam);
      if (t >= endW) break;
      makeOrder(i, t, channelFor(i), 1);
      repeats++;
      if (rng.bernoulli(dropout[i]!)) {
        death = t;
        break;
      }
    }
    repeatPurchases[i] = repeats;
    if (death < Infinity) dropoutTime[i] = toMs(death);

    // Browsing sessions while alive.
    const aliveEnd = Math.min(death, endW);
    const nSessions = lam > 0 ? rng.poisson(browse * lam * (aliveEnd - t0)) : 0;
    for (let k = 0; k < nSessions; k++) {
      let w = t0 + rng.next() * (aliveEnd - t0);
      const nViews = 1 + rng.poisson(viewsPerSession - 1);
      for (let v = 0; v < nViews; v++) {
        w += (0.5 + 2 * rng.next()) * MINUTE_W;
        if (w >= endW) break;
        const j = rng.next() < 0.7 ? drawPersonal() : drawPopular();
        pushEvent(i, w, EV_VIEW, j, NaN, -1);
        const z = (score[j]! - scoreMean) / scoreSd;
        if (rng.bernoulli(logistic(0.9 * z - 2.5))) {
          const wc = w + 0.2 * MINUTE_W;
          if (wc < endW) pushEvent(i, wc, EV_CLICK, j, NaN, -1);
          if (rng.bernoulli(logistic(0.9 * z - 2))) {
            const wk = w + 0.5 * MINUTE_W;
            if (wk < endW) pushEvent(i, wk, EV_CART, j, NaN, -1);
          }
        }
      }
    }

    // Campaign.
    if (eligible[i] === 1) {
      const alive = death > campStartW ? 1 : 0;
      aliveAtCampaign[i] = alive;
      const p0 = alive * (1 - Math.exp(-lam * campWeeks));
      baselineConversion[i] = p0;
      const meanValue = gg.p / nu[i]!;
      for (let k = 1; k < nArms; k++) {
        const tau = Math.min(1, convEffects[k]! * segMult[s]!);
        convEffect[k]![i] = tau * (1 - p0);
        spendEffect[k]![i] = tau * meanValue * spendMult[k]!;
      }
      const arm = armOf[i]!;
      if (arm > 0) {
        pushEvent(i, campStartW, EV_SEND, -1, NaN, arm);
        const tau = Math.min(1, convEffects[arm]! * segMult[s]!);
        if (rng.bernoulli(tau)) {
          const w = campStartW + 2 * HOUR_W + rng.next() * (Math.min(1, campWeeks) - 2 * HOUR_W);
          pushEvent(i, w - HOUR_W, EV_OPEN, -1, NaN, arm);
          pushEvent(i, w - 55 * MINUTE_W, EV_EMAIL_CLICK, -1, NaN, arm);
          makeOrder(i, w, 3, spendMult[arm]!);
        } else if (rng.bernoulli(openRate)) {
          pushEvent(i, campStartW + rng.next() * Math.min(campWeeks, 2 / 7), EV_OPEN, -1, NaN, arm);
        }
      }
    }
    if (o.onProgress !== undefined && ((i + 1) % progressEvery === 0 || i + 1 === nCust)) o.onProgress((i + 1) / nCust);
  }

  // ---- edge: records ---------------------------------------------------------------------------
  const nOrders = ordCust.length;
  const orderRank = new Int32Array(nOrders);
  const orderSeq = orderByKey(ordTime.data, nOrders);
  for (let r = 0; r < nOrders; r++) orderRank[orderSeq[r]!] = r;
  const orderId = (o2: number) => `o${orderRank[o2]! + 1}`;
  const transactions: CleanTransaction[] = new Array<CleanTransaction>(lineItem.length);
  let tx = 0;
  const campStartMs = toMs(campStartW);
  const campEndMs = toMs(campEndW);
  const outConverted = new Uint8Array(nCust);
  const outOrders = new Int32Array(nCust);
  const outSpend = new Float64Array(nCust);
  for (let r = 0; r < nOrders; r++) {
    const ord = orderSeq[r]!;
    const i = ordCust.data[ord]!;
    const ms = ordTime.data[ord]!;
    const id = orderId(ord);
    const channel = CHANNELS[ordChannel.data[ord]!]!;
    let total = 0;
    for (let l = ord === 0 ? 0 : ordLineEnd.data[ord - 1]!; l < ordLineEnd.data[ord]!; l++) {
      const amount = lineAmount.data[l]!;
      total += amount;
      transactions[tx++] = {
        customerId: customers[i]!.customerId,
        orderId: id,
        timestamp: ms,
        itemId: items[lineItem.data[l]!]!.itemId,
        quantity: lineQty.data[l]!,
        unitPrice: linePrice.data[l]!,
        amount,
        channel,
      };
    }
    if (eligible[i] === 1 && ms >= campStartMs && ms < campEndMs) {
      outConverted[i] = 1;
      outOrders[i]!++;
      outSpend[i]! += total;
    }
  }

  const nEvents = evCust.length;
  const evSeq = orderByKey(evTime.data, nEvents);
  const events: CleanEvent[] = new Array<CleanEvent>(nEvents);
  for (let r = 0; r < nEvents; r++) {
    const e = evSeq[r]!;
    const type = evType.data[e]!;
    const customerId = customers[evCust.data[e]!]!.customerId;
    const timestamp = evTime.data[e]!;
    const name = EVENT_NAMES[type]!;
    if (type === EV_PURCHASE) {
      const properties = { orderId: orderId(evRef.data[e]!) };
      events[r] = { customerId, timestamp, type: name, itemId: items[evItem.data[e]!]!.itemId, value: evValue.data[e]!, properties };
    } else if (type >= EV_SEND) {
      events[r] = { customerId, timestamp, type: name, properties: { campaign: campaignName, arm: c.arms[evRef.data[e]!]! } };
    } else {
      events[r] = { customerId, timestamp, type: name, itemId: items[evItem.data[e]!]!.itemId };
    }
  }

  let interactions: CleanInteraction[] | undefined;
  if (o.interactions) {
    // Aggregate purchased units per (customer, item) pair, keyed customer·items + item.
    const units = new Map<number, number>();
    const last = new Map<number, number>();
    for (let r = 0; r < nOrders; r++) {
      const ord = orderSeq[r]!;
      const base = ordCust.data[ord]! * nItems;
      for (let l = ord === 0 ? 0 : ordLineEnd.data[ord - 1]!; l < ordLineEnd.data[ord]!; l++) {
        const key = base + lineItem.data[l]!;
        units.set(key, (units.get(key) ?? 0) + lineQty.data[l]!);
        last.set(key, ordTime.data[ord]!);
      }
    }
    const keys = [...units.keys()].sort((x, y) => x - y);
    interactions = keys.map((key) => ({
      userId: customers[Math.floor(key / nItems)]!.customerId,
      itemId: items[key % nItems]!.itemId,
      weight: units.get(key)!,
      timestamp: last.get(key)!,
    }));
  }

  const assignments: ShopCampaignAssignment[] = [];
  const outcomes: ShopCampaignOutcome[] = [];
  for (let i = 0; i < nCust; i++) {
    if (eligible[i] !== 1) continue;
    const arm = c.arms[armOf[i]!]!;
    const customerId = customers[i]!.customerId as string;
    assignments.push({ customerId, arm, armIndex: armOf[i]!, timestamp: campStartMs });
    outcomes.push({ customerId, arm, converted: outConverted[i]!, orders: outOrders[i]!, spend: round2(outSpend[i]!) });
  }

  const acquisitionTime = new Float64Array(nCust);
  for (let i = 0; i < nCust; i++) acquisitionTime[i] = toMs(acqW[i]!);

  const shop: SimulatedShop = {
    customers,
    items,
    transactions,
    events,
    ...(interactions === undefined ? {} : { interactions }),
    campaign: { name: campaignName, arms: [...c.arms], startTime: campStartMs, endTime: campEndMs, assignments, outcomes },
    truth: {
      segmentOf,
      segments: nSeg,
      bgnbd,
      gammaGamma: gg,
      lambda,
      dropout,
      nu,
      acquisitionTime,
      dropoutTime,
      repeatPurchases,
      factors: d,
      itemFactors,
      customerFactors,
      itemPopularity: itemPop,
      categoryTaste: taste,
      eligible,
      aliveAtCampaign,
      baselineConversion,
      treatmentEffects: { conversion: convEffect, spend: spendEffect },
    },
  };
  return shop;
}
