// Every test file starts on the cpu backend with gradients registered; tests that need
// another backend switch explicitly with useBackend().
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
await tf.ready();
