import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadModel, loadTrainingState, saveModel } from '../../src/io/index.js';
import { type Autoencoder, type VAE, denoisingAutoencoder, denseAutoencoder, denseVae } from '../../src/models/index.js';
import { maskingNoise } from '../../src/noise/index.js';
import { FusedAdam } from '../../src/backend/index.js';
import { type EpochLog, adam, train } from '../../src/train/index.js';
import { data, editJson, expectRejectsClean, expectSameBits, tempDir } from './helpers.js';

/** The parts of an epoch log that do not depend on timing. */
function curve(epochs: readonly EpochLog[]): unknown[] {
  return epochs.map(({ epoch, loss, terms, learningRate }) => ({ epoch, loss, terms, learningRate }));
}

/** A copy of a saved model's weight bytes with one 4-byte value, the first of weight `name`, overwritten. */
function withWeightValue(saved: { modelJson: string; weights: unknown }, name: string, write: (view: DataView, offset: number) => void): ArrayBuffer {
  const specs = JSON.parse(saved.modelJson).weightsManifest[0].weights as { name: string; shape: number[] }[];
  let offset = 0;
  for (const w of specs) {
    if (w.name === name) break;
    offset += 4 * w.shape.reduce((a, b) => a * b, 1);
  }
  const bytes = (saved.weights as ArrayBuffer).slice(0);
  write(new DataView(bytes), offset);
  return bytes;
}

type Model = Autoencoder | VAE;

/**
 * Trains `make()` 4 epochs in one go, and 2 + 2 epochs with a save and a load in between;
 * returns both loss curves and both final models.
 */
async function interruptedAndWhole(
  make: () => Model,
  optimizer: () => tf.Optimizer,
  where: 'memory' | 'directory',
  batchSize = 8,
): Promise<{ whole: unknown[]; resumed: unknown[]; a: Model; b: Model }> {
  const x = data(24, 8, 4);
  const options = { batchSize, seed: 17, klWarmup: { epochs: 3 } };
  const a = make();
  const optA = optimizer();
  const whole = await train(a, x, { ...options, optimizer: optA, epochs: 4 });
  optA.dispose();

  const first = make();
  const optB = optimizer();
  const head = await train(first, x, { ...options, optimizer: optB, epochs: 2 });
  const destination = where === 'memory' ? ({ type: 'memory' } as const) : await tempDir();
  const saved = await saveModel(first, destination, { training: { optimizer: optB, initialEpoch: 2, seed: head.seed } });
  first.dispose();
  optB.dispose();
  const source = where === 'memory' ? saved : (destination as string);
  const b = (await loadModel(source)) as Model;
  const state = await loadTrainingState(source);
  expect(state?.initialEpoch).toBe(2);
  expect(state?.seed).toBe(17);
  const tail = await train(b, x, { ...options, ...state!, epochs: 4 });
  state!.optimizer.dispose();
  x.dispose();
  return { whole: curve(whole.epochs), resumed: curve([...head.epochs, ...tail.epochs]), a, b };
}

