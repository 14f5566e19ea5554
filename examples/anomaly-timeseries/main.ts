// Flagging the odd points of a metric stream with a window autoencoder.
//
//   npm run example -- anomaly-timeseries            full budget (under a minute)
//   npm run example -- anomaly-timeseries --quick    a tiny budget (the examples test)
//   … --out DIR                                      the picture into DIR instead of out/
//
// A seeded, generated hourly metric (daily and weekly seasonality, a slight trend, noise) gets
// four events injected at known times: two spikes, a level shift and a slow drift. The first
// three weeks (clean) are the background: slidingWindows cuts them into 12-hour windows, a dense
// autoencoder learns them inside an AnomalyDetector (standardised windows, MAD threshold). Every
// window of the rest is scored, windowScoresToPoints turns the window scores into one score per
// hour, and the example reports the point-level ROC AUC and the delay with which each event is
// flagged. Writes out/stream.png: the series with the flagged hours, and the point scores.
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AnomalyDetector, averagePrecision, rocAuc } from '../../src/anomaly/index.js';
import { useBackend } from '../../src/backend/index.js';
import { createRng } from '../../src/core/index.js';
import { denseAutoencoder } from '../../src/models/index.js';
import { slidingWindows, windowScoresToPoints } from '../../src/preprocessing/index.js';
import { lineChart, scatterPlot, tile } from '../shared/plot.js';
import { writePng } from '../shared/png.js';
import { exampleArgs } from '../shared/setup.js';

const { quick, outDir } = exampleArgs(import.meta.url);
const backend = await useBackend('wasm');
console.log(`backend: ${backend.name}${quick ? ' — quick run' : ''}`);

// ---- The stream: 6 weeks of hours, seeded.
const HOURS = 24 * 7 * 6;
const TRAIN = 24 * 7 * 3;
const rng = createRng(17);
const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const clean = Array.from({ length: HOURS }, (_, t) => 10 + 0.0005 * t + 2 * Math.sin((2 * Math.PI * t) / 24) + 0.8 * Math.sin((2 * Math.PI * t) / 168) + 0.25 * gauss());
interface Event {
  readonly name: string;
  readonly start: number;
  readonly end: number; // exclusive
  readonly add: (t: number) => number;
}
const events: Event[] = [
  { name: 'spike', start: TRAIN + 60, end: TRAIN + 61, add: () => 4 },
  { name: 'level shift +1.5 for a day', start: TRAIN + 150, end: TRAIN + 174, add: () => 1.5 },
  { name: 'spike', start: TRAIN + 260, end: TRAIN + 261, add: () => -3.5 },
  { name: 'slow drift to +3 over 3 days', start: TRAIN + 340, end: TRAIN + 412, add: (t) => (3 * (t - (TRAIN + 340))) / 72 },
];
const series = clean.slice();
const truth = new Uint8Array(HOURS);
for (const e of events) for (let t = e.start; t < e.end; t++) {
  series[t]! += e.add(t);
  truth[t] = 1;
}

// ---- Windows, the detector, and one score per hour.
const SIZE = 12;
const background = slidingWindows(series.slice(0, TRAIN), { size: SIZE });
const ae = denseAutoencoder({ inputDim: SIZE, hidden: [64], latentDim: 4, outputActivation: 'linear', seed: 3 });
const detector = await new AnomalyDetector(ae, {
  scaler: 'standard',
  threshold: { method: 'pot', risk: 1e-3, initialQuantile: 0.9 },
  trainOptions: { epochs: quick ? 15 : 150, batchSize: 32, learningRate: 2e-3, seed: 4 },
}).fit(background);
background.dispose();
const rest = series.slice(TRAIN);
const windows = slidingWindows(rest, { size: SIZE });
const windowScores = await detector.score(windows);
const windowFlags = await detector.predict(windows);
windows.dispose();
const pointScores = windowScoresToPoints(windowScores, { size: SIZE, stride: 1, length: rest.length, reduce: 'mean' });
// An hour is flagged when the mean score of the windows that hold it is above the threshold.
const threshold = detector.threshold!;
const flagged = Uint8Array.from(pointScores, (s) => (s > threshold ? 1 : 0));
const labels = truth.slice(TRAIN);

console.log(`${TRAIN} clean hours as background (${TRAIN - SIZE + 1} windows of ${SIZE} h); ${rest.length} hours scored`);
console.log(`point-level ROC AUC ${rocAuc(pointScores, labels).toFixed(3)}, average precision ${averagePrecision(pointScores, labels).toFixed(3)}`);
console.log(`threshold (POT, risk 1e-3) ${threshold.toPrecision(4)}: ${windowFlags.reduce((a, b) => a + b, 0)} of ${windowScores.length} windows, ${flagged.reduce((a, b) => a + b, 0)} of ${rest.length} hours flagged`);
let falseAlarms = 0;
flagged.forEach((f, i) => {
  if (f === 1 && labels[i] === 0 && !events.some((e) => i + TRAIN >= e.start - SIZE && i + TRAIN < e.end + SIZE)) falseAlarms++;
});
console.log(`hours flagged more than a window away from any event: ${falseAlarms}`);
for (const e of events) {
  // The first flagged hour from the start of the event to a window after its end.
  let first = -1;
  for (let t = e.start; t < Math.min(HOURS, e.end + SIZE); t++) if (flagged[t - TRAIN] === 1) {
    first = t;
    break;
  }
  console.log(`  ${e.name.padEnd(30)} at hour ${e.start}: ${first < 0 ? 'not flagged' : `flagged after ${first - e.start} h`}`);
}

// ---- The picture.
mkdirSync(outDir, { recursive: true });
const hours = Array.from({ length: rest.length }, (_, i) => i + TRAIN);
const classes = Array.from(hours, (t, i) => (flagged[i] === 1 ? (truth[t] === 1 ? 2 : 3) : truth[t] === 1 ? 1 : 0));
const top = scatterPlot({
  width: 1100,
  height: 380,
  title: 'Generated metric: injected events and the hours the detector flags',
  x: { values: hours },
  y: { values: rest },
  xLabel: 'hour',
  yLabel: 'value',
  classes,
  classNames: ['normal', 'injected, missed', 'injected, flagged', 'flagged, no event'],
  colors: [[150, 150, 150], [230, 159, 0], [0, 114, 178], [213, 94, 0]],
  radius: 2.5,
  alpha: 0.9,
  labelClasses: false,
});
const bottom = lineChart({
  width: 1100,
  height: 300,
  title: 'Point score (mean over the windows holding each hour)',
  xLabel: 'hour',
  yLabel: 'score',
  series: [{ name: 'score', points: hours.map((t, i) => [t, pointScores[i]!] as const), markers: false, width: 1.5 }],
  references: [{ y: threshold, label: 'POT threshold' }],
  legend: 'none',
});
writePng(join(outDir, 'stream.png'), tile([top, bottom], { columns: 1, gap: 8 }));
console.log(`wrote ${join(outDir, 'stream.png')}`);
ae.dispose();
if (tf.memory().numTensors > 0) console.log(`tensors left: ${tf.memory().numTensors}`);
