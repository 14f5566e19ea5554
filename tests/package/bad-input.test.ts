import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AnomalyDetector,
  Autoencoder,
  PCA,
  anomalyScores,
  anomalyThreshold,
  averagePrecision,
  bce,
  corruptorFromConfig,
  denseAutoencoder,
  denseCvae,
  denseDecoder,
  denseEncoder,
  denseVae,
  elbo,
  evaluate,
  gaussianNoise,
  loadModel,
  mse,
  reparameterize,
  rocAuc,
  rocCurve,
  saveModel,
  sparseAutoencoder,
  train,
  useBackend,
} from '../../src/index.js';

// Garbage in, a clear Error out: every public function named here refuses bad input with
// `fn: argument 'arg' must be <expected>, got <what came>` (or an equally specific sentence), and
// leaves nothing behind: not one tensor more than before the call, and the model still usable.
// A row either records a case that once crashed inside tfjs, answered NaN, leaked or spoke in
// another function's name (the comment says what it did), or stands for a family of cases that
// were already right.

/** Runs `call` (sync or async), expects an Error whose message matches, and no tensor left behind. */
async function expectRefused(call: () => unknown, message: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(error, 'it should have thrown').toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(message);
  expect(tf.memory().numTensors, 'tensors left behind').toBe(before);
}

type Row = [fn: string, input: string, call: () => unknown, message: RegExp];

// Models and tensors the rows share; made once, disposed at the end.
const shape = { inputDim: 4, hidden: [3], latentDim: 2, seed: 1 };
const ae = denseAutoencoder(shape);
const vae = denseVae(shape);
const cvae = denseCvae({ ...shape, numClasses: 3 });
const goneAe = denseAutoencoder(shape);
goneAe.dispose();
const goneCvae = denseCvae({ ...shape, numClasses: 3 });
goneCvae.dispose();
const rows = [
  [0.1, 0.2, 0.3, 0.4],
  [0.5, 0.6, 0.7, 0.8],
  [0.2, 0.1, 0.4, 0.3],
  [0.9, 0.8, 0.7, 0.6],
];
const x = tf.tensor2d(rows);
const narrow = tf.zeros([2, 3]);
const nanTensor = tf.tensor2d([[0.1, NaN, 0.3, 0.4]]);
const strings = tf.tensor(['a', 'b', 'c', 'd'], [1, 4]);
const int32Labels = tf.tensor1d([0, 1, 3, 2], 'int32');
const scalar = tf.scalar(1);
const cube = tf.zeros([2, 2, 2]);
const disposed = tf.tensor2d([[1, 2, 3, 4]]);
disposed.dispose();
const fitted = new PCA({ nComponents: 2 }).fit(rows);
const detector = new AnomalyDetector(ae, { fit: false });

afterAll(() => {
  tf.dispose([x, narrow, nanTensor, strings, int32Labels, scalar, cube]);
  for (const m of [ae, vae, cvae]) m.dispose();
});

