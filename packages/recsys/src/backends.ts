// Internal: how each TensorFlow.js backend is loaded. Every import here is
// dynamic, so importing `@marksman/recsys` registers nothing; a backend's
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
}

/**
 * Makes sure `name` is registered with tfjs-core. Resolves to null when it is
 * (or already was), or to the reason it could not be.
 */
export async function ensureRegistered(name: BackendName, env: BackendEnvironment, options: LoaderOptions): Promise<string | null> {
  if (tf.findBackendFactory(name) !== null && tf.findBackendFactory(name) !== undefined) return null;
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
      if (env !== 'browser') return 'WebGPU is only tried in browsers';
      const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
      if (nav?.gpu === undefined) return 'this browser does not expose navigator.gpu';
      try {
        await importOptional('@tensorflow/tfjs-backend-webgpu');
        return tf.findBackendFactory('webgpu') ? null : '@tensorflow/tfjs-backend-webgpu did not register a backend';
      } catch (e) {
        return `@tensorflow/tfjs-backend-webgpu is not installed or failed to load (${message(e)}); install and import it to use WebGPU`;
      }
    }
    case 'webgl': {
      if (env !== 'browser') return 'WebGL is only tried in browsers';
      try {
        await import('@tensorflow/tfjs-backend-webgl');
        return tf.findBackendFactory('webgl') ? null : '@tensorflow/tfjs-backend-webgl did not register a backend';
      } catch (e) {
        return `@tensorflow/tfjs-backend-webgl failed to load (${message(e)})`;
      }
    }
    case 'wasm': {
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        // In Node the package's CommonJS bundle finds its .wasm files next to
        // itself (__dirname); bundled builds need the folder given explicitly.
        if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
        return tf.findBackendFactory('wasm') ? null : '@tensorflow/tfjs-backend-wasm did not register a backend';
      } catch (e) {
        return `@tensorflow/tfjs-backend-wasm failed to load (${message(e)})`;
      }
    }
    case 'cpu': {
      try {
        await import('@tensorflow/tfjs-backend-cpu');
        return tf.findBackendFactory('cpu') ? null : '@tensorflow/tfjs-backend-cpu did not register a backend';
      } catch (e) {
        return `@tensorflow/tfjs-backend-cpu failed to load (${message(e)})`;
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
  return why;
}
