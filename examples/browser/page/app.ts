// The demo page: pick a backend, train a small autoencoder on MNIST digits with a live progress
// bar and loss chart, show reconstructions of held-out digits, compare with PCA, save the model
// to IndexedDB and load it back.
//
// The page reports what it is doing on <body>: data-state (starting, ready, switching, training,
// saving, loading, fitting, trained, stopped, error), data-run (training runs started), data-batches and data-epochs (of
// the run), data-path (how the last run trained: history.path), data-backend, data-io (saved, loaded) and data-pca (fitted), so that
// the end-to-end tests can wait for a state instead of for a time.
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, probeAdapter, startBackend, type AdapterProbe } from './backend.js';
import { LossChart } from './chart.js';
import { PIXELS, clearGrid, drawRow, gridSize, loadDigits, toUnit, type Digits, type GridLayout } from './digits.js';
import { denseAutoencoder, denseVae, train, type BackendInfo, type BackendPreference, type TrainingPath } from './lib.js';
import { fitPca, loadFromIndexedDb, saveToIndexedDb, type DemoModel, type PcaFit } from './extras.js';

/** Where the demo saves its model. */
const MODEL_URL = 'indexeddb://autoencoders-browser-demo';
/** Seed of the weights, the shuffling and the sampling: the same run on every backend. */
const SEED = 2024;
/** Digits shown: one of each class, the first of the held-out set. */
const SHOWN = 10;
const LAYOUT: GridLayout = { columns: SHOWN, rows: 3, scale: 3, gap: 4 };
const ROWS = { originals: 0, model: 1, pca: 2 } as const;
/** What the page says of each way `train` can run the steps (`history.path`). */
const PATHS: Readonly<Record<TrainingPath, string>> = {
  'fused-webgpu': "steps: fused-webgpu, the package's own WGSL kernels (a few dispatches per layer, one Adam for all weights)",
  'per-op': "steps: per-op, tfjs' kernels one operation at a time",
};

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};
const body = document.body;
const ui = {
  backendName: $('backend-name'),
  backendDetail: $('backend-detail'),
  adapter: $('adapter'),
  backendChoice: $<HTMLSelectElement>('backend-choice'),
  switchBackend: $<HTMLButtonElement>('switch-backend'),
  backendError: $('backend-error'),
  dataStatus: $('data-status'),
  form: $<HTMLFormElement>('train-form'),
  modelKind: $<HTMLSelectElement>('model-kind'),
  samples: $<HTMLInputElement>('samples'),
  epochs: $<HTMLInputElement>('epochs'),
  batchSize: $<HTMLInputElement>('batch-size'),
  hidden: $<HTMLInputElement>('hidden'),
  latent: $<HTMLInputElement>('latent'),
  learningRate: $<HTMLInputElement>('learning-rate'),
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  progress: $<HTMLProgressElement>('progress'),
  progressText: $('progress-text'),
  trainingPath: $('training-path'),
  digits: $<HTMLCanvasElement>('digits'),
  errors: $('errors'),
  save: $<HTMLButtonElement>('save'),
  load: $<HTMLButtonElement>('load'),
  pca: $<HTMLButtonElement>('pca'),
  ioStatus: $('io-status'),
  error: $('error'),
};
const chart = new LossChart($<HTMLElement>('loss-chart'));
const canvas = ui.digits;
const { width, height } = gridSize(LAYOUT);
canvas.width = width;
canvas.height = height;
const ctx = canvas.getContext('2d');
if (!ctx) throw new Error('the digits canvas has no 2D context');
clearGrid(ctx, LAYOUT);
Object.assign(canvas.dataset, { columns: String(LAYOUT.columns), scale: String(LAYOUT.scale), gap: String(LAYOUT.gap), rows: 'originals,model,pca' });

type State = 'starting' | 'ready' | 'switching' | 'training' | 'saving' | 'loading' | 'fitting' | 'trained' | 'stopped' | 'error';
/** States in which the page is doing something (buttons that would interfere are disabled). */
const BUSY: readonly State[] = ['starting', 'switching', 'training', 'saving', 'loading', 'fitting'];

