// Vitest setup for the projects that load TensorFlow.js: production mode
// silences its console advice (the "install our node backend" banner the cpu
// backend prints in Node), which is noise in a passing run. It changes no
// computation: PROD only gates TensorFlow.js's warnings and logs.
import * as tf from '@tensorflow/tfjs-core';

tf.enableProdMode();
