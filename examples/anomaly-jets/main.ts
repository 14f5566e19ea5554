// Searching for new physics with an autoencoder, after Farina, Nakai & Shih (arXiv:1808.08992):
// train on QCD-like jet images only, flag top-like jets by their reconstruction error, and
// compare a convolutional autoencoder (the paper's model), a dense one and PCA with 2, 6 and 24
// components by the paper's figures of merit: ROC AUC, background rejection 1/ε_B at signal
// efficiencies 0.1, 0.3, 0.5, and the mass-decorrelation check.
//
//   npm run example -- anomaly-jets                  the full budget (see README.md for the time)
//   npm run example -- anomaly-jets --quick          a tiny budget for CI (seconds)
//   … --out DIR                                      the pictures into DIR instead of out/
//   … --train N --epochs E --conv-epochs C           a reduced budget (experiments)
//   … --no-conv / --no-dense                         leave one of the two autoencoders out
//   … --h5 train.h5 [--h5-test test.h5]              jets of the Top Quark Tagging Reference Dataset (h5.ts)
//   … --conv-filters 16,32 --conv-dense 32 --conv-lr R --conv-batch B --dense-lr R --constant-lr   experiments
//
// The jets come from the toy generator in jets.ts, not from a physics event generator: see
// README.md (and data.ts for reading the real top-tagging data set's constituents into the same
// images). Writes out/roc.png, out/figure3.png and out/mass-sculpting.png.
import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { anomalyScores, anomalyThreshold, rocAuc, rocCurve } from '../../src/anomaly/index.js';
import { backgroundRejection } from '../../src/anomaly/rejection.js';
import { useBackend } from '../../src/backend/index.js';
import type { Autoencoder } from '../../src/models/index.js';
import { PCA } from '../../src/pca/index.js';
import { train } from '../../src/train/index.js';
import { writePng } from '../shared/png.js';
import { figure3, rocFigure, sculptingFigure } from './figures.js';
import { readTopTaggingJets, jetsOfClass } from './h5.js';
import { type JetSample, makeJets, SIDE } from './jets.js';
import { histogram } from './metrics.js';
import { convJetAutoencoder, denseJetAutoencoder } from './model.js';

const args = process.argv.slice(2);
const flag = (name: string): number | undefined => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : undefined;
};
const textFlag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick') || process.env['QUICK'] === '1';
const withConv = !args.includes('--no-conv');
const withDense = !args.includes('--no-dense') || !withConv;
const budget = quick
  ? { train: flag('--train') ?? 256, test: flag('--test') ?? 200, denseEpochs: 1, convEpochs: 1 }
  : { train: flag('--train') ?? 8000, test: flag('--test') ?? 2000, denseEpochs: flag('--epochs') ?? 30, convEpochs: flag('--conv-epochs') ?? 48 };
/** Width of the code, and the number of PCA components of the headline baseline. */
const K = 6;
const PIXELS = SIDE * SIDE;
/**
 * The generator normalises each image to a total intensity of 1. The networks see it in percent
 * (× 100): squared errors of values around 1e-3 give gradients below Adam's ε = 1e-7, and the
 * network then hardly trains. PCA and the ROC curves do not depend on this scale.
 */
const SCALE = 100;
/** Signal efficiencies at which the background rejection is quoted (the paper's). */
const EFFICIENCIES = [0.1, 0.3, 0.5];
/** Training settings of the autoencoders (flags for experiments; the defaults are the README's run). */
const listFlag = (name: string): number[] | undefined => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]!.split(',').map(Number) : undefined;
};
const convFilters = listFlag('--conv-filters') ?? [16, 32];
const convDense = flag('--conv-dense') ?? 32;
const convBatch = flag('--conv-batch') ?? 64;
const convRate = flag('--conv-lr') ?? 3e-3;
const denseRate = flag('--dense-lr') ?? 3e-3;
/** Both autoencoders: Adam with a cosine decay of the rate over the run, unless --constant-lr. */
const cosine = !args.includes('--constant-lr');
const outFlag = args.indexOf('--out');
const outDir = outFlag >= 0 && args[outFlag + 1] !== undefined ? resolve(args[outFlag + 1]!) : join(dirname(fileURLToPath(import.meta.url)), 'out');

