// Searching for new physics with an autoencoder, after Farina, Nakai & Shih (arXiv:1808.08992):
// train on QCD-like jet images only, flag top-like jets by their reconstruction error, and
// compare with the reconstruction error of PCA.
//
//   npm run example -- anomaly-jets           the full budget (a few minutes on 2 cores)
//   npm run example -- anomaly-jets --conv    the convolutional autoencoder instead (slower)
//   npm run example -- anomaly-jets --quick   a tiny budget for CI (seconds)
//   … --out DIR                               the pictures into DIR instead of out/
//
// The jets come from the toy generator in jets.ts, not from a physics event generator: see
// README.md. Writes out/roc.png and out/figure3.png.
import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { anomalyScores, anomalyThreshold, averagePrecision, rocAuc, rocCurve } from '../../src/anomaly/index.js';
import { useBackend } from '../../src/backend/index.js';
import { PCA } from '../../src/pca/index.js';
import { train } from '../../src/train/index.js';
import { makeJets, SIDE } from './jets.js';
import { convJetAutoencoder, denseJetAutoencoder } from './model.js';
import { heatmapGrid, rocFigure } from './plot.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env['QUICK'] === '1';
const conv = args.includes('--conv');
const budget = quick
  ? { train: 256, test: 200, epochs: 1 }
  : conv
    ? { train: 4000, test: 2000, epochs: 10 }
    : { train: 8000, test: 2000, epochs: 30 };
/** Width of the code, and the number of PCA components of the baseline. */
const K = 6;
const PIXELS = SIDE * SIDE;
/**
 * The generator normalises each image to a total intensity of 1. The networks see it in percent
 * (× 100): squared errors of values around 1e-3 give gradients below Adam's ε = 1e-7, and the
 * network then hardly trains. PCA and the ROC curves do not depend on this scale.
 */
const SCALE = 100;
/** Where the pictures go: `--out DIR`, else this example's own out/ folder (git-ignored). */
const outFlag = args.indexOf('--out');
const outDir = outFlag >= 0 && args[outFlag + 1] !== undefined ? resolve(args[outFlag + 1]!) : join(dirname(fileURLToPath(import.meta.url)), 'out');

// Both models train on wasm (useBackend installs the package's convolution gradients there).
const backend = await useBackend('wasm');
console.log(`backend: ${backend.name}${backend.simd ? ' (SIMD)' : ''}; model: ${conv ? 'convolutional' : 'dense'}${quick ? ' — quick run' : ''}`);

let clock = performance.now();
const lap = (): string => {
  const now = performance.now();
  const s = ((now - clock) / 1000).toFixed(1);
  clock = now;
  return `${s} s`;
};

// Background for training: QCD-like jets only. Test: as many QCD-like as top-like jets, other seeds.
const qcdTrain = makeJets('qcd', budget.train, 1);
const qcdTest = makeJets('qcd', budget.test, 2);
const topTest = makeJets('top', budget.test, 3);
const nTest = 2 * budget.test;
const trainImages = qcdTrain.images.map((v) => v * SCALE);
const testImages = new Float32Array(nTest * PIXELS);
testImages.set(qcdTest.images);
testImages.set(topTest.images, budget.test * PIXELS);
testImages.forEach((v, i) => (testImages[i] = v * SCALE));
const labels = Uint8Array.from({ length: nTest }, (_, i) => (i < budget.test ? 0 : 1));
const median = (a: Float32Array) => Float32Array.from(a).sort()[Math.floor(a.length / 2)]!;
console.log(
  `jets: ${budget.train} QCD-like for training; ${budget.test} QCD-like + ${budget.test} top-like for testing (${lap()}); ` +
    `median jet mass QCD-like ${median(qcdTest.masses).toFixed(0)} GeV, top-like ${median(topTest.masses).toFixed(0)} GeV`,
);

// The autoencoder, trained on the background only.
const shape = conv ? [SIDE, SIDE, 1] : [PIXELS];
const x = tf.tensor(trainImages, [budget.train, ...shape]);
const xTest = tf.tensor(testImages, [nTest, ...shape]);
const ae = conv
  ? convJetAutoencoder({ filters: [8, 16, 32], latentDim: K, seed: 1 })
  : denseJetAutoencoder({ hidden: [256, 64], latentDim: K, seed: 1 });
// Every 5 epochs: the mean error on the test jets of each class, to watch what the model learns.
const watch = async (epoch: number): Promise<void> => {
  if ((epoch + 1) % 5 !== 0) return;
  const s = await anomalyScores(ae, xTest);
  const m = (from: number, to: number) => (s.subarray(from, to).reduce((a, v) => a + v, 0) / (to - from)).toFixed(4);
  console.log(`  after epoch ${epoch + 1}: mean test error QCD-like ${m(0, budget.test)}, top-like ${m(budget.test, nTest)}`);
};
const history = await train(ae, x, {
  epochs: budget.epochs,
  batchSize: 64,
  learningRate: 1e-3,
  seed: 1,
  progress: true,
  callbacks: { onEpochEnd: watch },
});
// Training time without the scoring of the callback.
const trainSeconds = history.epochs.reduce((s, e) => s + e.seconds, 0);
console.log(`autoencoder: ${history.epochs.length} epochs in ${trainSeconds.toFixed(0)} s, final training MSE ${history.epochs.at(-1)!.loss.toFixed(4)}`);
const aeScores = await anomalyScores(ae, xTest);
lap();

