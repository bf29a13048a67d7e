import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkIndex, checkMean, checkProportion, checkVariantCount } from './bayesian/inputs';
import type { MeanInput, ProportionInput } from './bayesian/inputs';
import { type GroupSequentialDesign, type SpendingFunction, sidesOf, trustedDesign } from './groupSequentialDesign';
import { efficacyBounds, futilityBounds, spent } from './internal/groupSequential';
import type { Alternative } from './internal/inference';

/** Options of {@link groupSequentialTest}. */
export interface GroupSequentialTestOptions {
  /** The design, from {@link groupSequentialDesign} (required). */
  readonly design?: GroupSequentialDesign | null;
  /**
   * Planned control units at the last look (`nControl` of
   * {@link sequentialSampleSize} with the design; required): the information
   * fraction of a look is the control's units over it.
   */
  readonly maxSampleSize?: number | null;
  /** Index of the control variant (default 0). */
  readonly control?: number;
  /** The result of the previous look, or null at the first. */
  readonly previous?: GroupSequentialTestResult | null;
  /**
   * This is the last look even though it comes before `maxSampleSize`
   * (traffic ran out): it spends all the alpha left. Default false; a look
   * at or beyond `maxSampleSize` is always the last.
   */
  readonly final?: boolean;
  /**
   * Compute the repeated p-values (default true). Each needs the bounds of
   * every look recomputed at many levels — up to a tenth of a second at 25
   * looks — so simulations that only need the decisions may turn it off
   * (`pValue` is then NaN).
   */
  readonly repeatedPValue?: boolean;
}

/** What a comparison's look decided: keep going, stop for efficacy, or (non-binding) stop for futility. */
export type GroupSequentialDecision = 'continue' | 'efficacy' | 'futility';

/** One variant against the control at one look. */
export interface GroupSequentialComparison {
  /** Index of the variant in the input list. */
  readonly index: number;
  /** Estimated difference x̄_variant − x̄_control (rates for proportions). */
  readonly diff: number;
  /** Estimated relative lift diff / x̄_control (null when the control mean is 0, or so near 0 that the ratio overflows). */
  readonly lift: number | null;
  /** Unpooled standard error of `diff`. */
  readonly standardError: number;
  /** The z statistic compared with the bounds (pooled standard error for rates, as the two-proportion z-test). */
  readonly statistic: number;
  /** Efficacy bound on z at this look (see {@link GroupSequentialDesign.efficacyBounds}). */
  readonly efficacyBound: number;
  /** Futility bound on z at this look, or null when the design has none. */
  readonly futilityBound: number | null;
  /**
   * Repeated p-value (Jennison & Turnbull 2000, §9.3): the smallest overall
   * level at which this look's repeated confidence interval excludes 0. It is
   * at most alpha exactly when the efficacy bound is crossed, and valid at any
   * look. Values beyond 0.5 one-sided (1 two-sided) read as 1. NaN when not computed.
   */
  readonly pValue: number;
  /** Lower end of the repeated confidence interval of `diff`: diff − |bound|·se (simultaneous over looks). */
  readonly ciLow: number;
  /** Upper end of the repeated confidence interval of `diff`. */
  readonly ciHigh: number;
  /** This look's decision; `'efficacy'` stays, with the stopping look's numbers, at later looks. */
  readonly decision: GroupSequentialDecision;
  /** The look at which the efficacy bound was crossed, or null. */
  readonly stoppedAt: number | null;
}

/** Result of {@link groupSequentialTest} at one look; pass it as `previous` at the next. */
export interface GroupSequentialTestResult {
  /** 1 at the first look, then one more than `previous.look`. */
  readonly look: number;
  /** Information fractions of all looks so far (this one last). */
  readonly fractions: readonly number[];
  /** Whether this was the last look (no further looks are accepted). */
  readonly final: boolean;
  /** The design's alpha. */
  readonly alpha: number;
  /** The design's alternative. */
  readonly alternative: Alternative;
  /** The design's spending function. */
  readonly spending: SpendingFunction;
  /** Index of the control variant. */
  readonly control: number;
  /** Planned control units at the last look. */
  readonly maxSampleSize: number;
  /** Per-variant sample sizes at this look. */
  readonly n: readonly number[];
  /** One comparison per non-control variant, in input order. */
  readonly comparisons: readonly GroupSequentialComparison[];
}