let digits: Digits | undefined;
let backend: BackendInfo | undefined;
let model: DemoModel | undefined;
let modelName = '';
let pca: PcaFit | undefined;
let controller: AbortController | undefined;
/** Held-out digits: the last tenth of the set, as float32 in [0, 1]. */
let test: { start: number; count: number; x: Float32Array } | undefined;

function setState(state: State): void {
  body.dataset['state'] = state;
  const busy = BUSY.includes(state);
  // Starting an action clears the last error; an error leaves the page usable.
  if (busy) ui.error.textContent = '';
  ui.train.disabled = busy || digits === undefined;
  ui.stop.disabled = state !== 'training';
  ui.switchBackend.disabled = busy;
  ui.save.disabled = busy || model === undefined;
  ui.load.disabled = busy || digits === undefined;
  ui.pca.disabled = busy || digits === undefined;
}

/** The state to return to after an action: 'trained' with a model, else 'ready'. */
function idle(): State {
  return model === undefined ? 'ready' : 'trained';
}

/** Shows an error and sets data-state="error" (the buttons stay usable). */
function showError(where: string, error: unknown): void {
  const message = error instanceof Error ? `${error.message}${error.stack ? `\n${error.stack}` : ''}` : String(error);
  ui.error.textContent = `${where}: ${message}`;
  console.error(where, error);
  setState('error');
}

function showBackend(info: BackendInfo): void {
  backend = info;
  body.dataset['backend'] = info.name;
  ui.backendName.textContent = info.name;
  ui.backendDetail.textContent = describeBackend(info).slice(info.name.length);
}

function showAdapter(probe: AdapterProbe): void {
  if (!probe.available) {
    ui.adapter.textContent = `none — ${probe.reason}`;
    body.dataset['adapter'] = 'none';
    return;
  }
  const name = [probe.vendor, probe.architecture].filter(Boolean).join(' / ') || probe.description || 'unnamed';
  body.dataset['adapter'] = name;
  body.dataset['adapterFallback'] = String(probe.isFallbackAdapter);
  ui.adapter.textContent = probe.isFallbackAdapter
    ? `${name} — a software fallback adapter (isFallbackAdapter: true): slower than wasm, so 'auto' does not use it; choose webgpu to try it`
    : `${name} — a hardware adapter (isFallbackAdapter: false)`;
}

