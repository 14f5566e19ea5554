// Every test file starts on the cpu backend with gradients registered; tests that need
// another backend switch explicitly with useBackend(). ensureGradients() registers them the
// way a Node app gets them (through tfjs-layers' Node build): a deep import of tfjs-core's
// dist/register_all_gradients.js would load a second, ES-module copy of tfjs-core here.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from '../src/backend/index.js';

await ensureGradients();
await tf.setBackend('cpu');
await tf.ready();