interface Resolved {
  design: GroupSequentialDesign | null;
  maxSampleSize: number | null;
  control: number;
  previous: GroupSequentialTestResult | null;
  final: boolean;
  repeatedPValue: boolean;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({ design: null, maxSampleSize: null, control: 0, previous: null, final: false, repeatedPValue: true });
const SOURCE = 'groupSequentialTest';
const PREVIOUS_KEYS: readonly string[] = ['look', 'fractions', 'final', 'alpha', 'alternative', 'spending', 'control', 'maxSampleSize', 'n', 'comparisons'];
const DECISIONS: readonly string[] = ['continue', 'efficacy', 'futility'];

function isProportion(v: ProportionInput | MeanInput): v is ProportionInput {
  return typeof v === 'object' && v !== null && 'conversions' in v;
}

/** diff / control mean, or null where that is not a finite number (a control mean of 0, or a denormal one). */
function liftOf(diff: number, controlMean: number): number | null {
  const lift = diff / controlMean;
  return Number.isFinite(lift) ? lift : null;
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : v === null ? fallback : NaN);

/** Checks a previous look of the same design (JSON-safe: null reads as ±Infinity or NaN). */
function checkPrevious(prev: unknown, k: number, o: Resolved, design: GroupSequentialDesign): GroupSequentialTestResult {
  const bad = (field: string, why: string): never => {
    throw new OptionsError('E_PREVIOUS_MISMATCH', `${SOURCE}: previous.${field} ${why}; pass the result of the previous look of the same design, control and maxSampleSize.`, {
      source: SOURCE,
      field: `previous.${field}`,
    });
  };
  if (typeof prev !== 'object' || prev === null || Array.isArray(prev)) return bad('look', 'is missing (previous is not a result object)');
  const p = prev as Record<string, unknown>;
  for (const key of Object.keys(p)) if (!PREVIOUS_KEYS.includes(key)) bad(key, `is not a field of a groupSequentialTest result (known: ${PREVIOUS_KEYS.join(', ')})`);
  const look = p.look;
  if (typeof look !== 'number' || !Number.isInteger(look) || look < 1 || look > 10000) bad('look', `must be an integer ≥ 1, got ${String(look)}`);
  for (const [field, want] of [
    ['alpha', design.alpha],
    ['alternative', design.alternative],
    ['spending', design.spending],
    ['control', o.control],
    ['maxSampleSize', o.maxSampleSize],
  ] as const) {
    if (p[field] !== want) bad(field, `is ${JSON.stringify(p[field])}, this look uses ${JSON.stringify(want)}`);
  }
  if (p.final === true) bad('final', 'is true: the last look has been analysed, no further look is allowed');
  if (p.final !== false) bad('final', `must be a boolean, got ${String(p.final)}`);
  const f = p.fractions;
  if (!Array.isArray(f) || f.length !== look || !f.every((v, i) => typeof v === 'number' && v > 0 && v < 1 && (i === 0 || v > (f[i - 1] as number)))) {
    bad('fractions', `must hold ${String(look)} increasing fractions in (0, 1)`);
  }
  const n = p.n;
  if (!Array.isArray(n) || n.length !== k || !n.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) bad('n', `must hold ${k} whole numbers ≥ 0`);
  const cs = p.comparisons;
  if (!Array.isArray(cs) || cs.length !== k - 1) bad('comparisons', `must hold ${k - 1} comparisons`);
  let j = 0;
  for (let i = 0; i < k; i++) {
    if (i === o.control) continue;
    const raw = (cs as unknown[])[j++];
    const at = `comparisons[${j - 1}]`;
    if (typeof raw !== 'object' || raw === null) return bad(at, 'is not a comparison object');
    const c = raw as Record<string, unknown>;
    if (c.index !== i) bad(`${at}.index`, `is ${String(c.index)}, expected ${i}`);
    if (typeof c.decision !== 'string' || !DECISIONS.includes(c.decision)) bad(`${at}.decision`, `must be one of ${DECISIONS.join(', ')}`);
    const stopped = c.stoppedAt;
    if (c.decision === 'efficacy') {
      if (typeof stopped !== 'number' || !Number.isInteger(stopped) || stopped < 1 || stopped > (look as number)) bad(`${at}.stoppedAt`, 'must be the look at which efficacy was reached');
      const pv = num(c.pValue, NaN);
      if (!(Number.isNaN(pv) || (pv >= 0 && pv <= design.alpha))) bad(`${at}.pValue`, `must be in [0, alpha] after an efficacy stop, got ${String(c.pValue)}`);
      for (const field of ['diff', 'lift', 'standardError', 'statistic', 'efficacyBound']) {
        if (typeof c[field] !== 'number' && c[field] !== null) bad(`${at}.${field}`, 'must be a number');
      }
      const lo = num(c.ciLow, -Infinity);
      const hi = num(c.ciHigh, Infinity);
      if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) bad(`${at}.ciLow`, 'and ciHigh must form an interval');
    } else if (stopped !== null) bad(`${at}.stoppedAt`, `must be null before an efficacy stop, got ${String(stopped)}`);
  }
  return prev as GroupSequentialTestResult;
}