// The baseline: PCA on the same background, scored the same way (K components, and a few others).
const pcaScoresFor = async (k: number): Promise<Float32Array> => {
  const pca = new PCA({ nComponents: k }).fit({ data: trainImages, shape: [budget.train, PIXELS] });
  return anomalyScores(pca, { data: testImages, shape: [nTest, PIXELS] });
};
const pcaScores = await pcaScoresFor(K);
const pca = new PCA({ nComponents: K }).fit({ data: trainImages, shape: [budget.train, PIXELS] });
console.log(`PCA: ${K} components (${lap()})`);

const aeAuc = rocAuc(aeScores, labels);
const pcaAuc = rocAuc(pcaScores, labels);
const mean = (a: Float32Array, from: number, to: number) => a.subarray(from, to).reduce((s, v) => s + v, 0) / (to - from);
console.log('\n                      ROC AUC   average precision   mean score QCD-like   mean score top-like');
for (const [name, s, auc] of [
  [`autoencoder (k = ${K})`, aeScores, aeAuc],
  [`PCA (${K} components)`, pcaScores, pcaAuc],
] as const) {
  console.log(
    `${name.padEnd(21)} ${auc.toFixed(3).padStart(7)} ${averagePrecision(s, labels).toFixed(3).padStart(19)} ` +
      `${mean(s, 0, budget.test).toFixed(4).padStart(21)} ${mean(s, budget.test, nTest).toFixed(4).padStart(21)}`,
  );
}
if (!quick) {
  const others = [2, 24].map(async (k) => `${k}: ${rocAuc(await pcaScoresFor(k), labels).toFixed(3)}`);
  console.log(`PCA ROC AUC with other numbers of components — ${(await Promise.all(others)).join(', ')}`);
}

// The physicists' number: background rejection 1/ε_B at a signal efficiency ε_S of 50 %.
for (const [name, s] of [
  ['autoencoder', aeScores],
  ['PCA', pcaScores],
] as const) {
  const { fpr, tpr } = rocCurve(s, labels);
  const i = tpr.findIndex((v) => v >= 0.5);
  console.log(`${name}: at 50 % of the top-like jets flagged, 1 in ${(1 / fpr[i]!).toFixed(1)} QCD-like jets is flagged too`);
}

// A working point chosen on the background alone: flag the top 1 % of QCD-like training scores.
const backgroundScores = { autoencoder: await anomalyScores(ae, x), PCA: await anomalyScores(pca, { data: trainImages, shape: [budget.train, PIXELS] }) };
for (const [name, scores] of [
  ['autoencoder', aeScores],
  ['PCA', pcaScores],
] as const) {
  const threshold = anomalyThreshold(backgroundScores[name], { contamination: 0.01 });
  const sig = scores.subarray(budget.test).filter((s) => s > threshold).length;
  const bkg = scores.subarray(0, budget.test).filter((s) => s > threshold).length;
  console.log(
    `${name}: the threshold that flags 1 % of the training background flags ${((100 * sig) / budget.test).toFixed(1)} % of the ` +
      `top-like and ${((100 * bkg) / budget.test).toFixed(1)} % of the QCD-like test jets`,
  );
}

// Figure: the ROC curves.
const aeRoc = rocCurve(aeScores, labels);
const pcaRoc = rocCurve(pcaScores, labels);
rocFigure(
  [
    { label: `AUTOENCODER  AUC ${aeAuc.toFixed(3)}`, fpr: aeRoc.fpr, tpr: aeRoc.tpr },
    { label: `PCA (${K})  AUC ${pcaAuc.toFixed(3)}`, fpr: pcaRoc.fpr, tpr: pcaRoc.tpr },
  ],
  'TOP',
  'QCD',
).write(join(outDir, 'roc.png'));

// Figure: like the paper's Figure 3 — for each class the average image, the average
// reconstruction and the average pixel-wise squared error (in fractions of the jet pT).
const recon = ae.reconstruct(xTest);
const reconData = (await recon.data()) as Float32Array;
recon.dispose();
function averages(from: number, to: number): [Float32Array, Float32Array, Float32Array] {
  const original = new Float32Array(PIXELS);
  const reconstruction = new Float32Array(PIXELS);
  const error = new Float32Array(PIXELS);
  const w = 1 / (to - from);
  for (let i = from; i < to; i++) {
    for (let p = 0; p < PIXELS; p++) {
      const a = testImages[i * PIXELS + p]! / SCALE;
      const b = reconData[i * PIXELS + p]! / SCALE;
      original[p]! += a * w;
      reconstruction[p]! += b * w;
      error[p]! += (a - b) * (a - b) * w;
    }
  }
  return [original, reconstruction, error];
}
const [qcdOriginal, qcdReconstruction, qcdError] = averages(0, budget.test);
const [topOriginal, topReconstruction, topError] = averages(budget.test, nTest);
heatmapGrid(
  [
    [qcdOriginal, topOriginal],
    [qcdReconstruction, topReconstruction],
    [qcdError, topError],
  ],
  { side: SIDE, scale: 6, columns: ['QCD-LIKE', 'TOP-LIKE'], rows: ['ORIGINAL', 'RECONSTRUCTED', 'SQUARED\nERROR'], decades: 5 },
).write(join(outDir, 'figure3.png'));
console.log(`\nwrote roc.png and figure3.png into ${outDir} (${lap()})`);

tf.dispose([x, xTest]);
ae.dispose();
