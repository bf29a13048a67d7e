import * as tf from '@tensorflow/tfjs-core';
import { OptionsError, StateError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { activate, detectEnvironment, ensureRegistered, isInitialised, webGpuAdapterLabel } from './backends';
import type { BackendEnvironment, BackendName } from './backends';

export type { BackendName, BackendEnvironment } from './backends';

/** What {@link useBackend} accepts: a backend name, or `'auto'` for the best one available. */
export type BackendRequest = 'auto' | BackendName;

/** One backend that {@link useBackend} considered, and what became of it. */
export interface BackendAttempt {
  /** The backend. */
  readonly backend: BackendName;
  /** `active`: now in use; `skipped`: not available here; `failed`: available but would not initialise. */
  readonly outcome: 'active' | 'skipped' | 'failed';
  /** Why (for `skipped`/`failed`), or a short confirmation for `active`. */
  readonly reason: string;
}

/** The result of {@link useBackend}: which backend is active and why the better ones were passed over. */
export interface BackendChoice {
  /** The backend now active in TensorFlow.js (`tf.getBackend()`). */
  readonly backend: string;
  /** What was asked for. */
  readonly requested: BackendRequest;
  /** Where the choice was made. */
  readonly environment: BackendEnvironment;
  /** True when a backend that was already active was left in place (see {@link UseBackendOptions.override}). */
  readonly kept: boolean;
  /** Every backend considered, best first, with the outcome and the reason. */
  readonly attempts: readonly BackendAttempt[];
}

/** Options of {@link useBackend}. */
export interface UseBackendOptions {
  /**
   * Folder (URL or path ending in `/`) holding `tfjs-backend-wasm*.wasm`,
   * passed to `setWasmPaths`. Not needed in Node, where the package finds its
   * own files; needed when a bundler moves the JavaScript away from them.
   */
  readonly wasmPaths: string | undefined;
  /**
   * With `'auto'`, replace a backend that is already active. By default a
   * backend the caller activated (`tf.setBackend`, or a tfjs operation that
   * ran before) is kept.
   */
  readonly override: boolean;
}

const DEFAULTS: UseBackendOptions = Object.freeze({ wasmPaths: undefined, override: false });

const ORDER: Readonly<Record<BackendEnvironment, readonly BackendName[]>> = Object.freeze({
  node: ['tensorflow', 'webgpu', 'wasm', 'cpu'],
  browser: ['webgpu', 'webgl', 'wasm', 'cpu'],
});

const KNOWN: readonly BackendRequest[] = ['auto', 'tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];

/** The backend this module activated last, to tell it apart from one the caller set. */
let lastActivated: string | null = null;

/** The backend in use, if one is set and initialised (a failed initialisation does not count). Initialises nothing. */
function activeBackend(): string | null {
  const name = (tf.engine() as unknown as { backendName?: string | null }).backendName;
  return typeof name === 'string' && name.length > 0 && isInitialised(name) ? name : null;
}

/**
 * Chooses the TensorFlow.js backend for Marksman's learned models and
 * reports why. With `'auto'` it tries, best first — in Node: `tensorflow`
 * (only when the user installed `@tensorflow/tfjs-node-gpu` or
 * `@tensorflow/tfjs-node`), then `webgpu` on a hardware adapter through the
 * optional `webgpu` package (Dawn; no libtensorflow download) with
 * `@tensorflow/tfjs-backend-webgpu`, then `wasm`, then `cpu`; in browsers:
 * `webgpu` (when `navigator.gpu` exists), `webgl`, `wasm`, `cpu` — and
 * activates the first that initialises. `'auto'` never picks a software
 * WebGPU adapter (SwiftShader); `useBackend('webgpu')` by name accepts one,
 * which is how tests run WebGPU on a machine without a GPU. A backend that
 * is already active is kept unless `override: true`. A named backend is
 * activated as asked, or an error says why it cannot be.
 *
 * Every backend package is an optional peer loaded by dynamic import, so
 * importing `@marksman/recsys/tfjs` has no side effects and needs only the
 * backends you use. A bundled browser app imports the backends it wants
 * (`import '@tensorflow/tfjs-backend-webgl'`); `useBackend` then finds them
 * registered. Using WebGPU in Node installs `navigator.gpu` and the WebGPU
 * constants as globals when they are missing. Activating WebGL turns on
 * TensorFlow.js's `WEBGL_USE_SHAPES_UNIFORMS` flag unless you set it, so
 * batches of varying shapes reuse compiled shader programs.
 *
 * Costs one backend initialisation (milliseconds; the wasm module is
 * compiled once per process).
 *
 * @param request - `'auto'` or a backend name
 * @param options - see {@link UseBackendOptions}
 * @returns the active backend and, for each backend considered, why it was or was not used
 * @throws `OptionsError` `E_BACKEND_NAME` for an unknown name, `E_OPTION_TYPE` for an `override` that is not a boolean;
 *   `StateError` `E_BACKEND_UNAVAILABLE` when a named backend cannot be
 *   loaded or initialised, or when `'auto'` finds none
 * @example
 * ```ts
 * import { useBackend } from '@marksman/recsys/tfjs';
 * const choice = await useBackend('wasm');
 * choice.backend; // => 'wasm'
 * const auto = await useBackend('auto'); // in Node without tfjs-node and without a GPU
 * auto.attempts.map((a) => `${a.backend}:${a.outcome}`); // => ['tensorflow:skipped', 'webgpu:skipped', 'wasm:active']
 * ```
 */
export async function useBackend(request: BackendRequest, options?: Partial<UseBackendOptions>): Promise<BackendChoice> {
  const source = 'useBackend';
  if (!KNOWN.includes(request)) {
    throw new OptionsError('E_BACKEND_NAME', `${source}: unknown backend "${String(request)}". Use one of ${KNOWN.join(', ')}.`, { source, field: 'request' });
  }
  const opts = resolveOptions(source, DEFAULTS, options);
  if (typeof opts.override !== 'boolean') {
    throw new OptionsError('E_OPTION_TYPE', `${source}: override must be true or false, got ${typeof opts.override === 'string' ? JSON.stringify(opts.override) : String(opts.override)}.`, { source, field: 'override' });
  }
  const environment = detectEnvironment();
  const loader = { wasmPaths: opts.wasmPaths, allowSoftwareGpu: request === 'webgpu' };

  const current = activeBackend();
  if (request !== 'auto') {
    const why = (await ensureRegistered(request, environment, loader)) ?? (await activate(request, current));
    if (why !== null) {
      throw new StateError('E_BACKEND_UNAVAILABLE', `${source}: the ${request} backend cannot be used here: ${why}. Use useBackend('auto') to fall back to the best available one.`, { source, field: 'request' });
    }
    lastActivated = request;
    return { backend: request, requested: request, environment, kept: false, attempts: [{ backend: request, outcome: 'active', reason: await activeReason(request, 'requested by name') }] };
  }

  if (current !== null && current !== lastActivated && !opts.override) {
    return {
      backend: current,
      requested: request,
      environment,
      kept: true,
      attempts: [],
    };
  }

  const attempts: BackendAttempt[] = [];
  for (const name of ORDER[environment]) {
    const missing = await ensureRegistered(name, environment, loader);
    if (missing !== null) {
      attempts.push({ backend: name, outcome: 'skipped', reason: missing });
      continue;
    }
    const failed = await activate(name, current);
    if (failed !== null) {
      attempts.push({ backend: name, outcome: 'failed', reason: failed });
      continue;
    }
    attempts.push({ backend: name, outcome: 'active', reason: await activeReason(name, 'best available backend') });
    lastActivated = name;
    return { backend: name, requested: request, environment, kept: false, attempts };
  }
  throw new StateError('E_BACKEND_UNAVAILABLE', `${source}: no TensorFlow.js backend could be initialised (${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}).`, { source });
}

/** The confirmation for an active backend; for WebGPU it names the adapter. */
async function activeReason(name: BackendName, why: string): Promise<string> {
  if (name !== 'webgpu') return why;
  const label = await webGpuAdapterLabel();
  return label === null ? why : `${why}, adapter ${label}`;
}