/**
 * Repeated p-value at the last of `fractions`: the level α′ whose efficacy
 * bound at that look equals the observed statistic (bounds fall as α′ grows),
 * by bisection on ln α′ with an Illinois step; 1 when even the largest level
 * does not reach it.
 */
function repeatedPValue(stat: number, fractions: readonly number[], final: boolean, shape: SpendingFunction, sides: 1 | 2): number {
  const bound = (level: number): number => {
    const cum = fractions.map((t) => spent(shape, level, t));
    if (final) cum[cum.length - 1] = level;
    return efficacyBounds(fractions, cum, sides)[fractions.length - 1]!;
  };
  const maxLevel = 0.5; // per side
  const g = (x: number): number => bound(Math.exp(x)) - stat;
  let hi = Math.log(maxLevel);
  const gHi = g(hi);
  if (gHi > 0) return 1;
  let lo = Math.log(Math.max(1e-300, 0.5 * sides * 0.5 * Math.exp(-0.5 * stat * stat)));
  let gLo = g(lo);
  for (let i = 0; i < 60 && gLo <= 0; i++) {
    lo -= 10;
    gLo = g(lo);
  }
  if (gLo <= 0) return 0;
  let fHi = gHi;
  let fLo = gLo;
  let side = 0;
  for (let i = 0; i < 100 && hi - lo > 1e-9; i++) {
    // regula falsi (Illinois) within the bracket, bisection when it stalls
    let x = hi - (fHi * (hi - lo)) / (fHi - fLo);
    if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
    const fx = g(x);
    if (fx > 0) {
      lo = x;
      fLo = fx;
      if (side === -1) fHi /= 2;
      side = -1;
    } else {
      hi = x;
      fHi = fx;
      if (side === 1) fLo /= 2;
      side = 1;
    }
    if (Math.abs(fx) < 1e-10) {
      lo = hi = x;
      break;
    }
  }
  return Math.min(1, sides * Math.exp(0.5 * (lo + hi)));
}

