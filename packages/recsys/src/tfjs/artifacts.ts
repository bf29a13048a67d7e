// Internal: a learned model's snapshot as TensorFlow.js model artefacts —
// `modelTopology` holds the structure (options, ids, histories, feature
// spaces) and the float32 arrays (trained weights, serving vectors) travel
// as binary weights — so any tf.io handler can store it: `indexeddb://` and
// `localstorage://` in browsers, `downloads://`, `http(s)://`, and
// `file://` in Node (with tfjs-node's handler, or our own, which writes the
// same model.json + weights.bin layout).
import * as tf from '@tensorflow/tfjs-core';
import { ParseError, StateError, ValidationError } from '@marksman/core';
import type { LearnedRecommenderJSON } from './learned';

/** What `save` reports. */
export interface SaveReport {
  /** Where the artefacts went (the URL given, or `handler`). */
  readonly destination: string;
  /** Bytes of binary weights written. */
  readonly weightBytes: number;
  /** Bytes of the JSON topology. */
  readonly topologyBytes: number;
}

const FORMAT = 'marksman-learned-recommender';

/** Imports a module whose name is only known at run time (kept out of browser bundles). */
async function importNode(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

interface NodeFs {
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
}

/** A `file://` handler for Node without tfjs-node: `<dir>/model.json` and `<dir>/weights.bin`. */
function fileHandler(url: string): tf.io.IOHandler {
  const dir = decodeURIComponent(url.slice('file://'.length)).replace(/\/model\.json$/, '');
  const fs = async () => (await importNode('node:fs/promises')) as NodeFs;
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const f = await fs();
      await f.mkdir(dir, { recursive: true });
      const data = new Uint8Array(concatWeights(artifacts.weightData));
      const manifest = { format: artifacts.format, generatedBy: artifacts.generatedBy, modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
      await f.writeFile(`${dir}/model.json`, JSON.stringify(manifest));
      await f.writeFile(`${dir}/weights.bin`, data);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const f = await fs();
      const manifest = JSON.parse(new TextDecoder().decode(await f.readFile(`${dir}/model.json`))) as { format?: string; modelTopology?: object; weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }> };
      const group = manifest.weightsManifest?.[0];
      if (group === undefined) throw new Error(`${dir}/model.json has no weightsManifest`);
      const parts = await Promise.all(group.paths.map((p) => f.readFile(`${dir}/${p}`)));
      const total = parts.reduce((n, p) => n + p.byteLength, 0);
      const buf = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        buf.set(p, at);
        at += p.byteLength;
      }
      const artifacts: tf.io.ModelArtifacts = { modelTopology: manifest.modelTopology as object, weightSpecs: group.weights, weightData: buf.buffer };
      if (manifest.format !== undefined) artifacts.format = manifest.format;
      return artifacts;
    },
  };
}

function concatWeights(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data as ArrayBuffer;
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}

function handlerFor(source: string, where: string | tf.io.IOHandler, mode: 'save' | 'load'): { handler: tf.io.IOHandler; label: string } {
  if (typeof where !== 'string') {
    if (where === null || typeof where !== 'object' || typeof (where as tf.io.IOHandler)[mode] !== 'function') {
      throw new ValidationError('E_INPUT', `${source}: give a URL (indexeddb://name, localstorage://name, downloads://name, file:///dir, https://…) or a tf.io handler with ${mode}().`, { source, field: 'destination' });
    }
    return { handler: where, label: 'handler' };
  }
  const found = mode === 'save' ? tf.io.getSaveHandlers(where) : tf.io.getLoadHandlers(where);
  if (found.length > 0) return { handler: found[0]!, label: where };
  if (where.startsWith('file://')) return { handler: fileHandler(where), label: where };
  throw new ValidationError('E_INPUT', `${source}: no TensorFlow.js handler can ${mode} "${where}" here (indexeddb:// and localstorage:// exist only in browsers; file:// only in Node).`, { source, field: 'destination' });
}

/** Writes a snapshot as artefacts: every number array of `state` and `weights` as float32 binary, the rest as JSON. */
export async function saveArtifacts(source: string, json: LearnedRecommenderJSON, where: string | tf.io.IOHandler): Promise<SaveReport> {
  const { handler, label } = handlerFor(source, where, 'save');
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Float32Array[] = [];
  for (const [name, values] of Object.entries(json.state)) {
    specs.push({ name: `state/${name}`, shape: [values.length], dtype: 'float32' });
    chunks.push(Float32Array.from(values));
  }
  for (const [name, w] of Object.entries(json.weights)) {
    specs.push({ name: `weights/${name}`, shape: w.shape.slice(), dtype: 'float32' });
    chunks.push(Float32Array.from(w.values));
  }
  // Popularity counts and other state arrays are exact in float32 only up to 2²⁴: check.
  for (const [name, values] of Object.entries(json.state)) {
    for (const v of values) {
      if (Math.fround(v) !== v) {
        throw new StateError('E_NOT_FLOAT32', `${source}: state.${name} holds ${v}, which float32 cannot store exactly; use toJSON() instead.`, { source });
      }
    }
  }
  const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
  const data = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    data.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), at);
    at += c.byteLength;
  }
  const { state: _state, weights: _weights, ...structure } = json;
  const topology = { format: FORMAT, snapshot: structure };
  const result = await handler.save!({ modelTopology: topology, format: FORMAT, generatedBy: '@marksman/recsys', weightSpecs: specs, weightData: data.buffer });
  if (result.errors !== undefined && result.errors.length > 0) {
    throw new StateError('E_SAVE_FAILED', `${source}: saving to ${label} failed (${String(result.errors[0])}).`, { source });
  }
  return { destination: label, weightBytes: bytes, topologyBytes: JSON.stringify(topology).length };
}

/** Reads artefacts written by {@link saveArtifacts} back into a snapshot (no backend needed). */
export async function loadArtifacts(source: string, where: string | tf.io.IOHandler): Promise<LearnedRecommenderJSON> {
  const { handler, label } = handlerFor(source, where, 'load');
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load!();
  } catch (e) {
    throw new ParseError('E_LOAD_FAILED', `${source}: could not read ${label} (${e instanceof Error ? e.message : String(e)}).`, { source });
  }
  const topology = artifacts.modelTopology as { format?: string; snapshot?: Record<string, unknown> } | undefined;
  if (topology?.format !== FORMAT || topology.snapshot === undefined || !Array.isArray(artifacts.weightSpecs)) {
    throw new ParseError('E_MODEL_JSON', `${source}: ${label} does not hold a Marksman learned recommender.`, { source });
  }
  const buffer = concatWeights(artifacts.weightData);
  const state: Record<string, number[]> = {};
  const weights: Record<string, { shape: number[]; values: number[] }> = {};
  let at = 0;
  for (const spec of artifacts.weightSpecs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype !== 'float32' || at + size * 4 > buffer.byteLength) {
      throw new ParseError('E_MODEL_JSON', `${source}: ${label} has a weight (${spec.name}) this version cannot read.`, { source });
    }
    const values = Array.from(new Float32Array(buffer.slice(at, at + size * 4)));
    at += size * 4;
    if (spec.name.startsWith('state/')) state[spec.name.slice(6)] = values;
    else if (spec.name.startsWith('weights/')) weights[spec.name.slice(8)] = { shape: spec.shape.slice(), values };
  }
  return { ...(topology.snapshot as object), state, weights } as unknown as LearnedRecommenderJSON;
}
