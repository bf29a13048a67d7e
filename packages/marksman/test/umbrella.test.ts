import { describe, expect, it } from 'vitest';
import * as all from 'marksman';
import * as core from '@marksman/core';
import * as metrics from '@marksman/metrics';
import * as datasets from '@marksman/datasets';
import * as profiling from '@marksman/profiling';
import * as learn from '@marksman/learn';
import * as segmentation from '@marksman/segmentation';
import * as recsys from '@marksman/recsys';
import * as experiments from '@marksman/experiments';
import * as sql from '@marksman/sql';
import * as io from '@marksman/io';
import * as allTfjs from 'marksman/tfjs';
import * as recsysTfjs from '@marksman/recsys/tfjs';
import * as allCharts from 'marksman/charts';
import * as charts from '@marksman/charts';
import * as chartsRender from '@marksman/charts/render';

const packages = { core, metrics, datasets, profiling, learn, segmentation, recsys, experiments, sql, io } as Record<string, Record<string, unknown>>;

describe('marksman (umbrella)', () => {
  it('re-exports every public value of every package, as the same object', () => {
    const umbrella = all as Record<string, unknown>;
    for (const [name, mod] of Object.entries(packages)) {
      for (const key of Object.keys(mod)) {
        expect(umbrella[key], `${name}.${key}`).toBe(mod[key]);
      }
    }
  });

  it('does not re-export the plumbing of @marksman/core/internal', async () => {
    const internal = (await import('@marksman/core/internal')) as Record<string, unknown>;
    const leaked = Object.keys(internal).filter((key) => key in (all as Record<string, unknown>));
    expect(leaked).toEqual([]);
  });

  it('has no name exported by two packages (a flat re-export would hide one)', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const [name, mod] of Object.entries(packages)) {
      for (const key of Object.keys(mod)) {
        const prev = owner.get(key);
        if (prev) clashes.push(`${key} (${prev}, ${name})`);
        owner.set(key, name);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('keeps TensorFlow.js out of the main entry: the learned models are re-exported by marksman/tfjs only', () => {
    const umbrella = all as Record<string, unknown>;
    const tfjs = allTfjs as Record<string, unknown>;
    for (const [key, value] of Object.entries(recsysTfjs)) {
      expect(tfjs[key], `tfjs.${key}`).toBe(value);
      expect(umbrella[key], `main entry must not export ${key}`).toBeUndefined();
    }
    expect(Object.keys(recsysTfjs)).toContain('useBackend');
  });

  it('keeps the charts in marksman/charts: the spec builders and the renderer, not in the main entry', () => {
    const umbrella = all as Record<string, unknown>;
    const sub = allCharts as Record<string, unknown>;
    for (const [key, value] of [...Object.entries(charts), ...Object.entries(chartsRender)]) {
      expect(sub[key], `charts.${key}`).toBe(value);
      expect(umbrella[key], `main entry must not export ${key}`).toBeUndefined();
    }
    expect(Object.keys(sub)).toEqual(expect.arrayContaining(['rocChart', 'renderSvg']));
  });
});