describe('data that is not finite', () => {
  it.each<Row>([
    // Was accepted: NaN codes and reconstructions came back.
    ['Autoencoder.encode', 'a number[][] holding NaN', () => ae.encode([rows[0]!, [0, 0, NaN, 0]]), /^Autoencoder\.encode: argument 'x' must hold finite numbers, found NaN at row 1, column 2$/],
    ['VAE.decode', 'codes holding Infinity', () => vae.decode([[0, Infinity]]), /^VAE\.decode: argument 'z' must hold finite numbers, found Infinity at row 0, column 1$/],
    ['CVAE.reconstruct', 'a { data, shape } holding NaN', () => cvae.reconstruct({ data: Float32Array.of(0, 0, 0, NaN), shape: [1, 4] }, [0]), /^CVAE\.reconstruct: argument 'x' must hold finite numbers, found NaN at row 0, column 3$/],
    // Was accepted: float64 values beyond float32 became Infinity on the way in.
    ['Autoencoder.reconstruct', 'a float64 value too large for float32', () => ae.reconstruct({ data: Float64Array.of(1e39, 0, 0, 0), shape: [1, 4] }), /^Autoencoder\.reconstruct: argument 'x' must hold finite numbers, found 1e\+39 \(too large for float32\) at row 0, column 0$/],
    // Was accepted: evaluate resolved { loss: NaN }.
    ['evaluate', 'a number[][] holding NaN', () => evaluate(ae, [rows[0]!, [NaN, 0, 0, 0]]), /^evaluate: argument 'data' must hold finite numbers, found NaN at row 1, column 0$/],
    ['evaluate', 'a tensor holding NaN (not read back: the loss tells)', () => evaluate(ae, nanTensor), /^evaluate: the loss over argument 'data' is NaN: the data holds NaN or Infinity, or the model diverged$/],
    // Was a NonFiniteLossError at epoch 0, batch 0 that did not say where the NaN was.
    ['train', 'a number[][] holding Infinity', () => train(ae, [rows[0]!, [0, Infinity, 0, 0]], { epochs: 1 }), /^train: argument 'data' must hold finite numbers, found Infinity at row 1, column 1$/],
    // Was accepted: the validation loss was logged as NaN.
    ['train', 'validationData holding NaN', () => train(ae, x, { epochs: 1, validationData: [[NaN, 0, 0, 0]] }), /^train: argument 'options\.validationData' must hold finite numbers, found NaN at row 0, column 0$/],
    // Was "PCA.reconstructionError: argument 'x' …".
    ['anomalyScores', 'a tensor holding NaN, scored by a PCA', () => anomalyScores(fitted, nanTensor), /^anomalyScores: argument 'x' must hold finite numbers, found NaN at row 0, column 1$/],
    ['anomalyScores', 'a tensor holding NaN, scored by an autoencoder', () => anomalyScores(ae, nanTensor), /^anomalyScores: the score of sample 0 of argument 'x' is NaN: the input holds NaN\/Infinity or the model diverged$/],
    // Already right.
    ['PCA.fit', 'a number[][] holding NaN', () => new PCA().fit([rows[0]!, [NaN, 0, 0, 0]]), /^PCA\.fit: argument 'x' must hold finite numbers, found NaN at row 1, column 0$/],
    ['rocAuc', 'a NaN score', () => rocAuc([0.1, NaN], [0, 1]), /^rocAuc: argument 'scores' must hold finite numbers, found NaN at index 1/],
    ['anomalyThreshold', 'an infinite score', () => anomalyThreshold([1, Infinity]), /^anomalyThreshold: argument 'scores' must hold finite numbers, found Infinity at index 1/],
  ])('%s refuses %s', async (_fn, _input, call, message) => {
    await expectRefused(call, message);
  });
});