describe('resuming training after loadModel and loadTrainingState', () => {
  it('continues the loss curve of a VAE trained with Adam exactly: 2 + 2 epochs equal 4 in one go, bit for bit', async () => {
    const before = tf.memory().numTensors;
    // 12 steps per epoch: the save falls after step 24, where tfjs's Adam.setWeights would
    // recompute β₂ᵗ = pow(0.999, 25) one bit away from the running product (so the bias
    // correction 1 − β₂ᵗ differs): the saved β powers must be restored as they were.
    const { whole, resumed, a, b } = await interruptedAndWhole(
      () => denseVae({ inputDim: 8, hidden: [6], latentDim: 2, seed: 1 }),
      () => tf.train.adam(0.01),
      'directory',
      2,
    );
    expect(resumed).toEqual(whole);
    const x = data(5, 8, 9);
    await expectSameBits(a.reconstruct(x), b.reconstruct(x));
    x.dispose();
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  const optimizers: [string, () => tf.Optimizer][] = [
    ['SGD', () => tf.train.sgd(0.1)],
    ['Momentum (Nesterov)', () => tf.train.momentum(0.05, 0.9, true)],
    ['RMSProp (with momentum)', () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-6)],
    ['Adagrad', () => tf.train.adagrad(0.1)],
    ['Adadelta', () => tf.train.adadelta(1, 0.95)],
    ['Adam', () => tf.train.adam(0.02, 0.8, 0.99, 1e-6)],
    ["the package's adam()", () => adam({ learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 })],
  ];
  for (const [name, optimizer] of optimizers) {
    it(`continues a denoising autoencoder trained with ${name} exactly, from memory`, async () => {
      const { whole, resumed, a, b } = await interruptedAndWhole(
        () => denoisingAutoencoder({ inputDim: 8, hidden: [6], latentDim: 3, corruptor: maskingNoise({ rate: 0.25 }), seed: 2 }),
        optimizer,
        'memory',
      );
      expect(resumed).toEqual(whole);
      a.dispose();
      b.dispose();
    });
  }

  it('restores the optimizer configuration, step counter and every state tensor (centered RMSProp)', async () => {
    const ae = denseAutoencoder({ inputDim: 4, hidden: [3], latentDim: 2, seed: 3 });
    // tfjs's centered RMSProp takes sqrt(meanSquare − meanGrad² − ε), NaN for tiny gradients:
    // give it two fixed steps instead of training.
    const optimizer = tf.train.rmsprop(0.003, 0.8, 0.1, 1e-5, true);
    for (const g of [1, -0.5]) {
      tf.tidy(() => optimizer.applyGradients(ae.trainableVariables.map((v) => ({ name: v.name, tensor: tf.fill(v.shape, g) }))));
    }
    const saved = await saveModel(ae, { type: 'memory' }, { training: { optimizer, initialEpoch: 1, seed: 1 } });
    const state = await loadTrainingState(saved);
    expect(state!.optimizer.getClassName()).toBe('RMSProp');
    expect(state!.optimizer.getConfig()).toEqual(optimizer.getConfig());
    expect(state!.optimizer.iterations).toBe(2);
    const [mine, theirs] = [await optimizer.getWeights(), await state!.optimizer.getWeights()];
    expect(theirs.length).toBe(mine.length);
    for (let i = 1; i < mine.length; i++) await expectSameBits(tf.clone(mine[i]!.tensor), tf.clone(theirs[i]!.tensor));
    tf.dispose([mine[0]!.tensor, theirs[0]!.tensor]);
    state!.optimizer.dispose();
    optimizer.dispose();
    ae.dispose();
  });

  it('saves a fresh optimizer (no state yet) and resumes from it', async () => {
    const ae = denseAutoencoder({ inputDim: 4, hidden: [3], latentDim: 2, seed: 4 });
    const optimizer = tf.train.adam(0.01);
    const saved = await saveModel(ae, { type: 'memory' }, { training: { optimizer, initialEpoch: 0, seed: 5 } });
    const state = await loadTrainingState(saved);
    expect(state!.optimizer.iterations).toBe(0);
    expect((await state!.optimizer.getWeights()).length).toBe(1);
    state!.optimizer.dispose();
    optimizer.dispose();
    ae.dispose();
  });

  it('gives undefined when the file has no training state', async () => {
    const ae = denseAutoencoder({ inputDim: 4, hidden: [3], latentDim: 2, seed: 5 });
    expect(await loadTrainingState(await saveModel(ae, { type: 'memory' }))).toBeUndefined();
    ae.dispose();
  });

  it('refuses an optimizer that did not train this model, an unsupported optimizer and bad epochs or seeds', async () => {
    const ae = denseAutoencoder({ inputDim: 4, hidden: [3], latentDim: 2, seed: 6 });
    const other = denseAutoencoder({ inputDim: 5, hidden: [3], latentDim: 2, seed: 6 });
    const optimizer = tf.train.adam(0.01);
    await train(other, data(6, 5), { optimizer, epochs: 1, batchSize: 6, seed: 1 });
    const training = { optimizer, initialEpoch: 1, seed: 1 };
    await expectRejectsClean(() => saveModel(ae, { type: 'memory' }, { training }), /saveModel: argument 'options.training.optimizer' holds state of shape \[5,3\].*was it used to train this model/);
    const adamax = tf.train.adamax(0.01);
    await expectRejectsClean(
      () => saveModel(ae, { type: 'memory' }, { training: { ...training, optimizer: adamax } }),
      /saveModel: argument 'options.training.optimizer' is a Adamax optimizer, whose state cannot be saved; use one of SGD, Momentum, Adam/,
    );
    await expectRejectsClean(() => saveModel(ae, { type: 'memory' }, { training: { ...training, initialEpoch: -1 } }), /options\.training\.initialEpoch' must be an integer/);
    await expectRejectsClean(() => saveModel(ae, { type: 'memory' }, { training: { ...training, seed: 0.5 } }), /options\.training\.seed' must be an integer/);
    await expectRejectsClean(() => saveModel(ae, { type: 'memory' }, { training: { ...training, optimizer: {} as tf.Optimizer } }), /must be a tfjs optimizer/);
    adamax.dispose();
    optimizer.dispose();
    ae.dispose();
    other.dispose();
  });

  it("continues a VAE trained with the package's adam() exactly, across the step where pow() would differ", async () => {
    const { whole, resumed, a, b } = await interruptedAndWhole(
      () => denseVae({ inputDim: 8, hidden: [6], latentDim: 2, seed: 1 }),
      () => adam({ learningRate: 0.01 }),
      'memory',
      2,
    );
    expect(resumed).toEqual(whole);
    a.dispose();
    b.dispose();
  });

  it("restores a saved Adam (tfjs' or the package's) as the package's one-kernel Adam, with the same configuration", async () => {
    for (const make of [() => tf.train.adam(0.03, 0.7, 0.95, 1e-5), () => adam({ learningRate: 0.03, beta1: 0.7, beta2: 0.95, epsilon: 1e-5 })]) {
      const ae = denseAutoencoder({ inputDim: 4, hidden: [3], latentDim: 2, seed: 3 });
      const optimizer = make();
      await train(ae, data(6, 4), { optimizer, epochs: 2, batchSize: 3, seed: 1 });
      const saved = await saveModel(ae, { type: 'memory' }, { training: { optimizer, initialEpoch: 2, seed: 1 } });
      const state = (await loadTrainingState(saved))!;
      expect(FusedAdam.isFusedAdam(state.optimizer)).toBe(true);
      expect(state.optimizer.getClassName()).toBe('Adam');
      expect(state.optimizer.getConfig()).toEqual({ learningRate: 0.03, beta1: 0.7, beta2: 0.95, epsilon: 1e-5 });
      expect(state.optimizer.iterations).toBe(4);
      // after 4 steps, β₁⁵ and β₂⁵ (tfjs starts its running products at β, not 1)
      const [p1, p2] = (state.optimizer as FusedAdam).powers;
      expect(p1).toBeCloseTo(0.7 ** 5, 6);
      expect(p2).toBeCloseTo(0.95 ** 5, 6);
      state.optimizer.dispose();
      optimizer.dispose();
      ae.dispose();
    }
  });

  it('rejects a tampered power of β in a saved Adam state', async () => {
    const ae = denseAutoencoder({ inputDim: 4, hidden: [3], latentDim: 2, seed: 7 });
    const optimizer = adam({ learningRate: 0.01 });
    await train(ae, data(6, 4), { optimizer, epochs: 1, batchSize: 3, seed: 1 });
    const saved = await saveModel(ae, { type: 'memory' }, { training: { optimizer, initialEpoch: 1, seed: 1 } });
    const bytes = withWeightValue(saved, 'optimizer/accBeta2', (view, offset) => view.setFloat32(offset, Number.NaN, true));
    await expectRejectsClean(() => loadTrainingState({ modelJson: saved.modelJson, weights: bytes }), /loadTrainingState: weight 'optimizer\/accBeta2' must hold a power of β in \[0, 1\), got NaN/);
    optimizer.dispose();
    ae.dispose();
  });

  it('rejects tampered optimizer state without leaving tensors behind', async () => {
    const ae = denseAutoencoder({ inputDim: 4, hidden: [3], latentDim: 2, seed: 7 });
    const optimizer = tf.train.adam(0.01);
    await train(ae, data(6, 4), { optimizer, epochs: 1, batchSize: 3, seed: 1 });
    const saved = await saveModel(ae, { type: 'memory' }, { training: { optimizer, initialEpoch: 1, seed: 1 } });
    const wrongShape = editJson(saved, (j) => {
      const m0 = j.weightsManifest[0].weights.find((w: { name: string }) => w.name === 'optimizer/m/0');
      m0.shape = [3, 4];
    });
    await expectRejectsClean(() => loadTrainingState(wrongShape), /loadTrainingState: weight 'optimizer\/m\/0' must be float32 of shape \[4,3\]/);
    const unknownClass = editJson(saved, (j) => {
      j.modelTopology.training.optimizer.className = 'Nadam';
    });
    await expectRejectsClean(() => loadTrainingState(unknownClass), /field 'modelTopology.training.optimizer.className' must be one of SGD/);
    const badRate = editJson(saved, (j) => {
      j.modelTopology.training.optimizer.config.learningRate = -1;
    });
    await expectRejectsClean(() => loadTrainingState(badRate), /learningRate' must be a finite number >= 0/);
    // The step counter lives in weights.bin: a negative one is refused before the optimizer is made.
    const bytes = withWeightValue(saved, 'optimizer/iterations', (view, offset) => view.setInt32(offset, -3, true));
    await expectRejectsClean(() => loadTrainingState({ modelJson: saved.modelJson, weights: bytes }), /loadTrainingState: weight 'optimizer\/iterations' must hold a step count \(an integer >= 0\), got -3/);
    // A model with training state loads when that state is well formed, and is refused when it is not.
    await expectRejectsClean(() => loadModel(unknownClass), /loadModel: field 'modelTopology.training.optimizer.className'/);
    optimizer.dispose();
    ae.dispose();
  });
});
