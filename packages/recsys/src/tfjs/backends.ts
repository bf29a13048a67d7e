// Internal: how each TensorFlow.js backend is loaded. Every import here is
// dynamic, so importing `@marksman/recsys/tfjs` registers nothing; a backend's
// side-effect registration runs only when `useBackend` asks for it.
import * as tf from '@tensorflow/tfjs-core';

/** Names `useBackend` knows, best first within each environment. */
export type BackendName = 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Where the code runs, as far as backend choice is concerned. */
export type BackendEnvironment = 'node' | 'browser';

interface ProcessLike {
  readonly versions?: { readonly node?: string };
}

/** Node (or Deno/Bun in Node mode) when `process.versions.node` exists and there is no `window`. */
export function detectEnvironment(): BackendEnvironment {
  const g = globalThis as { process?: ProcessLike; window?: unknown; document?: unknown };
  if (g.process?.versions?.node !== undefined && g.window === undefined) return 'node';
  return 'browser';
}

/**
 * Imports a module whose name is only known at run time, so bundlers and
 * TypeScript do not try to resolve optional packages the user may not have.
 */
async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const first = text.split('\n')[0] ?? text;
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}

/** Options a loader may use. */
export interface LoaderOptions {
  /** Prefix (folder URL or path ending in `/`) of the .wasm files, passed to `setWasmPaths`. */
  readonly wasmPaths: string | undefined;
  /** Accept a software WebGPU adapter (SwiftShader): true when `webgpu` is asked for by name. */
  readonly allowSoftwareGpu: boolean;
}

/** The part of the WebGPU API this module touches. */
interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<AdapterLike | null>;
}
interface AdapterLike {
  readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly description?: string; readonly isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}

function browserWebGpu(): GpuLike | string {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu === undefined ? 'this browser does not expose navigator.gpu' : nav.gpu;
}

/**
 * WebGPU in Node: a `navigator.gpu` the caller installed, or one from the
 * optional `webgpu` package (Dawn's Node bindings, binary inside the npm
 * tarball). Installs `navigator.gpu` and the WebGPU constants
 * (`GPUBufferUsage`, …) that tfjs-backend-webgpu reads, without
 * replacing globals that already exist.
 */