describe('tensors of the wrong kind', () => {
  it.each<Row>([
    // Was "Argument 'x' passed to 'cast' must be numeric tensor, but got string tensor" from inside tfjs.
    ['anomalyScores', 'a string tensor', () => anomalyScores(ae, strings), /^anomalyScores: argument 'x' must be a float32, int32 or bool tensor, got a tensor of shape \[1,4\] \(string\)$/],
    ['Autoencoder.encode', 'a string tensor', () => ae.encode(strings), /^Autoencoder\.encode: argument 'x' must be a float32, int32 or bool tensor/],
    // Was "Cannot read properties of undefined (reading 'backend')" from inside tfjs.
    ['reparameterize', 'a disposed tensor', () => reparameterize(disposed, disposed), /^reparameterize: argument 'mean' is a disposed tensor$/],
    // Was "Argument 'a' passed to 'mul' must be numeric tensor" from inside tfjs.
    ['reparameterize', 'a string tensor', () => reparameterize(strings, strings), /^reparameterize: argument 'mean' must be a float32, int32 or bool tensor/],
    // Already right.
    ['mse', 'a string tensor', () => mse(x, strings), /^mse: argument 'prediction' must be a float32, int32 or bool tensor/],
    ['bce', 'a disposed tensor', () => bce(disposed, x), /^bce: argument 'target' is a disposed tensor$/],
    ['mse', 'tensors of different shapes', () => mse(x, narrow), /^mse: argument 'prediction' must have shape \[4,4\] \(the shape of 'target'\), got shape \[2,3\]$/],
    ['gaussianNoise(…)', 'a scalar', () => gaussianNoise({ stddev: 0.1 })(scalar), /^gaussianNoise: argument 'x' must be a tensor of rank >= 1/],
    ['VAE.encode', 'a disposed tensor', () => vae.encode(disposed), /^VAE\.encode: argument 'x' is a disposed tensor$/],
    ['PCA.transform', 'a rank-3 tensor', () => fitted.transform(cube as never), /^PCA\.transform: argument 'x' must be 2-D \[samples, features\]/],
  ])('%s refuses %s', async (_fn, _input, call, message) => {
    await expectRefused(call, message);
  });

  it('accepts int32 and bool tensors where floats are expected, casting them (as documented)', () => {
    const ints = tf.tensor2d([[1, 0, 1, 0]], undefined, 'int32');
    const bools = tf.tensor2d([[1, 0, 1, 0]], undefined, 'bool');
    const fromInts = ae.reconstruct(ints);
    const fromBools = ae.reconstruct(bools);
    expect(fromInts.dtype).toBe('float32');
    expect(Array.from(fromInts.dataSync())).toEqual(Array.from(fromBools.dataSync()));
    const loss = mse(ints, fromInts);
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
    tf.dispose([ints, bools, fromInts, fromBools, loss]);
  });
});

