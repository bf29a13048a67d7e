// marksman/tfjs — the learned recommenders on TensorFlow.js
// (`@marksman/recsys/tfjs`), re-exported for notebooks. A subpath of its own,
// so `import … from 'marksman'` never needs TensorFlow.js: install
// `@tensorflow/tfjs-core` and the backends you use only to import this one.
export * from '@marksman/recsys/tfjs';
