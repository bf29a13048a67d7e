// Entry of the browser bundle: fits k-means on the shared cases with the
// built @marksman/segmentation and reports whether this runtime has
// WebAssembly SIMD (so the module, not the typed-array fallback, ran).
import { fitCases, type FitSummary } from './cases';

/** What the page reports back to the test. */
export interface PageResult {
  simd: boolean;
  fits: FitSummary[];
}

// The smallest module that uses a v128 value: validates only where WebAssembly SIMD is supported.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

function runKMeans(): PageResult {
  return { simd: WebAssembly.validate(SIMD_PROBE), fits: fitCases() };
}

(globalThis as { runKMeans?: typeof runKMeans }).runKMeans = runKMeans;