async function nodeWebGpu(): Promise<GpuLike | string> {
  const g = globalThis as Record<string, unknown> & { navigator?: { gpu?: GpuLike } };
  if (g.navigator?.gpu !== undefined) return g.navigator.gpu;
  let dawn: { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
  try {
    dawn = (await importOptional('webgpu')) as typeof dawn;
  } catch (e) {
    return `the webgpu package (Dawn's Node bindings) is not installed or failed to load (${message(e)}); npm install webgpu @tensorflow/tfjs-backend-webgpu to train on a GPU without libtensorflow`;
  }
  let gpu: GpuLike;
  try {
    gpu = dawn.create([]);
  } catch (e) {
    return `the webgpu package could not start Dawn (${message(e)})`;
  }
  for (const [name, value] of Object.entries(dawn.globals)) if (!(name in g)) g[name] = value;
  if (g.navigator === undefined) {
    Object.defineProperty(g, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
  return gpu;
}

/** What an adapter is; software renderers (SwiftShader, fallback adapters) are marked. */
async function describeAdapter(gpu: GpuLike): Promise<{ software: boolean; label: string } | string> {
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return `navigator.gpu.requestAdapter() failed (${message(e)})`;
  }
  if (adapter === null) {
    return 'no WebGPU adapter is available (no GPU driver; in Linux without a GPU, SwiftShader\'s Vulkan driver can be named with VK_ICD_FILENAMES)';
  }
  const info = adapter.info ?? {};
  const label = [info.vendor, info.architecture, info.description].filter((x) => typeof x === 'string' && x.length > 0).join(' ') || 'unnamed adapter';
  const software = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software/i.test(label);
  return { software, label };
}

/** The adapter behind `navigator.gpu`, for reports; null when there is none. */
export async function webGpuAdapterLabel(): Promise<string | null> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (nav?.gpu === undefined) return null;
  const d = await describeAdapter(nav.gpu);
  return typeof d === 'string' ? null : `${d.label}${d.software ? ' (software)' : ''}`;
}

/**
 * Makes sure `name` is registered with tfjs-core. Resolves to null when it is
 * (or already was), or to the reason it could not be.
 */
export async function ensureRegistered(name: BackendName, env: BackendEnvironment, options: LoaderOptions): Promise<string | null> {
  // WebGPU's adapter is checked every time: 'auto' must refuse a software one
  // even after a by-name request registered the backend.
  if (name !== 'webgpu' && tf.findBackendFactory(name) !== null && tf.findBackendFactory(name) !== undefined) return null;
  switch (name) {
    case 'tensorflow': {
      if (env !== 'node') return 'the tensorflow backend exists only in Node';
      const reasons: string[] = [];
      // The native bindings are optional peers: never a hard dependency.
      for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
        try {
          await importOptional(pkg);
          if (tf.findBackendFactory('tensorflow')) return null;
          reasons.push(`${pkg} loaded but registered its backend with another copy of @tensorflow/tfjs-core (align the versions)`);
        } catch (e) {
          reasons.push(`${pkg} is not installed or failed to load (${message(e)})`);
        }
      }
      return reasons.join('; ');
    }
    case 'webgpu': {
      const gpu = env === 'node' ? await nodeWebGpu() : browserWebGpu();
      if (typeof gpu === 'string') return gpu;
      const adapter = await describeAdapter(gpu);
      if (typeof adapter === 'string') return adapter;
      if (adapter.software && !options.allowSoftwareGpu) {
        return `the only WebGPU adapter is a software renderer (${adapter.label}); 'auto' never picks one — ask for useBackend('webgpu') by name to use it`;
      }
      if (tf.findBackendFactory('webgpu')) return null;
      try {
        await importOptional('@tensorflow/tfjs-backend-webgpu');
        return tf.findBackendFactory('webgpu') ? null : '@tensorflow/tfjs-backend-webgpu did not register a backend';
      } catch (e) {
        return `@tensorflow/tfjs-backend-webgpu is not installed or failed to load (${message(e)}); install it to use WebGPU`;
      }
    }
    case 'webgl': {
      if (env !== 'browser') return 'WebGL is only tried in browsers';
      try {
        await importOptional('@tensorflow/tfjs-backend-webgl');
        return tf.findBackendFactory('webgl') ? null : '@tensorflow/tfjs-backend-webgl did not register a backend';
      } catch (e) {
        return `@tensorflow/tfjs-backend-webgl is not installed or failed to load (${message(e)}); install it, or import it yourself in a bundled app`;
      }
    }
    case 'wasm': {
      try {
        const wasm = (await importOptional('@tensorflow/tfjs-backend-wasm')) as { setWasmPaths(prefix: string): void };
        // In Node the package's CommonJS bundle finds its .wasm files next to
        // itself (__dirname); bundled builds need the folder given explicitly.
        if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
        return tf.findBackendFactory('wasm') ? null : '@tensorflow/tfjs-backend-wasm did not register a backend';
      } catch (e) {
        return `@tensorflow/tfjs-backend-wasm is not installed or failed to load (${message(e)}); install it, or import it yourself in a bundled app`;
      }
    }
    case 'cpu': {
      try {
        await importOptional('@tensorflow/tfjs-backend-cpu');
        return tf.findBackendFactory('cpu') ? null : '@tensorflow/tfjs-backend-cpu did not register a backend';
      } catch (e) {
        return `@tensorflow/tfjs-backend-cpu is not installed or failed to load (${message(e)}); install it, or import it yourself in a bundled app`;
      }
    }
  }
}

/** True when `name` has been initialised (an instance exists); reading this initialises nothing. */
export function isInitialised(name: string): boolean {
  return (tf.engine().registry as Record<string, unknown>)[name] !== undefined;
}

/**
 * Activates a registered backend; resolves to null on success or to the
 * reason it failed. A failed attempt puts back the backend that was active
 * before (tfjs would otherwise keep the failed name as current).
 */
export async function activate(name: BackendName, previous: string | null): Promise<string | null> {
  let why: string | null = null;
  try {
    const ok = await tf.setBackend(name);
    if (!ok) {
      why = `tf.setBackend('${name}') refused it (the backend failed to initialise here)`;
    } else {
      await tf.ready();
      if (tf.getBackend() !== name || !isInitialised(name)) why = `tf.setBackend('${name}') did not leave an initialised ${name} backend`;
    }
  } catch (e) {
    why = `initialising ${name} threw: ${message(e)}`;
  }
  if (why !== null && previous !== null && previous !== name) await tf.setBackend(previous);
  if (why === null && name === 'webgl') preferShapeUniforms();
  return why;
}

/**
 * WebGL compiles a shader program per operation and input shape unless
 * shapes are passed as uniforms. The learned models' batches differ in shape
 * (distinct rows per batch), so without this every batch compiled new
 * programs: with it, our WebGL test trains about 40% faster. A value the
 * caller set is kept.
 */
function preferShapeUniforms(): void {
  const flag = 'WEBGL_USE_SHAPES_UNIFORMS';
  const env = tf.env();
  if (Object.prototype.hasOwnProperty.call(env.getFlags(), flag)) return;
  try {
    env.set(flag, true);
  } catch {
    // A WebGL backend that does not register the flag: nothing to set.
  }
}
