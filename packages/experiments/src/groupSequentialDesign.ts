import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { efficacyBounds, fixedDrift, futilityBounds, operating, solveDrift, spent } from './internal/groupSequential';
import { type Alternative, checkAlpha, checkAlternative } from './internal/inference';
import { normalSf } from './internal/distributions';

/**
 * A Lan-DeMets spending function: `'obrien-fleming'` (spends almost nothing
 * early, so the last look keeps nearly the fixed-horizon threshold) or
 * `'pocock'` (spends evenly, so early stops come easier and the last look
 * pays for them).
 */
export type SpendingFunction = 'obrien-fleming' | 'pocock';

/** Options of {@link groupSequentialDesign}. */
export interface GroupSequentialDesignOptions {
  /** Number of equally spaced looks, the last at the full sample (default 5); ignored when `timing` is given. */
  readonly looks?: number;
  /** Information fractions of the looks, increasing in (0, 1] and ending at 1 (default null: equally spaced). */
  readonly timing?: readonly number[] | null;
  /** Overall false-positive rate over all looks (default 0.05; two-sided: split equally between the sides). */
  readonly alpha?: number;
  /** Alternative hypothesis (default `'two-sided'`). */
  readonly alternative?: Alternative;
  /** Spending function of the efficacy bounds (default `'obrien-fleming'`). */
  readonly spending?: SpendingFunction;
  /**
   * Spending function of optional, non-binding futility bounds (β-spending,
   * default null: none). Futility bounds let an experiment stop early when
   * the effect it was designed for is unlikely; because they are non-binding,
   * ignoring them never raises the false-positive rate.
   */
  readonly futility?: SpendingFunction | null;
  /** Power against the design effect (default 0.8): sets the maximum sample size and the futility bounds. */
  readonly power?: number;
}

/** A group-sequential design: its looks, bounds, error spent and cost against a single look. */
export interface GroupSequentialDesign {
  /** Number of looks. */
  readonly looks: number;
  /** Information fraction of each look (the last is 1). */
  readonly timing: readonly number[];
  /** Overall false-positive rate. */
  readonly alpha: number;
  /** Alternative hypothesis. */
  readonly alternative: Alternative;
  /** Spending function of the efficacy bounds. */
  readonly spending: SpendingFunction;
  /** Spending function of the futility bounds, or null. */
  readonly futility: SpendingFunction | null;
  /** Power against the design effect at the maximum sample size. */
  readonly power: number;
  /**
   * Efficacy bound on the z statistic at each look: stop and reject when |z|
   * reaches it (two-sided), z reaches it (`'greater'`) or z falls to it
   * (`'less'`, negative bounds). Infinity (−Infinity) where a look spends nothing.
   */
  readonly efficacyBounds: readonly number[];
  /**
   * Futility bound at each look, or null: stop for futility when |z| is below
   * it (two-sided), z is below it (`'greater'`) or above it (`'less'`).
   * The last one equals the last efficacy bound.
   */
  readonly futilityBounds: readonly number[] | null;
  /** False-positive rate spent by each look, cumulative (the last is alpha). */
  readonly alphaSpent: readonly number[];
  /** Nominal p-value at each look's efficacy bound: a look rejects when the single-look p-value is at most this. */
  readonly nominalAlpha: readonly number[];
  /** Expected z at the last look under the design effect, θ√I_max. */
  readonly drift: number;
  /** Maximum sample size over the fixed-horizon one with the same alpha and power (≥ 1). */
  readonly inflation: number;
  /** Expected sample size as a share of the maximum when there is no effect (futility bounds obeyed). */
  readonly expectedFractionNull: number;
  /** Expected sample size as a share of the maximum under the design effect. */
  readonly expectedFractionAlternative: number;
}

interface Resolved {
  looks: number;
  timing: readonly number[] | null;
  alpha: number;
  alternative: Alternative;
  spending: SpendingFunction;
  futility: SpendingFunction | null;
  power: number;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  looks: 5,
  timing: null,
  alpha: 0.05,
  alternative: 'two-sided',
  spending: 'obrien-fleming',
  futility: null,
  power: 0.8,
});