/**
 * Analyses one look of a group-sequential experiment ({@link groupSequentialDesign})
 * with Lan-DeMets alpha spending: the efficacy bound of this look is the one
 * that spends the alpha of its actual information fraction (control units
 * over `maxSampleSize`), given the looks before it — so looks may come
 * earlier, later or more often than planned without inflating the
 * false-positive rate (Lan & DeMets 1983) — and equals the design's bound
 * when the look is where the design planned it. A comparison stops for
 * efficacy when its z statistic crosses the bound; with futility bounds in
 * the design it is flagged `'futility'` when z falls short of the futility
 * bound (non-binding: continuing anyway keeps alpha). Each look reports the
 * repeated confidence interval diff ± |bound|·se, which covers the true
 * difference at every look at once with probability ≥ 1 − alpha, and the
 * repeated p-value (Jennison & Turnbull 2000, ch. 9). After an efficacy
 * stop the comparison keeps its stopping look's numbers.
 *
 * Data are cumulative per-variant sufficient statistics, `{ n, conversions }`
 * (z with the pooled rate, as the two-proportion z-test; intervals unpooled)
 * or `{ n, sum, sumSquares }` (Welch's standard error, normal reference).
 * Each variant is compared with the control; no multiplicity correction is
 * made across variants. Use {@link sequentialTest} instead when the looks
 * are not planned at all (continuous monitoring); see the guide for when to
 * use which.
 *
 * Costs O(looks · G²) with G ≈ 200 for the bounds when the look is not where
 * the design planned it (nothing when it is), plus about a dozen such passes
 * per comparison for the repeated p-value.
 *
 * @param variants - cumulative per-variant statistics at this look, all of the same kind; at least two
 * @param options - design and maxSampleSize (required), control, previous, final, repeatedPValue
 * @returns the {@link GroupSequentialTestResult}
 * @throws `ValidationError` `E_TOO_FEW_VARIANTS`, `E_ZERO_VISITORS`, `E_CONVERSIONS_EXCEED_N`, `E_NEGATIVE_COUNT`,
 *   `E_NOT_INTEGER`, `E_NOT_FINITE`, `E_SUM_SQUARES`, `E_TOO_FEW_UNITS`, `E_METRIC_KIND` (rates mixed with means),
 *   `E_LOOK_ORDER` (fewer control units than the previous look, or more looks than the design allows)
 * @throws `OptionsError` `E_DESIGN` (no design, or one whose bounds or other numbers do not follow from its specification),
 *   `E_SAMPLE_SIZE` (no maxSampleSize), `E_PREVIOUS_MISMATCH` (a previous look of another design, a final one,
 *   or a malformed one), `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { groupSequentialDesign, groupSequentialTest, sequentialSampleSize } from '@marksman/experiments';
 * const design = groupSequentialDesign({ looks: 4 }); // O'Brien-Fleming, α = 0.05 two-sided
 * const size = sequentialSampleSize({ baseline: 0.1, mde: 0.02 }, { design });
 * size.schedule; // => [979, 1957, 2936, 3914] (control units at the four looks)
 * const opts = { design, maxSampleSize: size.nControl };
 * const week1 = groupSequentialTest([{ n: 979, conversions: 98 }, { n: 979, conversions: 122 }], opts);
 * week1.comparisons[0].decision; // => 'continue' (z = 1.72, bound 4.33)
 * week1.comparisons[0].efficacyBound.toFixed(2); // => '4.33'
 * const week2 = groupSequentialTest([{ n: 1957, conversions: 195 }, { n: 1957, conversions: 262 }], { ...opts, previous: week1 });
 * week2.comparisons[0].decision; // => 'efficacy' (z = 3.33 crosses 2.96: stop)
 * week2.comparisons[0].pValue.toFixed(3); // => '0.025'
 * [week2.comparisons[0].ciLow.toFixed(4), week2.comparisons[0].ciHigh.toFixed(4)]; // => ['0.0039', '0.0646']
 * ```
 */
