// The VAE's and CVAE's description of their training step for the fused WebGPU kernels
// (gaussianTrainingPlan): what it finds in the networks, and that its batch (input, target, ε,
// KL weight, capacity) rebuilds computeLoss's training loss exactly, on the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denseCvae, denseVae, elbo, regularizedElbo, useBackend } from '../../src/index.js';
import type { DenseLayerPlan, GaussianTrainingPlan } from '../../src/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** The plan's forward pass in tfjs ops: the decoder's output (logits or means), μ and log σ². */
function forward(plan: GaussianTrainingPlan, input: tf.Tensor2D, noise: tf.Tensor): { out: tf.Tensor; mean: tf.Tensor; logVar: tf.Tensor } {
  const dense = (x: tf.Tensor, l: DenseLayerPlan): tf.Tensor => {
    const z = tf.add(tf.matMul(x as tf.Tensor2D, l.kernel as tf.Tensor2D), l.bias);
    return l.activation === 'linear' ? z : l.activation === 'relu' ? tf.relu(z) : l.activation === 'sigmoid' ? tf.sigmoid(z) : tf.tanh(z);
  };
  const h = plan.encoder.reduce(dense, input as tf.Tensor);
  const mean = dense(h, plan.mean);
  const raw = dense(h, plan.logVar);
  const L = plan.logVarLimit;
  const logVar = L === null ? raw : tf.mul(tf.tanh(tf.mul(raw, 1 / L)), L);
  const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise));
  const labels = plan.labels === 0 ? z : tf.concat([z, tf.slice(input, [0, input.shape[1] - plan.labels], [-1, plan.labels])], 1);
  return { out: plan.decoder.reduce(dense, labels), mean, logVar };
}

const x = tf.tidy(() => tf.randomUniform([6, 10], 0, 1, 'float32', 3));
afterAll(() => x.dispose());

describe('gaussianTrainingPlan', () => {
  it('denseVae: body, heads with the soft clamp, decoder with its sigmoid left out; the plan rebuilds computeLoss and leaks nothing', () => {
    const vae = denseVae({ inputDim: 10, hidden: [7], latentDim: 3, beta: 2, seed: 1 });
    const start = tf.memory().numTensors;
    const plan = vae.gaussianTrainingPlan()!;
    expect(plan).not.toBeNull();
    expect(plan.encoder.map((l) => l.activation)).toEqual(['relu']);
    expect(plan.decoder.map((l) => l.activation)).toEqual(['relu', 'linear']);
    expect([plan.likelihood, plan.logVarLimit, plan.labels, plan.freeBits]).toEqual(['bernoulli-logits', 10, 0, 0]);
    expect(plan.termNames).toEqual(['reconstruction', 'kl']);
    const variables = new Set(vae.trainableVariables);
    const planned = [...plan.encoder, plan.mean, plan.logVar, ...plan.decoder].flatMap((l) => [l.kernel, l.bias]);
    expect(planned).toHaveLength(variables.size);
    expect(planned.every((v) => variables.has(v))).toBe(true);
    const context = { training: true, seed: 11, klScale: 0.5, epoch: 0 };
    const [ours, theirs] = tf.tidy(() => {
      const p = plan.prepare({ x }, context);
      expect(p.klWeight).toBe(1);
      expect(p.capacity).toBeNull();
      const { out, mean, logVar } = forward(plan, p.input as tf.Tensor2D, p.noise);
      const mine = elbo({ target: p.target, reconstruction: out, mean, logVar, likelihood: 'bernoulli-logits', beta: p.klWeight }).loss;
      return [mine.dataSync()[0]!, vae.computeLoss({ x }, context).loss.dataSync()[0]!];
    });
    expect(Math.abs(ours - theirs) / theirs).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(start);
    vae.dispose();
    expect(vae.gaussianTrainingPlan()).toBeNull();
  });

  it('denseCvae with free bits and a capacity: the labels join z, and the capacity ramps with the epoch', () => {
    const cvae = denseCvae({ inputDim: 10, numClasses: 3, hidden: [6], latentDim: 2, likelihood: 'gaussian', objective: { kind: 'elbo', beta: 3, freeBits: 0.2, capacity: { max: 4, epochs: 4 } }, seed: 2 });
    const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const start = tf.memory().numTensors;
    const plan = cvae.gaussianTrainingPlan()!;
    expect([plan.likelihood, plan.labels, plan.freeBits]).toEqual(['gaussian', 3, 0.2]);
    const context = { training: true, seed: 5, klScale: 1, epoch: 1 };
    const [ours, theirs] = tf.tidy(() => {
      const p = plan.prepare({ x, y }, context);
      expect(p.input.shape).toEqual([6, 13]);
      expect(p.capacity).toBe(1);
      const { out, mean, logVar } = forward(plan, p.input as tf.Tensor2D, p.noise);
      const mine = regularizedElbo({ target: p.target, reconstruction: out, mean, logVar, likelihood: 'gaussian', beta: p.klWeight, freeBits: plan.freeBits, capacity: p.capacity! }).loss;
      return [mine.dataSync()[0]!, cvae.computeLoss({ x, y }, context).loss.dataSync()[0]!];
    });
    expect(Math.abs(ours - theirs) / Math.abs(theirs)).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(start);
    cvae.dispose();
    y.dispose();
  });

  it('is null for the objectives and priors the fused step does not cover', () => {
    for (const objective of [{ kind: 'iwae', samples: 3 }, { kind: 'beta-tc' }, { kind: 'mmd', lambda: 1, kernel: 'rbf' }] as const) {
      const vae = denseVae({ inputDim: 10, hidden: [4], latentDim: 2, objective, seed: 1 });
      expect(vae.gaussianTrainingPlan()).toBeNull();
      vae.dispose();
    }
    const vamp = denseVae({ inputDim: 10, hidden: [4], latentDim: 2, prior: { kind: 'vamp', pseudoInputs: 3 }, seed: 1 });
    expect(vamp.gaussianTrainingPlan()).toBeNull();
    vamp.dispose();
    const conditional = denseCvae({ inputDim: 10, numClasses: 3, hidden: [4], latentDim: 2, prior: { kind: 'vamp', pseudoInputs: 3 }, seed: 1 });
    expect(conditional.gaussianTrainingPlan()).toBeNull();
    conditional.dispose();
  });
});