const SOURCE = 'groupSequentialDesign';
/** Most looks a design may have. */
export const MAX_LOOKS = 100;

/** Designs this module made (frozen, so their bounds can be trusted without recomputing them). */
const MADE = new WeakSet<object>();

function fail(field: string, message: string, code = 'E_OPTION_RANGE'): never {
  throw new OptionsError(code, `${SOURCE}: ${message}`, { source: SOURCE, field });
}

function checkShape(v: unknown, field: string, nullable: boolean): void {
  if (v === 'obrien-fleming' || v === 'pocock' || (nullable && v === null)) return;
  fail(field, `${field} must be 'obrien-fleming' or 'pocock'${nullable ? ' or null' : ''}, got ${JSON.stringify(v)}.`);
}

/** Validated timing: increasing fractions in (0, 1] ending at 1. */
function timingOf(o: Resolved): number[] {
  if (o.timing === null) {
    if (typeof o.looks !== 'number' || !Number.isInteger(o.looks) || o.looks < 1 || o.looks > MAX_LOOKS) {
      fail('looks', `looks must be an integer from 1 to ${MAX_LOOKS}, got ${String(o.looks)}.`);
    }
    return Array.from({ length: o.looks }, (_, k) => (k + 1) / o.looks);
  }
  const t = o.timing as unknown;
  if (!Array.isArray(t) || t.length < 1 || t.length > MAX_LOOKS) fail('timing', `timing must be an array of 1 to ${MAX_LOOKS} information fractions.`);
  const out = t.map((v: unknown, i: number) => {
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) fail('timing', `timing[${i}] must be a fraction in (0, 1], got ${String(v)}.`);
    if (i > 0 && !(v > (t[i - 1] as number))) fail('timing', `timing must increase, but timing[${i}] = ${v} follows ${String(t[i - 1])}.`);
    return v;
  });
  if (out[out.length - 1] !== 1) fail('timing', `the last look of timing must be at fraction 1 (the full sample), got ${out[out.length - 1]}.`);
  return out;
}

/** Sides of the test and the level per side. */
export function sidesOf(alpha: number, alternative: Alternative): { sides: 1 | 2; level: number } {
  return alternative === 'two-sided' ? { sides: 2, level: alpha / 2 } : { sides: 1, level: alpha };
}