export function groupSequentialTest(variants: readonly (ProportionInput | MeanInput)[], options?: GroupSequentialTestOptions): GroupSequentialTestResult {
  checkVariantCount(variants, SOURCE);
  const o = resolveOptions(SOURCE, DEFAULTS, options);
  if (o.design === null) throw new OptionsError('E_DESIGN', `${SOURCE}: give the design (from groupSequentialDesign).`, { source: SOURCE, field: 'design' });
  const design = trustedDesign(o.design, SOURCE);
  const maxN = o.maxSampleSize;
  if (typeof maxN !== 'number' || !(maxN >= 1) || !Number.isFinite(maxN)) {
    throw new OptionsError('E_SAMPLE_SIZE', `${SOURCE}: maxSampleSize must be the planned control units at the last look (a number ≥ 1), got ${String(maxN)}.`, {
      source: SOURCE,
      field: 'maxSampleSize',
    });
  }
  checkIndex(o.control, variants.length, 'control', SOURCE);
  for (const key of ['final', 'repeatedPValue'] as const) {
    if (typeof o[key] !== 'boolean') throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: ${key} must be true or false, got ${String(o[key])}.`, { source: SOURCE, field: key });
  }
  const proportions = isProportion(variants[0]!);
  const stats = variants.map((v, i) => {
    if (isProportion(v) !== proportions) {
      throw new ValidationError('E_METRIC_KIND', `${SOURCE}: variant ${i} is not of the same kind as variant 0; give all { n, conversions } or all { n, sum, sumSquares }.`, {
        source: SOURCE,
        row: i,
      });
    }
    if (isProportion(v)) {
      checkProportion(v, SOURCE, i);
      const p = v.conversions / v.n;
      return { n: v.n, mean: p, variance: p * (1 - p), sum: v.conversions };
    }
    const m = checkMean(v, SOURCE, i);
    return { n: v.n, ...m, sum: v.sum };
  });
  const prev = o.previous === null ? null : checkPrevious(o.previous, variants.length, o, design);
  const c = stats[o.control]!;
  const t = c.n / maxN;
  const before = prev?.fractions ?? [];
  if (!(t > (before[before.length - 1] ?? 0))) {
    throw new ValidationError('E_LOOK_ORDER', `${SOURCE}: the control has ${c.n} units, no more than at the previous look; pass cumulative statistics with new data.`, {
      source: SOURCE,
      field: 'n',
      row: o.control,
    });
  }
  prev?.n.forEach((n0, i) => {
    if (stats[i]!.n < n0) {
      throw new ValidationError('E_LOOK_ORDER', `${SOURCE}: variant ${i} has n = ${stats[i]!.n}, fewer than ${n0} at the previous look; pass cumulative statistics.`, {
        source: SOURCE,
        field: 'n',
        row: i,
      });
    }
  });
  const final = o.final || t >= 1;
  const fractions = [...before, t];
  const look = fractions.length;
  if (look > design.looks * 4) {
    throw new ValidationError('E_LOOK_ORDER', `${SOURCE}: this is look ${look} of a ${design.looks}-look design; mark the last look with final: true.`, { source: SOURCE, field: 'previous' });
  }
  const { sides, level } = sidesOf(design.alpha, design.alternative);
  const sign = design.alternative === 'less' ? -1 : 1;
  // bounds on the 'upper' orientation; the design's own when the looks are where it planned them
  const planned =
    look <= design.looks && fractions.every((f, i) => Math.abs(f - design.timing[i]!) <= 1e-9) && final === (look === design.looks);
  let efficacy: number[];
  let futility: number[] | null;
  if (planned) {
    efficacy = design.efficacyBounds.slice(0, look).map((b) => sign * b);
    futility = design.futilityBounds === null ? null : design.futilityBounds.slice(0, look).map((f) => sign * f);
  } else {
    const cum = fractions.map((x) => spent(design.spending, level, x));
    if (final) cum[look - 1] = level;
    efficacy = efficacyBounds(fractions, cum, sides);
    futility =
      design.futility === null
        ? null
        : futilityBounds(
            fractions,
            efficacy,
            fractions.map((x) => spent(design.futility!, 1 - design.power, x)),
            design.drift,
            sides,
            final,
          );
  }
  const a = efficacy[look - 1]!;
  const f = futility === null ? null : futility[look - 1]!;
  const bound = proportions ? 1 : Infinity;
  const comparisons: GroupSequentialComparison[] = [];
  let j = 0;
  stats.forEach((v, i) => {
    if (i === o.control) return;
    const earlier = prev?.comparisons[j];
    j++;
    if (earlier !== undefined && earlier.decision === 'efficacy') {
      comparisons.push({ ...earlier, ciLow: num(earlier.ciLow, -Infinity), ciHigh: num(earlier.ciHigh, Infinity), pValue: num(earlier.pValue, NaN) });
      return;
    }
    const diff = v.mean - c.mean;
    const se = Math.sqrt(v.variance / v.n + c.variance / c.n);
    let zSe = se;
    if (proportions) {
      const pool = (v.sum + c.sum) / (v.n + c.n);
      zSe = Math.sqrt(pool * (1 - pool) * (1 / v.n + 1 / c.n));
    }
    const z = zSe > 0 ? diff / zSe : 0;
    const oriented = sides === 2 ? Math.abs(z) : sign * z; // the statistic on the 'upper' orientation
    const crossed = oriented >= a;
    const futile = !crossed && f !== null && (sides === 2 ? Math.abs(z) < f : sign * z < f);
    const half = a * se;
    let ciLow = sides === 1 && sign === -1 ? -bound : Math.max(-bound, diff - half);
    let ciHigh = sides === 1 && sign === 1 ? bound : Math.min(bound, diff + half);
    if (!Number.isFinite(half)) {
      ciLow = -bound;
      ciHigh = bound;
    }
    const pValue = !o.repeatedPValue ? NaN : zSe > 0 ? repeatedPValue(oriented, fractions, final, design.spending, sides) : 1;
    comparisons.push({
      index: i,
      diff,
      lift: liftOf(diff, c.mean),
      standardError: se,
      statistic: z,
      efficacyBound: sign * a,
      futilityBound: f === null ? null : sign * f,
      pValue,
      ciLow,
      ciHigh,
      decision: crossed ? 'efficacy' : futile ? 'futility' : 'continue',
      stoppedAt: crossed ? look : null,
    });
  });
  return {
    look,
    fractions,
    final,
    alpha: design.alpha,
    alternative: design.alternative,
    spending: design.spending,
    control: o.control,
    maxSampleSize: maxN,
    n: stats.map((s) => s.n),
    comparisons,
  };
}
