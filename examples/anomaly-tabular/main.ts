// Anomaly detection on a table: scikit-learn's breast-cancer data (569 tumours × 30 features).
//
//   npm run example -- anomaly-tabular            full budget (about half a minute)
//   npm run example -- anomaly-tabular --quick    a tiny budget (the examples test)
//   … --out DIR                                   the picture into DIR instead of out/
//
// The detector is trained on benign tumours only (the background: 250 of the 357) and scores
// the other 107 benign and all 212 malignant ones. It reports the ROC AUC and average precision
// of an autoencoder and of PCA (this package), next to scikit-learn's PCA and IsolationForest on
// the same split (computed by make-data.py), and the F1 score of the detector's flags at the MAD
// and POT thresholds, which need no guess of the contamination. Writes out/roc.png.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnomalyDetector, averagePrecision, rocAuc, rocCurve } from '../../src/anomaly/index.js';
import { useBackend } from '../../src/backend/index.js';
import { denseAutoencoder } from '../../src/models/index.js';
import { PCA } from '../../src/pca/index.js';
import { lineChart } from '../shared/plot.js';
import { writePng } from '../shared/png.js';
import { exampleArgs } from '../shared/setup.js';

interface Data {
  features: string[];
  x: number[][];
  anomaly: number[];
  split: { train: number[]; test: number[] };
  baselines: { pca: { nComponents: number; rocAuc: number; averagePrecision: number }; isolationForest: { rocAuc: number; averagePrecision: number } };
}

const { quick, outDir } = exampleArgs(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const data = JSON.parse(readFileSync(join(here, 'data', 'breast-cancer.json'), 'utf8')) as Data;
const backend = await useBackend('wasm');
console.log(`backend: ${backend.name}${quick ? ' — quick run' : ''}`);

const background = data.split.train.map((i) => data.x[i]!);
const test = data.split.test.map((i) => data.x[i]!);
const labels = data.split.test.map((i) => data.anomaly[i]!);
const K = data.baselines.pca.nComponents;
console.log(`${background.length} benign tumours to train on; ${test.length} to score, ${labels.filter((l) => l === 1).length} of them malignant`);

// The autoencoder, inside a detector that standardises the features on the background and sets
// its threshold by MAD (median + 3 · 1.4826 · MAD of the background scores).
const ae = denseAutoencoder({ inputDim: 30, hidden: [16], latentDim: K, outputActivation: 'linear', seed: 1 });
const epochs = quick ? 20 : 300;
const mad = await new AnomalyDetector(ae, {
  scaler: 'standard',
  threshold: { method: 'mad' },
  trainOptions: { epochs, batchSize: 32, learningRate: 3e-3, seed: 2 },
}).fit(background);
// The same trained model with a POT threshold (a generalized Pareto tail above the 0.9 quantile
// of the background scores, cut at a risk of 1e-3).
const pot = await new AnomalyDetector(ae, { scaler: 'standard', threshold: { method: 'pot', risk: 1e-3, initialQuantile: 0.9 }, fit: false }).fit(background);
const aeScores = await mad.score(test);

// PCA of this package, through the same detector recipe.
const pcaDetector = await new AnomalyDetector(new PCA({ nComponents: K }), { scaler: 'standard', threshold: { method: 'mad' } }).fit(background);
const pcaScores = await pcaDetector.score(test);
const pcaAuc = rocAuc(pcaScores, labels);
// The package's PCA and scikit-learn's fit the same subspace on the same standardised data.
if (Math.abs(pcaAuc - data.baselines.pca.rocAuc) > 2e-3) {
  throw new Error(`PCA ROC AUC ${pcaAuc} differs from scikit-learn's ${data.baselines.pca.rocAuc} on the same split`);
}

function f1(flags: Uint8Array): { f1: number; precision: number; recall: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  flags.forEach((f, i) => {
    if (f === 1 && labels[i] === 1) tp++;
    else if (f === 1) fp++;
    else if (labels[i] === 1) fn++;
  });
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  return { f1: (2 * precision * recall) / Math.max(1e-12, precision + recall), precision, recall };
}

const rows = [
  ['autoencoder (this package)', rocAuc(aeScores, labels), averagePrecision(aeScores, labels)],
  [`PCA, ${K} components (this package)`, pcaAuc, averagePrecision(pcaScores, labels)],
  [`PCA, ${K} components (scikit-learn)`, data.baselines.pca.rocAuc, data.baselines.pca.averagePrecision],
  ['IsolationForest, 200 trees (scikit-learn)', data.baselines.isolationForest.rocAuc, data.baselines.isolationForest.averagePrecision],
] as const;
console.log('\nscores on the test tumours        ROC AUC   average precision');
for (const [name, auc, ap] of rows) console.log(`  ${name.padEnd(42)} ${auc.toFixed(3)}     ${ap.toFixed(3)}`);

console.log('\nthe autoencoder detector, no contamination given:');
for (const [name, det] of [['MAD (k = 3)', mad], ['POT (risk 1e-3)', pot]] as const) {
  const r = f1(await det.predict(test));
  const conf = await det.predictConfidence(test);
  const meanConf = conf.reduce((a, b) => a + b, 0) / conf.length;
  console.log(
    `  ${name.padEnd(16)} threshold ${det.threshold!.toPrecision(4)}: F1 ${r.f1.toFixed(3)} (precision ${r.precision.toFixed(3)}, recall ${r.recall.toFixed(3)}); ` +
      `${(100 * det.contamination!).toFixed(1)} % of the background above it; mean ExCeeD confidence ${meanConf.toFixed(3)}`,
  );
}
const worst = labels.indexOf(1);
const [why] = await mad.explain([test[worst]!], { top: 3 });
console.log(`\nthe first malignant test tumour is flagged mostly for: ${why!.features.map((j) => data.features[j]).join(', ')} (errors ${why!.errors.map((e) => e.toFixed(2)).join(', ')})`);

const curve = (scores: Float32Array) => {
  const c = rocCurve(scores, labels);
  return Array.from(c.fpr, (f, i) => [f, c.tpr[i]!] as const);
};
mkdirSync(outDir, { recursive: true });
writePng(
  join(outDir, 'roc.png'),
  lineChart({
    title: 'Breast cancer: benign as background, malignant as anomalies',
    xLabel: 'false-positive rate',
    yLabel: 'true-positive rate',
    x: { min: 0, max: 1 },
    y: { min: 0, max: 1 },
    legend: 'bottom-right',
    series: [
      { name: `autoencoder (AUC ${rows[0][1].toFixed(3)})`, points: curve(aeScores), markers: false },
      { name: `PCA ${K} (AUC ${pcaAuc.toFixed(3)})`, points: curve(pcaScores), markers: false },
      { name: 'chance', points: [[0, 0], [1, 1]], dashed: true, markers: false },
    ],
  }),
);
console.log(`\nwrote ${join(outDir, 'roc.png')}`);
ae.dispose();