const backend = await useBackend('wasm');
console.log(`conv AE: filters ${convFilters.join(',')}, dense ${convDense}, batches of ${convBatch}, rate ${convRate}; dense AE: rate ${denseRate}; ${cosine ? 'cosine decay' : 'constant rate'}`);
console.log(`backend: ${backend.name}${backend.simd ? ' (SIMD)' : ''}${quick ? ' — quick run' : ''}; budget ${JSON.stringify(budget)}`);

// Background for training: QCD-like jets only. Test: as many QCD-like as top-like jets, other seeds.
// With --h5, the jets come from files of the Top Quark Tagging Reference Dataset instead (h5.ts):
// the first QCD jets of the training file, and the first QCD and top jets of the test file (or,
// without --h5-test, of the rows of the training file after those read for training).
const h5Train = textFlag('--h5');
const h5Test = textFlag('--h5-test');
let qcdTrain: JetSample;
let qcdTest: JetSample;
let topTest: JetSample;
if (h5Train === undefined) {
  qcdTrain = makeJets('qcd', budget.train, 1);
  qcdTest = makeJets('qcd', budget.test, 2);
  topTest = makeJets('top', budget.test, 3);
} else {
  // A bad file ends the run with the reader's message (not a stack trace through the wasm modules).
  const stopWith = (message: string): never => {
    console.error(`anomaly-jets: ${message}`);
    process.exit(1);
  };
  const read = (path: string, options: Parameters<typeof readTopTaggingJets>[1]) => readTopTaggingJets(path, options).catch((e: unknown) => stopWith(e instanceof Error ? e.message : String(e)));
  const trainJets = await read(h5Train, { want: { qcd: budget.train, top: 0 } });
  const testJets = await read(h5Test ?? h5Train, { want: { qcd: budget.test, top: budget.test }, start: h5Test === undefined ? trainJets.stop : 0 });
  [qcdTrain, qcdTest, topTest] = [jetsOfClass(trainJets, 0), jetsOfClass(testJets, 0), jetsOfClass(testJets, 1)];
  if (qcdTrain.masses.length < budget.train || qcdTest.masses.length < budget.test || topTest.masses.length < budget.test) {
    stopWith(`the --h5 files hold ${qcdTrain.masses.length} QCD jets for training, ${qcdTest.masses.length} QCD and ${topTest.masses.length} top jets for testing; wanted ${budget.train}, ${budget.test} and ${budget.test} (lower --train / --test)`);
  }
  console.log(`jets read from ${h5Train}${h5Test === undefined ? '' : ` and ${h5Test}`} (Top Quark Tagging Reference Dataset)`);
}
const nTest = 2 * budget.test;
const labels = Uint8Array.from({ length: nTest }, (_, i) => (i < budget.test ? 0 : 1));

// Preprocessing of the networks' inputs: percent of the jet pT, minus the mean training image.
// Centring is what lets the convolutional decoder train (README.md, "Why the convolutional model
// underfitted"): its output convolution has one bias for all 1,600 pixels, so without centring it
// must build the mean jet — a spike of about 86 at the centre, next to nothing elsewhere — out of
// its feature maps before it can learn anything else. The reconstruction error does not change
// (x − x̂ is the same with or without the shift), nor does PCA, which centres on its own.
const meanImage = new Float32Array(PIXELS);
for (let i = 0; i < budget.train; i++) for (let p = 0; p < PIXELS; p++) meanImage[p]! += (qcdTrain.images[i * PIXELS + p]! * SCALE) / budget.train;
const prepare = (images: Float32Array): Float32Array => images.map((v, i) => v * SCALE - meanImage[i % PIXELS]!);
const trainImages = prepare(qcdTrain.images);
const testImages = new Float32Array(nTest * PIXELS);
testImages.set(prepare(qcdTest.images));
testImages.set(prepare(topTest.images), budget.test * PIXELS);
const median = (a: Float32Array) => Float32Array.from(a).sort()[Math.floor(a.length / 2)]!;
console.log(
  `jets: ${budget.train} QCD-like for training; ${budget.test} QCD-like + ${budget.test} top-like for testing; ` +
    `median jet mass QCD-like ${median(qcdTest.masses).toFixed(0)} GeV, top-like ${median(topTest.masses).toFixed(0)} GeV`,
);

