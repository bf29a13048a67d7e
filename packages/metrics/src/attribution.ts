import { OptionsError, Random, ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { arrowColumnNames, arrowListColumn, arrowNumberColumn, assertNever, isArrowTable, resolveOptions } from '@marksman/core/internal';
import { isList, requireFinite, requireFiniteResult, requirePositiveIntegerOption } from './validation';

const PATH_KEYS: readonly string[] = ['channels', 'conversions', 'nulls', 'ages'];

/** Attribution model of {@link attribution}. */
export type AttributionModel = 'first_touch' | 'last_touch' | 'linear' | 'time_decay' | 'position_based' | 'markov' | 'shapley';

/**
 * A journey (or a group of identical journeys) with its outcome counts, as
 * exported by analytics tools: the channels touched in order, how many such
 * journeys converted and how many ended without converting.
 */
export interface ConversionPath {
  /** Channels touched, in time order (e.g. `['search', 'email', 'direct']`). */
  readonly channels: ArrayLike<string>;
  /** Journeys on this path that converted; default 1. */
  readonly conversions?: number;
  /** Journeys on this path that ended without a conversion (used by `'markov'` and `'shapley'` only); default 0. */
  readonly nulls?: number;
  /**
   * Time from each touch to the conversion (e.g. days), aligned with
   * `channels`, for `'time_decay'`. Default: the number of touches between a
   * touch and the last one (last touch 0, the one before 1, …).
   */
  readonly ages?: ArrayLike<number>;
}

/** Options of {@link attribution}. */
export interface AttributionOptions {
  /** The model; default `'linear'`. */
  readonly model?: AttributionModel;
  /** `'time_decay'`: a touch `halfLife` older than another gets half its weight; in the unit of `ages`; default 7. */
  readonly halfLife?: number;
  /** `'position_based'`: share of the first touch; default 0.4. */
  readonly firstWeight?: number;
  /** `'position_based'`: share of the last touch; default 0.4 (the middle touches share the rest). */
  readonly lastWeight?: number;
  /**
   * `'shapley'`: journeys touching more distinct channels than this get
   * sampled Shapley values (permutation sampling); up to it, exact ones
   * (O(m·2^m) for m channels). An integer from 1 to 20; default 15.
   */
  readonly exactLimit?: number;
  /** `'shapley'`: permutations drawn per sampled channel set; default 2000. */
  readonly samples?: number;
  /** `'shapley'`: seed of the permutation sampling; default 0. */
  readonly seed?: number;
}

/** Conversions credited to each channel. */
export interface AttributionResult {
  /** The model used. */
  readonly model: AttributionModel;
  /** Every channel seen, sorted by name. */
  readonly channels: readonly string[];
  /** Conversions credited to each channel, aligned with `channels`; they sum to `conversions`. */
  readonly credits: Float64Array;
  /** Total conversions over all paths. */
  readonly conversions: number;
  /** `'markov'` only: removal effect of each channel, 1 − P(convert without it) / P(convert); else `null`. */
  readonly removalEffects: Float64Array | null;
  /** `'markov'` only: probability that a journey from the start converts; else `null`. */
  readonly conversionProbability: number | null;
  /**
   * `'shapley'` only: Monte Carlo standard error of each channel's credit,
   * aligned with `channels` (0 where every channel set was computed exactly);
   * else `null`.
   */
  readonly standardErrors: Float64Array | null;
}

const DEFAULTS: Readonly<{ model: AttributionModel; halfLife: number; firstWeight: number; lastWeight: number; exactLimit: number; samples: number; seed: number }> = Object.freeze({
  model: 'linear',
  halfLife: 7,
  firstWeight: 0.4,
  lastWeight: 0.4,
  exactLimit: 15,
  samples: 2000,
  seed: 0,
});

/** Most distinct channels one journey may touch for `'shapley'` (coalitions are kept as exact integers below 2^53). */
const SHAPLEY_MAX_SET = 52;

/**
 * Shapley attribution over channel sets. Journeys are grouped by the set T of
 * distinct channels they touched; the worth of a coalition S is the
 * conversion rate of the journeys whose set is exactly S (0 when no journey
 * touched exactly S, and for the empty set). For each T with conversions,
 * the Shapley values φ of the game restricted to T's subsets sum to v(T), the
 * rate of T, so crediting n_T·φ_c to channel c (n_T journeys on T) shares
 * T's conversions exactly. Sets with more than `exactLimit` channels use
 * permutation sampling (Castro, Gómez & Tejada 2009); the marginal
 * contributions of one permutation also sum to v(T), so the credits still sum
 * to the total, and the spread over permutations gives the standard error.
 */
function shapleyCredits(list: readonly Path[], k: number, exactLimit: number, samples: number, seed: number): { credits: Float64Array; standardErrors: Float64Array } {
  const groups = new Map<string, { members: number[]; conversions: number; journeys: number }>();
  for (const p of list) {
    const members = [...new Set(p.channels)].sort((a, b) => a - b);
    const key = members.join(',');
    const g = groups.get(key) ?? { members, conversions: 0, journeys: 0 };
    g.conversions += p.conversions;
    g.journeys += p.conversions + p.nulls;
    groups.set(key, g);
  }
  const rate = (key: string): number => {
    const g = groups.get(key);
    return g === undefined || g.journeys === 0 || key === '' ? 0 : g.conversions / g.journeys;
  };
  const credits = new Float64Array(k);
  const variances = new Float64Array(k);
  const rng = new Random(seed);
  for (const g of [...groups.values()].sort((a, b) => (a.members.join(',') < b.members.join(',') ? -1 : 1))) {
    if (g.conversions === 0) continue;
    const m = g.members.length;
    if (m > SHAPLEY_MAX_SET) {
      throw new ValidationError('E_TOO_LARGE', `attribution: a journey touches ${m} distinct channels; 'shapley' handles at most ${SHAPLEY_MAX_SET} per journey.`, { source: 'attribution', field: 'channels' });
    }
    const worth = (mask: number): number => {
      const parts: number[] = [];
      for (let i = 0, rest = mask; rest > 0; i++, rest = Math.floor(rest / 2)) if (rest % 2 === 1) parts.push(g.members[i] as number);
      return rate(parts.join(','));
    };
    const phi = new Float64Array(m);
    const se = new Float64Array(m);
    if (m <= exactLimit) {
      const size = 1 << m;
      const v = new Float64Array(size);
      const bits = new Uint8Array(size);
      for (let mask = 1; mask < size; mask++) {
        v[mask] = worth(mask);
        bits[mask] = (bits[mask >> 1] as number) + (mask & 1);
      }
      // w[s] = s!(m − s − 1)!/m!, the weight of a coalition of size s joined by one more channel
      const w = new Float64Array(m);
      w[0] = 1 / m;
      for (let sz = 1; sz < m; sz++) w[sz] = ((w[sz - 1] as number) * sz) / (m - sz);
      for (let i = 0; i < m; i++) {
        const bit = 1 << i;
        let sum = 0;
        for (let mask = 0; mask < size; mask++) {
          if (mask & bit) continue;
          sum += (w[bits[mask] as number] as number) * ((v[mask | bit] as number) - (v[mask] as number));
        }
        phi[i] = sum;
      }
    } else {
      const cache = new Map<number, number>();
      const cached = (mask: number): number => {
        let x = cache.get(mask);
        if (x === undefined) {
          x = worth(mask);
          cache.set(mask, x);
        }
        return x;
      };
      const order = Array.from({ length: m }, (_, i) => i);
      const sumSq = new Float64Array(m);
      for (let s = 0; s < samples; s++) {
        for (let i = m - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          const t = order[i] as number;
          order[i] = order[j] as number;
          order[j] = t;
        }
        let mask = 0;
        let prev = 0;
        for (const i of order) {
          mask += 2 ** i;
          const cur = cached(mask);
          const d = cur - prev;
          phi[i] = (phi[i] as number) + d;
          sumSq[i] = (sumSq[i] as number) + d * d;
          prev = cur;
        }
      }
      for (let i = 0; i < m; i++) {
        const mean = (phi[i] as number) / samples;
        phi[i] = mean;
        const variance = samples > 1 ? Math.max((sumSq[i] as number) / samples - mean * mean, 0) * (samples / (samples - 1)) : 0;
        se[i] = Math.sqrt(variance / samples);
      }
    }
    for (let i = 0; i < m; i++) {
      const c = g.members[i] as number;
      credits[c] = (credits[c] as number) + g.journeys * (phi[i] as number);
      variances[c] = (variances[c] as number) + (g.journeys * (se[i] as number)) ** 2;
    }
  }
  const standardErrors = variances.map(Math.sqrt);
  // A channel that adds nothing gets 0, not rounding noise such as −1e-17.
  let total = 0;
  for (const g of groups.values()) total += g.conversions;
  for (let c = 0; c < k; c++) if (Math.abs(credits[c] as number) <= 1e-12 * total) credits[c] = 0;
  for (let c = 0; c < k; c++) {
    requireFiniteResult('attribution', 'conversions', credits[c] as number);
    requireFiniteResult('attribution', 'nulls', standardErrors[c] as number);
  }
  return { credits, standardErrors };
}

/**
 * The rows of an Arrow table of paths as {@link ConversionPath} records:
 * `channels` (a List of text) is required; `conversions`, `nulls` (numbers)
 * and `ages` (a List of numbers) are read when present; other columns are
 * ignored. Nulls stay `null`, so normalisePaths refuses them as it refuses a
 * record holding `null`.
 */
function arrowPaths(source: string, table: ArrowLikeTable): ConversionPath[] {
  const channels = arrowListColumn(source, table, 'channels', 'text');
  if (channels === undefined) {
    throw new ValidationError('E_COLUMN', `${source}: the Arrow table of paths has no "channels" column (a List of channel names per path); it has ${arrowColumnNames(table).map((n) => JSON.stringify(n)).join(', ') || 'none'}.`, { source, field: 'channels' });
  }
  const conversions = arrowNumberColumn(source, table, 'conversions');
  const nulls = arrowNumberColumn(source, table, 'nulls');
  const ages = arrowListColumn(source, table, 'ages', 'number');
  const out = new Array<ConversionPath>(channels.length);
  for (let i = 0; i < channels.length; i++) {
    const p: Record<string, unknown> = { channels: channels[i] };
    if (conversions !== undefined) p.conversions = conversions[i];
    if (nulls !== undefined) p.nulls = nulls[i];
    if (ages !== undefined) p.ages = ages[i];
    out[i] = p as unknown as ConversionPath;
  }
  return out;
}

interface Path {
  channels: Int32Array;
  conversions: number;
  nulls: number;
  ages: Float64Array | null;
}

function normalisePaths(source: string, paths: ReadonlyArray<ArrayLike<string> | ConversionPath>): { paths: Path[]; names: string[] } {
  if (!Array.isArray(paths)) {
    throw new ValidationError('E_SHAPE', `${source}: paths must be an array of channel lists or of { channels, conversions, nulls } objects.`, { source, field: 'paths' });
  }
  const raw: Array<{ channels: ArrayLike<string>; conversions: number; nulls: number; ages: ArrayLike<number> | null }> = [];
  const seen = new Set<string>();
  for (let row = 0; row < paths.length; row++) {
    const p = paths[row] as unknown;
    let channels: ArrayLike<string>;
    let conversions = 1;
    let nulls = 0;
    let ages: ArrayLike<number> | null = null;
    if (typeof p === 'object' && p !== null && 'channels' in p) {
      const o = p as ConversionPath;
      for (const key of Object.keys(o)) {
        if (!PATH_KEYS.includes(key)) {
          throw new OptionsError('E_OPTION_UNKNOWN', `${source}: path ${row} has an unknown field "${key}". Known fields: ${PATH_KEYS.join(', ')}.`, { source, field: key, row });
        }
      }
      channels = o.channels;
      if (!isList(channels)) throw new ValidationError('E_SHAPE', `${source}: channels of path ${row} must be a list of channel names.`, { source, field: 'channels', row });
      if (o.ages !== undefined && !isList(o.ages)) throw new ValidationError('E_SHAPE', `${source}: ages of path ${row} must be a list of numbers.`, { source, field: 'ages', row });
      if (o.conversions !== undefined) conversions = o.conversions;
      if (o.nulls !== undefined) nulls = o.nulls;
      if (o.ages !== undefined) ages = o.ages;
    } else if (isList(p)) {
      channels = p as ArrayLike<string>;
    } else {
      throw new ValidationError('E_SHAPE', `${source}: path ${row} is neither a list of channels nor a { channels } object.`, { source, field: 'paths', row });
    }
    for (const [field, v] of [['conversions', conversions], ['nulls', nulls]] as const) {
      requireFinite(source, field, v, row);
      if (v < 0) throw new ValidationError('E_RANGE', `${source}: ${field} of path ${row} is ${v}; it must be ≥ 0.`, { source, field, row });
    }
    if (channels.length === 0 && conversions > 0) {
      throw new ValidationError('E_EMPTY', `${source}: path ${row} converts but has no touchpoint, so no channel can be credited.`, { source, field: 'channels', row });
    }
    for (let j = 0; j < channels.length; j++) {
      const c = channels[j];
      if (typeof c !== 'string' || c.length === 0) {
        throw new ValidationError('E_LABEL', `${source}: touchpoint ${j} of path ${row} is ${JSON.stringify(c) ?? String(c)}; channels are non-empty strings.`, { source, field: 'channels', row });
      }
      seen.add(c);
    }
    if (ages !== null) {
      if (ages.length !== channels.length) {
        throw new ValidationError('E_LENGTH', `${source}: path ${row} has ${channels.length} touchpoints but ${ages.length} ages.`, { source, field: 'ages', row });
      }
      for (let j = 0; j < ages.length; j++) {
        requireFinite(source, 'ages', ages[j] as number, row);
        if ((ages[j] as number) < 0) throw new ValidationError('E_RANGE', `${source}: age ${j} of path ${row} is negative.`, { source, field: 'ages', row });
      }
    }
    raw.push({ channels, conversions, nulls, ages });
  }
  const names = [...seen].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  return {
    names,
    paths: raw.map((r) => ({
      channels: Int32Array.from({ length: r.channels.length }, (_, j) => index.get(r.channels[j] as string) as number),
      conversions: r.conversions,
      nulls: r.nulls,
      ages: r.ages === null ? null : Float64Array.from(r.ages),
    })),
  };
}

/** Solves A x = b in place by Gaussian elimination with partial pivoting (A is m × m, row-major). */
function solve(a: Float64Array, b: Float64Array, m: number): Float64Array {
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r * m + col] as number) > Math.abs(a[pivot * m + col] as number)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < m; c++) {
        const tmp = a[col * m + c] as number;
        a[col * m + c] = a[pivot * m + c] as number;
        a[pivot * m + c] = tmp;
      }
      const tb = b[col] as number;
      b[col] = b[pivot] as number;
      b[pivot] = tb;
    }
    const d = a[col * m + col] as number;
    for (let r = col + 1; r < m; r++) {
      const f = (a[r * m + col] as number) / d;
      if (f === 0) continue;
      for (let c = col; c < m; c++) a[r * m + c] = (a[r * m + c] as number) - f * (a[col * m + c] as number);
      b[r] = (b[r] as number) - f * (b[col] as number);
    }
  }
  const x = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = b[r] as number;
    for (let c = r + 1; c < m; c++) s -= (a[r * m + c] as number) * (x[c] as number);
    x[r] = s / (a[r * m + r] as number);
  }
  return x;
}