/** Builds (and checks) a design from its specification fields. */
function build(o: Resolved): GroupSequentialDesign {
  const alpha = checkAlpha(o.alpha, SOURCE);
  const alternative = checkAlternative(o.alternative, SOURCE);
  checkShape(o.spending, 'spending', false);
  checkShape(o.futility, 'futility', true);
  const { sides, level } = sidesOf(alpha, alternative);
  if (sides === 2 && !(alpha < 1)) fail('alpha', 'alpha must be below 1.', 'E_ALPHA');
  if (typeof o.power !== 'number' || !(o.power > level && o.power < 1)) {
    fail('power', `power must lie between the one-sided level ${level} and 1, got ${String(o.power)}.`, 'E_POWER');
  }
  const timing = timingOf(o);
  const cumulative = timing.map((t) => spent(o.spending, level, t));
  cumulative[cumulative.length - 1] = level;
  const bounds = efficacyBounds(timing, cumulative, sides);
  const never = bounds.findIndex((b) => !Number.isFinite(b));
  if (never >= 0) {
    // The spending function gave this look no alpha in double precision, so no z could ever stop there.
    const t = timing[never]!;
    const usualLevel = spent(o.spending, 0.025, t) - (never > 0 ? spent(o.spending, 0.025, timing[never - 1]!) : 0);
    fail(
      usualLevel > 0 ? 'alpha' : 'timing',
      `look ${never + 1} (information fraction ${t}) spends no alpha under '${o.spending}' spending with alpha ${alpha}, so it could never stop the test; ${usualLevel > 0 ? 'use an alpha above 1e-12' : "move that look later, remove it, or use 'pocock' spending"}.`,
      usualLevel > 0 ? 'E_ALPHA' : 'E_OPTION_RANGE',
    );
  }
  const beta = 1 - o.power;
  const betaCum = o.futility === null ? null : timing.map((t) => spent(o.futility!, beta, t));
  const futilityAt = (drift: number): number[] | null => (betaCum === null ? null : futilityBounds(timing, bounds, betaCum, drift, sides));
  const rejectAt = (drift: number): number => operating(timing, bounds, futilityAt(drift), drift, sides).reject.reduce((s, v) => s + v, 0);
  const fixed = fixedDrift(level, o.power, sides);
  const drift = solveDrift(rejectAt, o.power, fixed);
  const futility = futilityAt(drift);
  const expected = (d: number): number => {
    const op = operating(timing, bounds, futility, d, sides);
    return timing.reduce((s, t, k) => s + t * (op.reject[k]! + op.accept[k]!), 0);
  };
  const sign = alternative === 'less' ? -1 : 1;
  const design: GroupSequentialDesign = {
    looks: timing.length,
    timing,
    alpha,
    alternative,
    spending: o.spending,
    futility: o.futility,
    power: o.power,
    efficacyBounds: bounds.map((b) => sign * b),
    futilityBounds: futility === null ? null : futility.map((f) => sign * f),
    alphaSpent: cumulative.map((c) => c * sides),
    nominalAlpha: bounds.map((b) => sides * normalSf(b)),
    drift,
    inflation: (drift / fixed) ** 2,
    expectedFractionNull: expected(0),
    expectedFractionAlternative: expected(drift),
  };
  Object.freeze(design.timing);
  Object.freeze(design.efficacyBounds);
  if (design.futilityBounds !== null) Object.freeze(design.futilityBounds);
  Object.freeze(design.alphaSpent);
  Object.freeze(design.nominalAlpha);
  Object.freeze(design);
  MADE.add(design);
  return design;
}

/**
 * A group-sequential design for an experiment that will be analysed at a few
 * planned looks (daily or weekly), with Lan-DeMets alpha spending (Lan &
 * DeMets 1983; Jennison & Turnbull, *Group Sequential Methods with
 * Applications to Clinical Trials*, 2000, ch. 7): each look may reject only
 * when the z statistic crosses a bound chosen so that the false-positive
 * rate spent by then follows the spending function — O'Brien-Fleming-type
 * 2 − 2Φ(Φ⁻¹(1 − α′/2)/√t) or Pocock-type α′·ln(1 + (e − 1)t), with α′ the
 * level per side (α/2 two-sided), as gsDesign's `sfLDOF` / `sfLDPocock`.
 * Bounds come from the joint normal law of the z statistics at the looks
 * (recursive numerical integration on Jennison & Turnbull's grid, ch. 19),
 * so the chance of any false positive over all looks is exactly alpha.
 * Optional non-binding futility bounds spend β = 1 − power the same way
 * under the design effect. The maximum sample size is the fixed-horizon one
 * times `inflation`; {@link sequentialSampleSize} with `design` turns it into
 * units, and {@link groupSequentialTest} analyses each look.
 *
 * Planned looks cost far less power than always-valid monitoring
 * ({@link sequentialTest}): with 25 equally spaced looks and O'Brien-Fleming
 * spending the maximum sample is 4.8 % above the fixed-horizon one, where
 * the mixture SPRT needs about 1.9 times it for the same power.
 *
 * Costs O(looks · G²) with G ≈ 200 grid points, times the ≈ 10 steps of the
 * search for the drift: milliseconds for 5 looks, a few tenths of a second
 * for 100.
 *
 * @param options - looks (5) or timing, alpha (0.05), alternative ('two-sided'), spending ('obrien-fleming'),
 *   futility (null), power (0.8)
 * @returns the {@link GroupSequentialDesign} (frozen)
 * @throws `OptionsError` `E_ALPHA`, `E_ALTERNATIVE`, `E_POWER`, `E_OPTION_RANGE` (looks, timing, spending,
 *   futility), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { groupSequentialDesign } from '@marksman/experiments';
 * const obf = groupSequentialDesign({ looks: 5 }); // two-sided α = 0.05, O'Brien-Fleming
 * obf.efficacyBounds.map((b) => b.toFixed(3)); // => ['4.877', '3.357', '2.680', '2.290', '2.031']
 * obf.inflation.toFixed(3); // => '1.025' (2.5 % more units than one look at the end, at most)
 * const pocock = groupSequentialDesign({ looks: 5, spending: 'pocock' });
 * pocock.efficacyBounds.map((b) => b.toFixed(3)); // => ['2.438', '2.427', '2.410', '2.397', '2.386']
 * ```
 */