/** Trains one autoencoder on the background, prints the mean test errors every 5 epochs, returns its test scores. */
async function fit(name: string, ae: Autoencoder, shape: number[], epochs: number, batchSize: number, learningRate = 1e-3, cosine = false): Promise<{ scores: Float32Array; trainScores: Float32Array; seconds: number; loss: number }> {
  const x = tf.tensor(trainImages, [budget.train, ...shape]);
  const xTest = tf.tensor(testImages, [nTest, ...shape]);
  const watch = async (epoch: number): Promise<void> => {
    if ((epoch + 1) % (flag('--watch') ?? 5) !== 0) return;
    const s = await anomalyScores(ae, xTest);
    console.log(`  ${name} after epoch ${epoch + 1}: ROC AUC ${rocAuc(s, labels).toFixed(3)}, 1/ε_B at ε_S = 0.3 ${backgroundRejection(s, labels, 0.3).toFixed(1)}`);
  };
  // Cosine decay of the rate over the run (Loshchilov & Hutter, arXiv:1608.03983, without restarts), epoch by epoch.
  const learningRateSchedule = cosine ? (epoch: number, base: number) => 0.5 * base * (1 + Math.cos((Math.PI * epoch) / epochs)) : undefined;
  const history = await train(ae, x, { epochs, batchSize, learningRate, ...(learningRateSchedule ? { learningRateSchedule } : {}), seed: 1, progress: !quick, callbacks: { onEpochEnd: watch } });
  const seconds = history.epochs.reduce((s, e) => s + e.seconds, 0);
  const loss = history.epochs.at(-1)!.loss;
  console.log(`${name}: ${epochs} epochs of ${budget.train} jets in ${seconds.toFixed(0)} s (${((epochs * budget.train) / seconds).toFixed(0)} jets/s), final training MSE ${loss.toFixed(4)}`);
  const scores = await anomalyScores(ae, xTest);
  const trainScores = await anomalyScores(ae, x);
  tf.dispose([x, xTest]);
  return { scores, trainScores, seconds, loss };
}

interface Result {
  name: string;
  scores: Float32Array;
  trainScores: Float32Array;
  ae?: Autoencoder;
}
const results: Result[] = [];
let convAe: Autoencoder | undefined;
if (withConv) {
  convAe = convJetAutoencoder({ filters: convFilters, latentDim: K, dense: convDense, seed: 1 });
  const r = await fit('conv AE', convAe, [SIDE, SIDE, 1], budget.convEpochs, convBatch, convRate, cosine);
  results.push({ name: 'CONV AE', ...r, ae: convAe });
}
if (withDense) {
  const denseAe = denseJetAutoencoder({ hidden: [256, 64], latentDim: K, seed: 1 });
  const dense = await fit('dense AE', denseAe, [PIXELS], budget.denseEpochs, 64, denseRate, cosine);
  results.push({ name: 'DENSE AE', ...dense, ae: denseAe });
}
for (const k of [2, K, 24]) {
  const pca = new PCA({ nComponents: Math.min(k, budget.train) }).fit({ data: trainImages, shape: [budget.train, PIXELS] });
  results.push({
    name: `PCA (${k})`,
    scores: await anomalyScores(pca, { data: testImages, shape: [nTest, PIXELS] }),
    trainScores: await anomalyScores(pca, { data: trainImages, shape: [budget.train, PIXELS] }),
  });
}

// The table: ROC AUC, 1/ε_B at ε_S = 0.1, 0.3, 0.5, mean scores, and a working point chosen on the
// background alone (the threshold that flags 1 % of the training QCD jets).
const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
/** 1/ε_B, or "> N" when no background jet of the N in the test set is flagged (ε_B = 0 measured). */
const rejectionText = (r: number): string => (Number.isFinite(r) ? r.toFixed(1) : `> ${budget.test}`);
console.log(`\n| model | ROC AUC | ${EFFICIENCIES.map((e) => `1/ε_B at ε_S = ${e}`).join(' | ')} | mean score QCD | mean score top | top flagged at 1 % of training QCD |`);
console.log(`| --- | --- | ${EFFICIENCIES.map(() => '---').join(' | ')} | --- | --- | --- |`);
for (const r of results) {
  const threshold = anomalyThreshold(r.trainScores, { contamination: 0.01 });
  const top = r.scores.subarray(budget.test);
  console.log(
    `| ${r.name} | ${rocAuc(r.scores, labels).toFixed(3)} | ${EFFICIENCIES.map((e) => rejectionText(backgroundRejection(r.scores, labels, e))).join(' | ')} | ` +
      `${mean(r.scores.subarray(0, budget.test)).toFixed(4)} | ${mean(top).toFixed(4)} | ${((100 * top.filter((s) => s > threshold).length) / budget.test).toFixed(1)} % |`,
  );
}