/**
 * First-order Markov chain over start (state 0), the k channels (1..k), and
 * the absorbing conversion and null states. Returns P(conversion | start)
 * with the channel `removed` (0-based, or −1 for none) sent to null.
 */
function markovConversionProbability(q: Float64Array, toConversion: Float64Array, m: number, removed: number): number {
  const a = new Float64Array(m * m);
  const b = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    a[r * m + r] = 1;
    if (removed >= 0 && r === removed + 1) continue; // x_removed = 0
    for (let c = 0; c < m; c++) a[r * m + c] = (a[r * m + c] as number) - (q[r * m + c] as number);
    b[r] = toConversion[r] as number;
  }
  return solve(a, b, m)[0] as number;
}

/**
 * Multi-touch attribution: shares each conversion among the channels on its
 * path.
 *
 * - `'first_touch'` / `'last_touch'`: all credit to the first / last touch.
 * - `'linear'`: equal shares to every touch (a channel touched twice gets two shares).
 * - `'time_decay'`: shares ∝ 2^(−age / halfLife), so recent touches count more.
 * - `'position_based'` (U-shaped): `firstWeight` to the first touch, `lastWeight`
 *   to the last, the rest split evenly over the middle; a two-touch path splits
 *   in proportion firstWeight : lastWeight, a one-touch path gives it all.
 * - `'markov'`: removal effects on a first-order Markov chain with start,
 *   conversion and null states (Anderl, Becker, von Wangenheim & Schumann
 *   2016, "Mapping the customer journey: lessons learned from graph-based
 *   online attribution modeling", IJRM 33(3):457–474). Transition
 *   probabilities are estimated from all paths, including those that did not
 *   convert (`nulls`); removing a channel sends its traffic to null; the
 *   removal effect is 1 − P(convert without it) / P(convert), and conversions
 *   are shared in proportion to removal effects. Repeated touches of a
 *   channel (self-loops) do not change the result.
 * - `'shapley'`: Shapley values (Shapley 1953, "A value for n-person
 *   games") of a game whose worth is a conversion rate, in the line of Zhao,
 *   Mahboobi & Bagheri 2018 ("Shapley value methods for attribution modeling
 *   in online advertising", arXiv:1804.05327), who build the coalition worth
 *   from the journeys that touched exactly a set of channels. Characteristic
 *   function used here: v(S) = conversions ÷ journeys among the journeys whose
 *   set of distinct channels is exactly S (converting and non-converting
 *   journeys both count, so give `nulls`); v(∅) = 0, and a set no journey
 *   touched is worth 0. Each observed set T's conversions are shared by the
 *   Shapley values of T's channels in that game: channel c gets n_T·φ_c(T),
 *   n_T the journeys on T, and since Σφ(T) = v(T) the shares add up to T's
 *   conversions. Order and repeats within a journey are ignored. When every
 *   channel's effect on the rate is additive (v(S) = Σ_{c∈S} β_c), the
 *   credit of c is β_c × the journeys that touched c: the conversions it
 *   caused. A credit can be negative where adding a channel lowers the rate.
 *   Sets of up to `exactLimit` (default 15) channels are computed exactly;
 *   larger ones by permutation sampling (`samples` permutations, seeded), with
 *   the Monte Carlo standard error of each credit in `standardErrors`.
 *
 * Paths are channel lists (each one converting journey) or
 * {@link ConversionPath} objects with counts, or an Apache Arrow table with
 * one row per path: `channels` (a List of Utf8 or dictionary-encoded Utf8),
 * optional `conversions` and `nulls` (numeric columns) and `ages` (a List of
 * numbers), read as those records (other columns are ignored; a null is the
 * error a `null` in a record gives). Credits sum to the total number of
 * conversions.
 *
 * Costs O(total touches) for the heuristic models; O(total touches + k⁴) for
 * `'markov'` with k channels (one dense (k+1)² solve per channel); for
 * `'shapley'`, O(m·2^m) per distinct channel set of m ≤ `exactLimit`
 * channels and O(samples·m²) per larger one.
 *
 * @param paths - conversion paths: channel lists, {@link ConversionPath} records, or an Arrow table of them
 * @param options - `model` (default `'linear'`), `halfLife`, `firstWeight`, `lastWeight`;
 *   for `'shapley'`: `exactLimit` (default 15), `samples` (default 2000), `seed` (default 0)
 * @throws `ValidationError` `E_NO_CONVERSIONS` (nothing converted), `E_EMPTY` (a converting path
 *   without touchpoints), `E_LABEL` (a channel that is not a non-empty string), `E_SHAPE`,
 *   `E_LENGTH` (ages not aligned with channels), `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_TOO_LARGE`
 *   (`'shapley'`: a journey touching more than 52 distinct channels); for an Arrow table:
 *   `E_ARROW_TYPE` (`channels` not a List of text, `conversions` / `nulls` not numbers, `ages`
 *   not a List of numbers), `E_COLUMN` (no `channels` column);
 *   `OptionsError` `E_OPTION_VALUE` (unknown model), `E_OPTION_RANGE` (halfLife ≤ 0, position
 *   weights negative or summing above 1, exactLimit outside 1–20, samples < 1), `E_SEED`
 * @example
 * ```ts
 * import { attribution } from '@marksman/metrics';
 * const paths = [
 *   { channels: ['ads', 'email'], conversions: 1 },
 *   { channels: ['ads'], conversions: 0, nulls: 1 },
 *   { channels: ['email'], conversions: 1 },
 * ];
 * const lt = attribution(paths, { model: 'last_touch' });
 * lt.channels; // => ['ads', 'email']
 * Array.from(lt.credits); // => [0, 2]
 * const mk = attribution(paths, { model: 'markov' });
 * Array.from(mk.credits, (v) => +v.toFixed(4)); // => [0.6667, 1.3333]
 * Array.from(mk.removalEffects ?? []); // => [0.5, 1]
 * // Shapley on conversion rates: {a} converts 10 %, {b} 5 %, {a, b} 30 %
 * const sh = attribution([
 *   { channels: ['a'], conversions: 10, nulls: 90 },
 *   { channels: ['b'], conversions: 5, nulls: 95 },
 *   { channels: ['a', 'b'], conversions: 30, nulls: 70 },
 * ], { model: 'shapley' });
 * Array.from(sh.credits); // => [27.5, 17.5]
 * ```
 */