describe('shapes and counts that do not fit', () => {
  it.each<Row>([
    // Was "Autoencoder.computeLoss: argument 'batch.x' must have shape [?,4] …", naming a function the caller never called.
    ['train', 'data 3 wide for a model 4 wide', () => train(ae, narrow, { epochs: 1 }), /^train: argument 'data' must have shape \[\?,4\] \(the model's input shape\), got shape \[2,3\]$/],
    ['train', 'validationData 3 wide', () => train(ae, x, { epochs: 1, validationData: narrow }), /^train: argument 'options\.validationData' must have shape \[\?,4\]/],
    ['evaluate', 'a number[][] of empty rows', () => evaluate(ae, [[]]), /^evaluate: argument 'data' must have shape \[\?,4\] \(the model's input shape\), got shape \[1,0\]$/],
    // Was "Autoencoder.reconstruct: argument 'x' …" / "VAE.forward: argument 'x' …".
    ['anomalyScores', 'samples 3 wide', () => anomalyScores(ae, narrow), /^anomalyScores: argument 'x' must have shape \[\?,4\] \(the model's input shape\), got shape \[2,3\]$/],
    ['anomalyScores', "samples 3 wide, metric 'elbo'", () => anomalyScores(vae, narrow, { metric: 'elbo' }), /^anomalyScores: argument 'x' must have shape \[\?,4\]/],
    ['anomalyScores', 'samples 3 wide, for a PCA', () => anomalyScores(fitted, narrow), /^anomalyScores: argument 'x' must have 4 features per sample \(the PCA's nFeatures\), got shape \[2,3\]$/],
    // Was "RangeError: Invalid typed array length: 2000000000000" from inside tfjs.
    ['VAE.sample', 'n = 1e12', () => vae.sample(1e12), /^VAE\.sample: argument 'n' must be an integer >= 1 <= \d+, got the number 1000000000000$/],
    // Was "RangeError: Invalid array length".
    ['CVAE.sample', 'n = 1e12', () => cvae.sample(1e12), /^CVAE\.sample: argument 'n' must be an integer >= 1 <= \d+, got the number 1000000000000$/],
    // Already right.
    ['VAE.sample', 'n = 1.5', () => vae.sample(1.5), /^VAE\.sample: argument 'n' must be an integer >= 1 <= \d+, got the number 1\.5$/],
    ['CVAE.sample', 'n = 0', () => cvae.sample(0), /^CVAE\.sample: argument 'n' must be an integer >= 1/],
    ['Autoencoder.decode', 'codes 3 wide', () => ae.decode([[1, 2, 3]]), /^Autoencoder\.decode: argument 'z' must have shape \[\?,2\] \(the decoder's input shape\), got shape \[1,3\]$/],
    ['Autoencoder.encode', 'a ragged number[][]', () => ae.encode([[1, 2, 3, 4], [1, 2]]), /^Autoencoder\.encode: argument 'x' must be a rectangular number\[\]\[\]: row 0 has 4 values, row 1 is an array of length 2$/],
    ['Autoencoder.encode', 'an empty array', () => ae.encode([]), /^Autoencoder\.encode: argument 'x' must be a non-empty number\[\]\[\], got an array of length 0$/],
    ['PCA.inverseTransform', 'codes 3 wide', () => fitted.inverseTransform([[1, 2, 3]]), /^PCA\.inverseTransform: argument 'z' must have 2 columns \(one per component\), got 3$/],
    ['rocAuc', 'fewer labels than scores', () => rocAuc([0.1, 0.2, 0.3], [0, 1]), /^rocAuc: argument 'labels' must hold one label per score \(3\), got 2$/],
    ['anomalyThreshold', 'an empty array', () => anomalyThreshold([]), /^anomalyThreshold: argument 'scores' must hold at least one score, got an empty array$/],
  ])('%s refuses %s', async (_fn, _input, call, message) => {
    await expectRefused(call, message);
  });
});

describe('class labels', () => {
  it.each<Row>([
    // Was "CVAE.computeLoss: argument 'batch.y' …" (an index into a shuffled batch), and leaked a tensor per call.
    ['train', 'a label equal to numClasses', () => train(cvae, { x, y: [0, 1, 3, 2] }, { epochs: 1 }), /^train: argument 'data\.y\[2\]' must be an integer class index in \[0, 3\) \(the model's numClasses\), got the number 3$/],
    ['train', 'an int32 label tensor holding 3', () => train(cvae, { x, y: int32Labels }, { epochs: 1 }), /^train: argument 'data\.y' must hold class indices in \[0, 3\) \(the model's numClasses\), found the number 3 at index 2$/],
    ['evaluate', 'a label equal to numClasses', () => evaluate(cvae, { x, y: [0, 1, 3, 2] }), /^evaluate: argument 'data\.y\[2\]' must be an integer class index in \[0, 3\)/],
    // Was "CVAE.computeLoss: argument 'batch.y' is required …".
    ['train', 'a conditional model without labels', () => train(cvae, x, { epochs: 1 }), /^train: argument 'data' must be \{ x, y \} with class labels in \[0, 3\) \(the model is conditional\), got a tensor of shape \[4,4\] \(float32\)$/],
    // Already right.
    ['CVAE.encode', 'a fractional label', () => cvae.encode(x, [0, 1, 1.5, 2]), /^CVAE\.encode: argument 'labels' must hold integers in \[0, 3\), found the number 1\.5 at index 2$/],
    ['CVAE.generate', 'a negative label', () => cvae.generate([0, -1]), /^CVAE\.generate: argument 'labels' must hold integers in \[0, 3\), found the number -1 at index 1$/],
    ['CVAE.decode', 'one label for two codes', () => cvae.decode([[0, 0], [1, 1]], [0]), /^CVAE\.decode: argument 'labels' must hold 2 labels \(one per row of the data\), got 1$/],
    ['rocAuc', 'a label 2', () => rocAuc([0.1, 0.9], [0, 2]), /^rocAuc: argument 'labels' must hold only 0 and 1 \(or false and true\), found the number 2 at index 1$/],
    ['rocCurve', 'a fractional label', () => rocCurve([0.1, 0.9], [0, 0.5]), /^rocCurve: argument 'labels' must hold only 0 and 1/],
  ])('%s refuses %s', async (_fn, _input, call, message) => {
    await expectRefused(call, message);
  });

  it('rocAuc and rocCurve refuse labels of one class (undefined, as scikit-learn raises); averagePrecision needs one anomaly', async () => {
    await expectRefused(() => rocAuc([0.1, 0.9], [1, 1]), /^rocAuc: argument 'labels' must hold both classes, 0 and 1, got only 1 \(anomaly\): the ROC curve is undefined with one class$/);
    await expectRefused(() => rocCurve([0.1, 0.9], [0, 0]), /^rocCurve: argument 'labels' must hold both classes, 0 and 1, got only 0 \(normal\)/);
    await expectRefused(() => averagePrecision([0.1, 0.9], [0, 0]), /^averagePrecision: argument 'labels' must hold at least one 1 \(anomaly\), got only 0/);
    // With anomalies only, every threshold has precision 1: AP = 1, as scikit-learn's average_precision_score.
    expect(averagePrecision([0.1, 0.9], [1, 1])).toBe(1);
  });
});

describe('disposed models', () => {
  it.each<Row>([
    // Was "Autoencoder.trainableVariables: the model was disposed".
    ['train', 'a disposed autoencoder', () => train(goneAe, x, { epochs: 1 }), /^train: argument 'model' was disposed$/],
    ['evaluate', 'a disposed autoencoder', () => evaluate(goneAe, x), /^evaluate: argument 'model' was disposed$/],
    // Was "Autoencoder.reconstruct: the model was disposed".
    ['anomalyScores', 'a disposed autoencoder', () => anomalyScores(goneAe, x), /^anomalyScores: argument 'model' was disposed$/],
    // Was accepted, to fail at the first fit.
    ['new AnomalyDetector', 'a disposed autoencoder', () => new AnomalyDetector(goneAe), /^AnomalyDetector: argument 'model' was disposed$/],
    // Was "CVAE.generate: the model was disposed".
    ['CVAE.sample', 'after dispose()', () => goneCvae.sample(2), /^CVAE\.sample: the model was disposed$/],
    // Already right.
    ['Autoencoder.encode', 'after dispose()', () => goneAe.encode(x), /^Autoencoder\.encode: the model was disposed$/],
    ['CVAE.decode', 'after dispose()', () => goneCvae.decode([[0, 0]], [0]), /^CVAE\.decode: the model was disposed$/],
    ['saveModel', 'a disposed autoencoder', () => saveModel(goneAe, { type: 'memory' }), /^saveModel: argument 'model' was disposed$/],
  ])('%s refuses %s', async (_fn, _input, call, message) => {
    await expectRefused(call, message);
  });
});

describe('the training contract', () => {
  it.each<Row>([
    // Were accepted: training: 'yes' counted as false; a NaN seed or klScale was ignored.
    ['Autoencoder.computeLoss', "context.training = 'yes'", () => ae.computeLoss({ x }, { training: 'yes' } as never), /^Autoencoder\.computeLoss: argument 'context\.training' must be a boolean, got the string "yes"$/],
    ['VAE.computeLoss', 'context.seed = -1', () => vae.computeLoss({ x }, { training: true, seed: -1 }), /^VAE\.computeLoss: argument 'context\.seed' must be an integer >= 0, got the number -1$/],
    ['Autoencoder.computeLoss', 'context.klScale = NaN', () => ae.computeLoss({ x }, { training: false, klScale: NaN }), /^Autoencoder\.computeLoss: argument 'context\.klScale' must be a finite number >= 0, got the number NaN$/],
    // Already right.
    ['CVAE.computeLoss', 'no context', () => cvae.computeLoss({ x, y: int32Labels }, undefined as never), /^CVAE\.computeLoss: argument 'context' must be \{ training, seed\?, klScale\? \}, got undefined$/],
    ['train', 'epochs = 0', () => train(ae, x, { epochs: 0 }), /^train: argument 'options\.epochs' must be an integer >= 1, got the number 0$/],
    ['train', 'no data', () => train(ae, undefined as never), /^train: argument 'data' must be a tf\.Tensor, number\[\]\[\], \{ data, shape \}, \{ x, y \} or an async iterable of batches, got undefined$/],
  ])('%s refuses %s', async (_fn, _input, call, message) => {
    await expectRefused(call, message);
  });

  it('train leaves no tensor behind when the model throws inside the gradient tape', async () => {
    // tfjs keeps the tensors its tape saved for the backward pass out of every tidy; a throw in the
    // forward pass used to strand them (one or more per failed call).
    const throwing = new Autoencoder({
      encoder: denseEncoder({ inputDim: 4, latentDim: 2, seed: 1 }),
      decoder: denseDecoder({ latentDim: 2, outputDim: 4, seed: 2 }),
      loss: (target, prediction) => {
        tf.mul(tf.sub(target, prediction), 2); // taped work, then:
        throw new Error('custom loss: refused');
      },
    });
    await expectRefused(() => train(throwing, x, { epochs: 1 }), /^custom loss: refused$/);
    throwing.dispose();
  });
});

describe('options', () => {
  it.each<Row>([
    // Were accepted: the seed went through Math.floor ("1" → 1, -1 → a valid but undocumented seed, 1.5 → 1).
    ['denseAutoencoder', "seed = '1'", () => denseAutoencoder({ ...shape, seed: '1' as never }), /^denseAutoencoder: argument 'seed' must be an integer >= 0, got the string "1"$/],
    ['denseCvae', 'seed = -1', () => denseCvae({ ...shape, numClasses: 3, seed: -1 }), /^denseCvae: argument 'seed' must be an integer >= 0, got the number -1$/],
    ['new PCA', 'seed = 1.5', () => new PCA({ seed: 1.5 }), /^new PCA: argument 'options\.seed' must be an integer, got the number 1\.5$/],
    // Were reported by the builders and constructors the factories call (denseEncoder:, VAE:, Autoencoder:).
    ['denseVae', "activation = 'swish2'", () => denseVae({ ...shape, activation: 'swish2' as never }), /^denseVae: argument 'activation' must be one of 'linear', 'relu'/],
    ['denseVae', 'beta = NaN', () => denseVae({ ...shape, beta: NaN }), /^denseVae: argument 'beta' must be a finite number >= 0, got the number NaN$/],
    ['sparseAutoencoder', "sparsity.kind = 'l2'", () => sparseAutoencoder({ ...shape, sparsity: { kind: 'l2' } as never }), /^sparseAutoencoder: argument 'sparsity\.kind' must be 'l1' or 'kl-bernoulli', got the string "l2"$/],
    // Were deferred to the first fit and reported by train as 'options.epochs'.
    ['new AnomalyDetector', 'trainOptions.epochs = 0', () => new AnomalyDetector(ae, { trainOptions: { epochs: 0 } }), /^AnomalyDetector: argument 'options\.trainOptions\.epochs' must be an integer >= 1, got the number 0$/],
    ['new AnomalyDetector', 'an unfitted PCA with fit: false', () => new AnomalyDetector(new PCA(), { fit: false }), /^AnomalyDetector: argument 'model' is a PCA that is not fitted yet: call its fit\(\) first$/],
    // Was "PCA.reconstructionError: the model is not fitted …".
    ['anomalyScores', 'an unfitted PCA', () => anomalyScores(new PCA(), x), /^anomalyScores: argument 'model' is a PCA that is not fitted yet/],
    // Was "… got null" for NaN (JSON.stringify).
    ['useBackend', 'NaN', () => useBackend(NaN as never), /^useBackend: argument 'preference' must be 'auto', one of .* or a non-empty list of them, got the number NaN$/],
    ['useBackend', "['cpu', 1]", () => useBackend(['cpu', 1] as never), /got a list whose entry 1 is the number 1$/],
    // Already right.
    ['anomalyThreshold', 'contamination = 2', () => anomalyThreshold([1, 2, 3], { contamination: 2 }), /^anomalyThreshold: argument 'options\.contamination' must be a finite number > 0 <= 0\.5, got the number 2$/],
    ['mse', "reduction = 'avg'", () => mse(x, x, { reduction: 'avg' as never }), /^mse: argument 'options\.reduction' must be one of 'mean', 'sum', 'none', got the string "avg"$/],
    ['elbo', 'no logVar', () => elbo({ target: x, reconstruction: x, mean: narrow } as never), /^elbo: argument 'logVar' must be a tf\.Tensor, got undefined$/],
    ['corruptorFromConfig', "kind = 'blur'", () => corruptorFromConfig({ kind: 'blur' }), /^corruptorFromConfig: argument 'config\.kind' must be one of 'gaussian', 'masking', 'salt-and-pepper', 'compose', got the string "blur"$/],
    ['gaussianNoise', 'stddev = -1', () => gaussianNoise({ stddev: -1 }), /^gaussianNoise: argument 'options\.stddev' must be a finite number >= 0, got the number -1$/],
    ['PCA.fromJSON', 'null', () => PCA.fromJSON(null), /^PCA\.fromJSON: /],
    ['loadModel', 'model.json that is not JSON', () => loadModel({ modelJson: '{', weights: new Uint8Array(0) }), /^loadModel: source\.modelJson is not valid JSON/],
  ])('%s refuses %s', async (_fn, _input, call, message) => {
    await expectRefused(call, message);
  });
});

describe('AnomalyDetector speaks for its methods', () => {
  it.each<Row>([
    // Were reported as anomalyScores:, train: or Autoencoder.reconstruct:.
    ['AnomalyDetector.fit', 'a background 3 wide', () => new AnomalyDetector(ae, { fit: false }).fit(narrow), /^AnomalyDetector\.fit: argument 'background' must have shape \[\?,4\] \(the model's input shape\), got shape \[2,3\]$/],
    ['AnomalyDetector.fit', 'a background holding NaN', () => new AnomalyDetector(ae, { fit: false }).fit([[NaN, 0, 0, 0]]), /^AnomalyDetector\.fit: argument 'background' must hold finite numbers, found NaN at row 0, column 0$/],
    ['AnomalyDetector.fit', 'no background', () => new AnomalyDetector(ae, { trainOptions: { epochs: 1 } }).fit(undefined as never), /^AnomalyDetector\.fit: argument 'background' must be a tf\.Tensor, number\[\]\[\] or \{ data/],
    ['AnomalyDetector.score', 'samples 3 wide', () => detector.score(narrow), /^AnomalyDetector\.score: argument 'x' must have shape \[\?,4\]/],
    ['AnomalyDetector.score', 'a string tensor', () => detector.score(strings), /^AnomalyDetector\.score: argument 'x' must be a float32, int32 or bool tensor/],
    // Already right.
    ['AnomalyDetector.predict', 'anything before fit', () => detector.predict(x), /^AnomalyDetector\.predict: the detector has no threshold yet: call and await fit\(background\) first$/],
  ])('%s refuses %s', async (_fn, _input, call, message) => {
    await expectRefused(call, message);
  });

  it('and the model still works after every refusal', async () => {
    const scores = await anomalyScores(ae, x);
    expect(Array.from(scores).every(Number.isFinite)).toBe(true);
    const history = await train(cvae, { x, y: [0, 1, 2, 0] }, { epochs: 1, seed: 1 });
    expect(Number.isFinite(history.epochs[0]!.loss)).toBe(true);
  });
});