export function groupSequentialDesign(options?: GroupSequentialDesignOptions): GroupSequentialDesign {
  return build(resolveOptions(SOURCE, DEFAULTS, options));
}

/**
 * The design to analyse with: a design this module made is used as is; any
 * other object (one read back from JSON, say) is rebuilt from its
 * specification and must agree with it in every field, so forged bounds (or
 * any other edited number) are refused.
 */
export function trustedDesign(design: unknown, source: string): GroupSequentialDesign {
  if (typeof design === 'object' && design !== null && MADE.has(design)) return design as GroupSequentialDesign;
  const bad = (why: string, field = 'design'): never => {
    throw new OptionsError('E_DESIGN', `${source}: design ${why}; pass the result of groupSequentialDesign (or its JSON).`, { source, field });
  };
  if (typeof design !== 'object' || design === null || Array.isArray(design)) return bad('is missing or not an object');
  const d = design as Record<string, unknown>;
  let rebuilt: GroupSequentialDesign;
  try {
    rebuilt = build({
      looks: typeof d.looks === 'number' ? d.looks : NaN,
      timing: d.timing as number[],
      alpha: d.alpha as number,
      alternative: d.alternative as Alternative,
      spending: d.spending as SpendingFunction,
      futility: (d.futility ?? null) as SpendingFunction | null,
      power: d.power as number,
    });
  } catch (e) {
    return bad(`is not a valid specification (${(e as Error).message})`);
  }
  // Every derived field must be the one the specification gives (JSON writes ±Infinity as null), so a
  // design whose numbers were edited is refused rather than silently replaced by the rebuilt one.
  const close = (v: unknown, b: number): boolean =>
    v === null ? !Number.isFinite(b) : typeof v === 'number' && (v === b || Math.abs(v - b) <= 1e-9 * Math.max(1, Math.abs(b)));
  const same = (a: unknown, b: readonly number[] | null): boolean =>
    b === null ? a === null || a === undefined : Array.isArray(a) && a.length === b.length && a.every((v, i) => close(v, b[i]!));
  if (!same(d.efficacyBounds, rebuilt.efficacyBounds)) bad('has efficacyBounds that do not follow from its specification', 'design.efficacyBounds');
  if (!same(d.futilityBounds, rebuilt.futilityBounds)) bad('has futilityBounds that do not follow from its specification', 'design.futilityBounds');
  if (d.looks !== rebuilt.looks) bad(`has looks = ${String(d.looks)}, but its timing has ${rebuilt.looks} looks`, 'design.looks');
  for (const field of ['alphaSpent', 'nominalAlpha'] as const) {
    if (!same(d[field], rebuilt[field])) bad(`has ${field} that do not follow from its specification`, `design.${field}`);
  }
  for (const field of ['drift', 'inflation', 'expectedFractionNull', 'expectedFractionAlternative'] as const) {
    if (!close(d[field], rebuilt[field])) bad(`has ${field} = ${String(d[field])}, which does not follow from its specification`, `design.${field}`);
  }
  return rebuilt;
}