export function attribution(paths: ReadonlyArray<ArrayLike<string> | ConversionPath> | ArrowLikeTable, options?: AttributionOptions): AttributionResult {
  const source = 'attribution';
  const o = resolveOptions(source, DEFAULTS, options);
  const models: readonly string[] = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based', 'markov', 'shapley'];
  if (!models.includes(o.model)) {
    throw new OptionsError('E_OPTION_VALUE', `${source}: model must be one of ${models.join(', ')}; got ${String(o.model)}.`, { source, field: 'model' });
  }
  if (typeof o.halfLife !== 'number' || !(o.halfLife > 0) || !Number.isFinite(o.halfLife)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: halfLife must be a positive number, got ${String(o.halfLife)}.`, { source, field: 'halfLife' });
  }
  for (const field of ['firstWeight', 'lastWeight'] as const) {
    const w = o[field];
    if (typeof w !== 'number' || !(w >= 0 && w <= 1)) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must lie in [0, 1], got ${String(w)}.`, { source, field });
    }
  }
  if (o.firstWeight + o.lastWeight > 1 + 1e-12 || o.firstWeight + o.lastWeight === 0) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: firstWeight + lastWeight must lie in (0, 1], got ${o.firstWeight + o.lastWeight}.`, { source, field: 'lastWeight' });
  }
  requirePositiveIntegerOption(source, 'exactLimit', o.exactLimit);
  if (o.exactLimit > 20) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: exactLimit must be an integer from 1 to 20 (exact Shapley values cost m·2^m), got ${o.exactLimit}.`, { source, field: 'exactLimit' });
  }
  requirePositiveIntegerOption(source, 'samples', o.samples);
  if (!Number.isSafeInteger(o.seed)) {
    throw new OptionsError('E_SEED', `${source}: seed must be a safe integer, got ${typeof o.seed === 'string' ? JSON.stringify(o.seed) : String(o.seed)}.`, { source, field: 'seed' });
  }
  const { paths: list, names } = normalisePaths(source, isArrowTable(paths) ? arrowPaths(source, paths) : paths);
  const k = names.length;
  let total = 0;
  let journeys = 0;
  for (const p of list) {
    total += p.conversions;
    journeys += p.conversions + p.nulls;
  }
  requireFiniteResult(source, 'conversions', journeys);
  if (total === 0) {
    throw new ValidationError('E_NO_CONVERSIONS', `${source}: no path converted, so there is nothing to attribute.`, { source, field: 'paths' });
  }
  const credits = new Float64Array(k);
  const add = (c: number, v: number) => (credits[c] = (credits[c] as number) + v);
  const model = o.model;
  if (model === 'markov') {
    const m = k + 1;
    const counts = new Float64Array(m * m);
    const out = new Float64Array(m);
    const conv = new Float64Array(m);
    for (const p of list) {
      const w = p.conversions + p.nulls;
      if (w === 0) continue;
      let prev = 0;
      for (const c of p.channels) {
        counts[prev * m + c + 1] = (counts[prev * m + c + 1] as number) + w;
        out[prev] = (out[prev] as number) + w;
        prev = c + 1;
      }
      conv[prev] = (conv[prev] as number) + p.conversions;
      out[prev] = (out[prev] as number) + w; // conversions go to conversion, nulls to null
    }
    const q = new Float64Array(m * m);
    const toConversion = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      const n = out[r] as number;
      if (n === 0) continue;
      for (let c = 0; c < m; c++) q[r * m + c] = (counts[r * m + c] as number) / n;
      toConversion[r] = (conv[r] as number) / n;
    }
    const base = markovConversionProbability(q, toConversion, m, -1);
    const effects = new Float64Array(k);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const without = markovConversionProbability(q, toConversion, m, c);
      effects[c] = Math.min(Math.max(1 - without / base, 0), 1);
      sum += effects[c] as number;
    }
    for (let c = 0; c < k; c++) credits[c] = (total * (effects[c] as number)) / sum;
    return { model, channels: Object.freeze(names), credits, conversions: total, removalEffects: effects, conversionProbability: base, standardErrors: null };
  }
  if (model === 'shapley') {
    const r = shapleyCredits(list, k, o.exactLimit, o.samples, o.seed);
    return { model, channels: Object.freeze(names), credits: r.credits, conversions: total, removalEffects: null, conversionProbability: null, standardErrors: r.standardErrors };
  }
  for (const p of list) {
    const w = p.conversions;
    const len = p.channels.length;
    if (w === 0) continue;
    const ch = p.channels;
    switch (model) {
      case 'first_touch':
        add(ch[0] as number, w);
        break;
      case 'last_touch':
        add(ch[len - 1] as number, w);
        break;
      case 'linear':
        for (const c of ch) add(c, w / len);
        break;
      case 'time_decay': {
        const weights = new Float64Array(len);
        let s = 0;
        for (let j = 0; j < len; j++) {
          const age = p.ages === null ? len - 1 - j : (p.ages[j] as number);
          weights[j] = Math.pow(2, -age / o.halfLife);
          s += weights[j] as number;
        }
        for (let j = 0; j < len; j++) add(ch[j] as number, (w * (weights[j] as number)) / s);
        break;
      }
      case 'position_based': {
        if (len === 1) add(ch[0] as number, w);
        else if (len === 2) {
          const f = o.firstWeight / (o.firstWeight + o.lastWeight);
          add(ch[0] as number, w * f);
          add(ch[1] as number, w * (1 - f));
        } else {
          add(ch[0] as number, w * o.firstWeight);
          add(ch[len - 1] as number, w * o.lastWeight);
          const middle = (1 - o.firstWeight - o.lastWeight) / (len - 2);
          for (let j = 1; j < len - 1; j++) add(ch[j] as number, w * middle);
        }
        break;
      }
      default:
        assertNever(model, 'attribution model');
    }
  }
  return { model, channels: Object.freeze(names), credits, conversions: total, removalEffects: null, conversionProbability: null, standardErrors: null };
}