/** Reads the form: positive integers and a positive learning rate, or an Error naming the field. */
function readForm(): { kind: 'ae' | 'vae'; samples: number; epochs: number; batchSize: number; hidden: number; latent: number; learningRate: number } {
  const int = (input: HTMLInputElement, name: string, max = Infinity): number => {
    const v = Number(input.value);
    if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${name} must be an integer from 1 to ${max}, got '${input.value}'`);
    return v;
  };
  const available = digits ? digits.count - (test?.count ?? 0) : 0;
  const learningRate = Number(ui.learningRate.value);
  if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new Error(`learning rate must be a positive number, got '${ui.learningRate.value}'`);
  return {
    kind: ui.modelKind.value === 'vae' ? 'vae' : 'ae',
    samples: int(ui.samples, 'training digits', available),
    epochs: int(ui.epochs, 'epochs', 1000),
    batchSize: int(ui.batchSize, 'batch'),
    hidden: int(ui.hidden, 'hidden', 4096),
    latent: int(ui.latent, 'code', 1024),
    learningRate,
  };
}

/** Mean squared error per held-out digit of a reconstruction (`count × 784`). */
function meanSquaredError(x: Float32Array, xHat: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i]! - xHat[i]!) ** 2;
  return sum / x.length;
}

const errors: { model?: string | undefined; pca?: string | undefined } = {};
function showErrors(): void {
  ui.errors.textContent = [errors.model, errors.pca].filter(Boolean).join(' · ');
}

/** Reconstructs the held-out digits with the current model and draws the first ten. Returns them. */
async function drawModelRow(): Promise<Float32Array | undefined> {
  if (!model || !test) return undefined;
  const m = model;
  const xHat = tf.tidy(() => m.reconstruct(tf.tensor2d(test!.x, [test!.count, PIXELS])));
  const values = (await xHat.data()) as Float32Array;
  xHat.dispose();
  drawRow(ctx!, LAYOUT, ROWS.model, rows(values, SHOWN));
  errors.model = `${modelName}: mean squared error ${meanSquaredError(test.x, values).toFixed(4)} on ${test.count} held-out digits`;
  showErrors();
  markDrawn('model');
  return values;
}

function rows(values: Float32Array, n: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => values.subarray(i * PIXELS, (i + 1) * PIXELS));
}

function markDrawn(row: keyof typeof ROWS): void {
  const drawn = new Set((canvas.dataset['drawn'] ?? '').split(',').filter(Boolean));
  drawn.add(row);
  canvas.dataset['drawn'] = [...drawn].join(',');
}

async function start(preference: BackendPreference): Promise<void> {
  showBackend(await startBackend(preference));
}

async function onTrain(event: Event): Promise<void> {
  event.preventDefault();
  if (!digits || !test) return;
  let options: ReturnType<typeof readForm>;
  try {
    options = readForm();
  } catch (error) {
    showError('cannot train', error);
    return;
  }
  model?.dispose();
  model = undefined;
  body.dataset['io'] = '';
  ui.ioStatus.textContent = '';
  controller = new AbortController();
  body.dataset['run'] = String(Number(body.dataset['run'] ?? '0') + 1);
  body.dataset['batches'] = '0';
  body.dataset['epochs'] = '0';
  body.dataset['path'] = '';
  ui.trainingPath.textContent = '';
  setState('training');
  const { samples, epochs, batchSize, hidden, latent, learningRate } = options;
  model =
    options.kind === 'vae'
      ? denseVae({ inputDim: PIXELS, hidden: [hidden], latentDim: latent, seed: SEED })
      : denseAutoencoder({ inputDim: PIXELS, hidden: [hidden], latentDim: latent, loss: 'bce', seed: SEED });
  modelName = options.kind === 'vae' ? `VAE ${PIXELS}-${hidden}-${latent}` : `autoencoder ${PIXELS}-${hidden}-${latent}`;
  const batchesPerEpoch = Math.ceil(samples / batchSize);
  const total = epochs * batchesPerEpoch;
  chart.reset(total);
  ui.progress.max = total;
  ui.progress.value = 0;
  const x = tf.tensor2d(toUnit(digits, 0, samples), [samples, PIXELS]);
  const started = performance.now();
  let done = 0;
  try {
    const history = await train(model, x, {
      epochs,
      batchSize,
      learningRate,
      seed: SEED,
      signal: controller.signal,
      callbacks: {
        onBatchEnd: (batch, log) => {
          done++;
          chart.addBatch(log.loss);
          ui.progress.value = done;
          body.dataset['batches'] = String(done);
          const rate = (done * batchSize) / ((performance.now() - started) / 1000);
          ui.progressText.textContent = `epoch ${log.epoch + 1}/${epochs} · batch ${batch + 1}/${batchesPerEpoch} · loss ${log.loss.toFixed(4)} · ${rate.toFixed(0)} digits/s`;
        },
        onEpochEnd: async (epoch, log) => {
          chart.addEpoch(log.loss);
          body.dataset['epochs'] = String(epoch + 1);
          await drawModelRow();
        },
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const last = history.epochs.at(-1);
    ui.progressText.textContent = history.aborted
      ? `stopped after ${history.epochs.length} of ${epochs} epochs (${done} batches) in ${seconds.toFixed(1)} s`
      : `${epochs} epoch${epochs === 1 ? '' : 's'} on ${backend?.name ?? '?'} in ${seconds.toFixed(1)} s · final loss ${last?.loss.toFixed(4) ?? '?'}`;
    body.dataset['path'] = history.path;
    ui.trainingPath.textContent = PATHS[history.path];
    await drawModelRow();
    setState(history.aborted ? 'stopped' : 'trained');
  } catch (error) {
    showError('training failed', error);
  } finally {
    x.dispose();
    controller = undefined;
  }
}

async function onSwitch(): Promise<void> {
  const choice = ui.backendChoice.value as BackendPreference;
  setState('switching');
  ui.backendError.textContent = '';
  // Variables live on the backend that made them: start over on the new one.
  model?.dispose();
  model = undefined;
  errors.model = undefined;
  showErrors();
  const previous = backend?.name;
  try {
    await start(choice);
  } catch (error) {
    ui.backendError.textContent = (error as Error).message;
    try {
      if (previous) await start(previous);
    } catch (again) {
      showError(`switching back to ${previous} failed`, again);
      return;
    }
  }
  setState('ready');
}

async function onSave(): Promise<void> {
  if (!model) return;
  const m = model;
  setState('saving');
  try {
    await saveToIndexedDb(m, MODEL_URL);
    body.dataset['io'] = 'saved';
    ui.ioStatus.textContent = `saved to ${MODEL_URL}`;
    setState(idle());
  } catch (error) {
    showError('saving failed', error);
  }
}

async function onLoad(): Promise<void> {
  if (!test) return;
  const before = model ? await reconstructTest(model) : undefined;
  setState('loading');
  try {
    const loaded = await loadFromIndexedDb(MODEL_URL);
    model?.dispose();
    model = loaded;
    modelName = `${modelName || 'model'} (loaded)`;
    const after = await drawModelRow();
    let note = '';
    if (before && after) {
      let max = 0;
      for (let i = 0; i < before.length; i++) max = Math.max(max, Math.abs(before[i]! - after[i]!));
      note = ` · largest difference from the model in memory: ${max.toExponential(1)}`;
      body.dataset['loadDiff'] = String(max);
    }
    body.dataset['io'] = 'loaded';
    ui.ioStatus.textContent = `loaded from ${MODEL_URL}${note}`;
    setState('trained');
  } catch (error) {
    showError('loading failed', error);
  }
}

async function reconstructTest(m: DemoModel): Promise<Float32Array> {
  const xHat = tf.tidy(() => m.reconstruct(tf.tensor2d(test!.x, [test!.count, PIXELS])));
  const values = (await xHat.data()) as Float32Array;
  xHat.dispose();
  return values;
}

async function onPca(): Promise<void> {
  if (!digits || !test) return;
  try {
    const { samples, latent } = readForm();
    setState('fitting');
    ui.ioStatus.textContent = `fitting PCA with ${latent} components on ${samples} digits…`;
    pca = await fitPca(toUnit(digits, 0, samples), samples, latent, test.x, test.count);
    drawRow(ctx!, LAYOUT, ROWS.pca, rows(pca.reconstruction, SHOWN));
    markDrawn('pca');
    errors.pca = `PCA (${latent} components): mean squared error ${meanSquaredError(test.x, pca.reconstruction).toFixed(4)}`;
    showErrors();
    body.dataset['pca'] = 'fitted';
    ui.ioStatus.textContent = `PCA: ${latent} components explain ${(100 * pca.explained).toFixed(1)}% of the variance`;
    setState(idle());
  } catch (error) {
    showError('PCA failed', error);
  }
}

async function main(): Promise<void> {
  setState('starting');
  const params = new URLSearchParams(location.search);
  const preference = (params.get('backend') ?? 'auto') as BackendPreference;
  ui.backendChoice.value = typeof preference === 'string' ? preference : 'auto';
  const [probe] = await Promise.all([probeAdapter(), start(preference)]);
  showAdapter(probe);
  digits = await loadDigits();
  const testCount = Math.floor(digits.count / 10);
  const testStart = digits.count - testCount;
  test = { start: testStart, count: testCount, x: toUnit(digits, testStart, testCount) };
  canvas.dataset['indices'] = Array.from({ length: SHOWN }, (_, i) => testStart + i).join(',');
  drawRow(ctx!, LAYOUT, ROWS.originals, rows(test.x, SHOWN));
  markDrawn('originals');
  ui.samples.max = String(testStart);
  ui.samples.value = String(Math.min(Number(ui.samples.value), testStart));
  ui.dataStatus.textContent = `${digits.count} MNIST digits loaded: ${testStart} to train on, ${testCount} held out (the first ${SHOWN} are shown below).`;
  setState('ready');
}

ui.form.addEventListener('submit', (e) => void onTrain(e));
ui.stop.addEventListener('click', () => controller?.abort());
ui.switchBackend.addEventListener('click', () => void onSwitch());
ui.save.addEventListener('click', () => void onSave());
ui.load.addEventListener('click', () => void onLoad());
ui.pca.addEventListener('click', () => void onPca());
main().catch((error: unknown) => showError('starting failed', error));
