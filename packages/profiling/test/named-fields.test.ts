// Found by the battery (packages/marksman/test/battery.test.ts): refusals of
// a whole argument, and of a damaged saved scaler, name the field at fault.
import { describe, expect, it } from 'vitest';
import { MinMaxScaler, RobustScaler, StandardScaler, QuantileRank, behaviourFeatures, buildProfiles, calibrationHoldoutSplit, cleanTransactions, minMaxScaler, rfm, robustScaler, standardScaler, quantileRank, summarizeForClv } from '@marksman/profiling';

describe('profiling boundary found by the battery', () => {
  it('whole-argument refusals name the argument', () => {
    const cases: [() => unknown, string, string][] = [
      [() => standardScaler().fit(undefined as never), 'E_INPUT', 'X'],
      [() => standardScaler().fit([]), 'E_EMPTY', 'X'],
      [() => rfm(undefined as never, { asOf: '2024-01-01' }), 'E_INPUT', 'transactions'],
      [() => rfm([], { asOf: '2024-01-01' }), 'E_EMPTY', 'transactions'],
      [() => behaviourFeatures(null as never, { asOf: '2024-01-01' }), 'E_INPUT', 'events'],
      [() => behaviourFeatures([], { asOf: '2024-01-01' }), 'E_EMPTY', 'events'],
      [() => buildProfiles({} as never, { asOf: '2024-01-01' }), 'E_INPUT', 'sources'],
      [() => summarizeForClv(undefined as never, { asOf: '2024-01-01', timeUnit: 'week' }), 'E_CLV_EMPTY', 'transactions'],
      [() => calibrationHoldoutSplit([], { calibrationEnd: '2024-01-01', observationEnd: '2024-02-01' }), 'E_EMPTY', 'transactions'],
      [() => cleanTransactions(undefined as never), 'E_INPUT', 'rows'],
    ];
    for (const [f, code, field] of cases) expect(f).toThrow(expect.objectContaining({ code, field }));
  });

  it('fromJSON of each scaler names the damaged field', () => {
    const X = [[1, 10], [3, 12], [5, 20]];
    const json = <T>(s: { toJSON(): T }) => JSON.parse(JSON.stringify(s.toJSON())) as Record<string, unknown>;
    expect(() => StandardScaler.fromJSON(undefined as never)).toThrow(expect.objectContaining({ code: 'E_JSON', field: 'json' }));
    expect(() => StandardScaler.fromJSON({ ...json(standardScaler().fit(X)), version: 9 } as never)).toThrow(expect.objectContaining({ field: 'version' }));
    expect(() => StandardScaler.fromJSON({ ...json(standardScaler().fit(X)), withStd: 'yes' } as never)).toThrow(expect.objectContaining({ field: 'withStd' }));
    expect(() => StandardScaler.fromJSON({ ...json(standardScaler().fit(X)), extra: 1 } as never)).toThrow(expect.objectContaining({ field: 'extra' }));
    expect(() => MinMaxScaler.fromJSON({ ...json(minMaxScaler().fit(X)), clip: 1 } as never)).toThrow(expect.objectContaining({ field: 'clip' }));
    expect(() => RobustScaler.fromJSON({ ...json(robustScaler().fit(X)), quantileRange: [80, 20] } as never)).toThrow(expect.objectContaining({ field: 'quantileRange' }));
    expect(() => QuantileRank.fromJSON({ ...json(quantileRank().fit(X)), quantiles: [] } as never)).toThrow(expect.objectContaining({ field: 'quantiles' }));
  });
});
