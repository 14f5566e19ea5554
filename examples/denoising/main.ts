// Denoising autoencoders on MNIST: `npm run example -- denoising [--quick] [--out DIR]`.
// Trains a plain 784-256-64 autoencoder and one denoising autoencoder of the same shape per noise
// (gaussian, masking, salt-and-pepper: the input corrupted in training, the loss measured against
// the clean digit), then compares how well each cleans corrupted test digits. Writes
//   denoising.png        per noise: noisy input, plain output, denoising output, clean original;
//   error-vs-noise.png   test error against the clean digits as the noise grows, per noise.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  type Autoencoder,
  type Corruptor,
  denoisingAutoencoder,
  denseAutoencoder,
  gaussianNoise,
  maskingNoise,
  saltAndPepperNoise,
  train,
} from '../../src/index.js';
import { MNIST_PIXELS } from '../../bench/mnist-data.js';
import { chart, imagePanel, lineChartSpec, tile, tileFigure } from '../shared/plot.js';
import { writePng } from '../shared/png.js';
import { exampleArgs, startMnistExample } from '../shared/setup.js';

const { quick, outDir } = exampleArgs(import.meta.url);
const epochs = quick ? 1 : 10;

/** A kind of noise: how it is built at a level, the level trained at, and the levels the chart sweeps. */
interface Noise {
  readonly name: string;
  readonly parameter: string;
  readonly make: (level: number) => Corruptor;
  readonly trainLevel: number;
  readonly levels: readonly number[];
}

const noises: readonly Noise[] = [
  {
    name: 'gaussian',
    parameter: 'σ',
    make: (stddev) => gaussianNoise({ stddev, clip: [0, 1] }),
    trainLevel: 0.4,
    levels: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8],
  },
  { name: 'masking', parameter: 'rate', make: (rate) => maskingNoise({ rate }), trainLevel: 0.5, levels: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] },
  {
    name: 'salt-and-pepper',
    parameter: 'rate',
    make: (rate) => saltAndPepperNoise({ rate }),
    trainLevel: 0.2,
    levels: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4],
  },
];

const { test, x, xTest } = await startMnistExample({ quick, quickTest: true, detail: `; ${epochs} epoch${epochs === 1 ? '' : 's'} per model` });

const shape = { inputDim: MNIST_PIXELS, hidden: [256], latentDim: 64, latentActivation: 'relu', loss: 'bce', seed: 0 } as const;
const options = { epochs, batchSize: 128, learningRate: 1e-3, seed: 0, progress: true } as const;

console.log('\nplain autoencoder (clean inputs)');
const plain = denseAutoencoder(shape);
await train(plain, x, options);
const denoisers: Autoencoder[] = [];
for (const noise of noises) {
  console.log(`\ndenoising autoencoder, ${noise.name} noise ${noise.parameter} = ${noise.trainLevel} in training`);
  const model = denoisingAutoencoder({ ...shape, corruptor: noise.make(noise.trainLevel) });
  await train(model, x, options);
  denoisers.push(model);
}

/** Mean squared error per pixel between `output` and the clean test digits. */
async function mseToClean(output: tf.Tensor): Promise<number> {
  const m = tf.tidy(() => tf.mean(tf.squaredDifference(xTest, output)));
  const v = (await m.data())[0]!;
  m.dispose();
  return v;
}

// Errors against the clean digits, at every level of every noise (one fixed draw of noise per level).
console.log('\ntest MSE per pixel against the clean digits (noisy input itself / plain AE / denoising AE):');
const charts = [];
const table: string[] = [];
for (const [k, noise] of noises.entries()) {
  const curves: [number, number][][] = [[], [], []];
  for (const level of noise.levels) {
    const noisy = noise.make(level)(xTest, { seed: 1000 + k });
    const byPlain = plain.reconstruct(noisy);
    const byDenoiser = denoisers[k]!.reconstruct(noisy);
    const errors = [await mseToClean(noisy), await mseToClean(byPlain), await mseToClean(byDenoiser)];
    tf.dispose([noisy, byPlain, byDenoiser]);
    errors.forEach((e, i) => curves[i]!.push([level, e]));
    if (level === noise.trainLevel) {
      table.push(`  ${`${noise.name} ${noise.parameter} = ${level}`.padEnd(26)} ${errors.map((e) => e.toFixed(4)).join(' / ')}`);
    }
  }
  charts.push(
    chart(lineChartSpec({
      title: `${noise.name} noise`,
      xLabel: `noise ${noise.parameter}`,
      yLabel: 'MSE per pixel vs clean digit',
      width: 480,
      height: 380,
      // Head room above the curves for the legend.
      y: { min: 0, max: 1.45 * Math.max(...curves.flatMap((c) => c.map(([, e]) => e))) },
      legend: 'top-left',
      series: [
        { name: 'noisy input', points: curves[0]!, color: [150, 150, 150], dashed: true },
        { name: 'plain AE', points: curves[1]! },
        { name: `denoising AE (${noise.parameter} ${noise.trainLevel})`, points: curves[2]! },
      ],
    })),
  );
}
console.log(table.join('\n'));

const chartPath = join(outDir, 'error-vs-noise.png');
tileFigure(charts, { gap: 12, title: 'Reconstruction error on corrupted test digits' }).write(chartPath);

// Eight test digits per noise, at the training level.
const picks = Array.from({ length: 8 }, (_, i) => Math.floor(((i + 0.5) * test.n) / 8));
const rowsOf = async (t: tf.Tensor): Promise<Float32Array[]> => {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return picks.map((i) => data.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
};
const clean = picks.map((i) => test.x.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
const panels = [];
for (const [k, noise] of noises.entries()) {
  const noisy = noise.make(noise.trainLevel)(xTest, { seed: 1000 + k });
  const rows = [
    { label: 'noisy input', images: await rowsOf(noisy.clone()) },
    { label: 'plain AE', images: await rowsOf(plain.reconstruct(noisy)) },
    { label: 'denoising AE', images: await rowsOf(denoisers[k]!.reconstruct(noisy)) },
    { label: 'clean original', images: clean },
  ];
  noisy.dispose();
  panels.push(imagePanel({ title: `${noise.name}, ${noise.parameter} = ${noise.trainLevel}`, rows, scale: 2 }));
}
const picturePath = join(outDir, 'denoising.png');
writePng(picturePath, tile(panels, { columns: 1, gap: 6 }));
console.log(`\nwrote ${picturePath}\nwrote ${chartPath}`);

tf.dispose([x, xTest]);
plain.dispose();
for (const m of denoisers) m.dispose();