// The mass-decorrelation check, on the QCD test jets: the score's median in mass bins (relative to
// the overall median), and the QCD mass distribution after cuts that keep 10 % and 1 % of them.
const edges = [0, 25, 50, 75, 100, 125, 150, 200, 300];
const keep = [0.1, 0.01];
const qcdMasses = qcdTest.masses;
const sculpt = results.map((r) => {
  const qcd = r.scores.slice(0, budget.test);
  const sorted = Float32Array.from(qcd).sort();
  return { name: r.name, scores: qcd, thresholds: keep.map((k) => sorted[Math.floor((1 - k) * sorted.length)]!) };
});
const allCounts = histogram(qcdMasses, edges);
console.log(`\nQCD mass bins (GeV): ${edges.slice(0, -1).map((e, i) => `${e}–${edges[i + 1]}`).join(', ')}; all QCD test jets: ${Array.from(allCounts).join(', ')}`);
for (const s of sculpt) {
  const frac = keep.map((k, i) => {
    const passed = histogram(qcdMasses.filter((_, j) => s.scores[j]! > s.thresholds[i]!), edges);
    return `${(100 * k).toFixed(0)} % kept: ${Array.from(passed, (c, b) => (allCounts[b]! > 0 ? (c / allCounts[b]!).toFixed(2) : '–')).join(' ')}`;
  });
  console.log(`${s.name.padEnd(9)} fraction of each mass bin that passes the cut — ${frac.join('; ')}`);
}

// Figures.
writePng(join(outDir, 'roc.png'), rocFigure(results.map((r) => ({ name: `${r.name} AUC ${rocAuc(r.scores, labels).toFixed(3)}`, ...rocCurve(r.scores, labels) }))));
// The headline of the figures: the autoencoder with the higher test AUC.
const head = results.filter((r) => r.ae !== undefined).reduce((a, b) => (rocAuc(b.scores, labels) > rocAuc(a.scores, labels) ? b : a));
const headFirst = [...sculpt.filter((s) => s.name === head.name), ...sculpt.filter((s) => s.name !== head.name)];
writePng(join(outDir, 'mass-sculpting.png'), sculptingFigure(qcdMasses, headFirst, edges, keep));
const headInput = tf.tensor(testImages, [nTest, ...(head.ae === convAe ? [SIDE, SIDE, 1] : [PIXELS])]);
const recon = head.ae!.reconstruct(headInput);
const reconData = (await recon.data()) as Float32Array;
tf.dispose([headInput, recon]);
// Averages over each class of the image, the reconstruction and the squared error, in fractions of the jet pT.
function averages(from: number, to: number): [Float32Array, Float32Array, Float32Array] {
  const out = [new Float32Array(PIXELS), new Float32Array(PIXELS), new Float32Array(PIXELS)] as const;
  for (let i = from; i < to; i++) {
    for (let p = 0; p < PIXELS; p++) {
      const a = (testImages[i * PIXELS + p]! + meanImage[p]!) / SCALE;
      const b = (reconData[i * PIXELS + p]! + meanImage[p]!) / SCALE;
      out[0][p]! += a / (to - from);
      out[1][p]! += b / (to - from);
      out[2][p]! += ((a - b) * (a - b)) / (to - from);
    }
  }
  return [...out];
}
const [qo, qr, qe] = averages(0, budget.test);
const [to, tr, te] = averages(budget.test, nTest);
writePng(
  join(outDir, 'figure3.png'),
  figure3(
    [
      ['ORIGINAL', qo, to],
      ['RECONSTRUCTED', qr, tr],
      ['SQUARED ERROR', qe, te],
    ],
    ['QCD-LIKE', 'TOP-LIKE'],
    `AVERAGE JETS, ${head.name}`,
  ),
);
console.log(`\nwrote roc.png, figure3.png and mass-sculpting.png into ${outDir}`);
for (const r of results) r.ae?.dispose();
