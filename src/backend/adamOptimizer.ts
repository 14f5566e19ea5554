import * as tf from '@tensorflow/tfjs-core';
import { fusedAdamUpdate, hasFusedAdam } from './adamKernel.js';
import type { AdamScalars } from './adamKernel.js';
import { FlatAdam, fastWebGpuKernelsEnabled } from '../kernels/webgpu/index.js';

const fr = Math.fround;

/**
 * The sum of scalars by pairwise `add`s (not one `addN`: tfjs' WebGPU `AddN` binds one buffer per
 * input, more than a device in compatibility mode allows for a model's worth of variables).
 * Call inside `tf.tidy`.
 * @internal
 */
export function sumScalars(values: readonly tf.Scalar[]): tf.Scalar {
  if (values.length === 0) return tf.scalar(0);
  return values.reduce((a, b) => tf.add(a, b));
}

/** A tensor with a name, as optimizers take gradients and give weights. */
type NamedTensor = { name: string; tensor: tf.Tensor };
type Gradients = Parameters<tf.Optimizer['applyGradients']>[0];

interface Moments {
  readonly m: tf.Variable;
  readonly v: tf.Variable;
  readonly name: string;
}

/**
 * Adam with the numbers of tfjs' `tf.train.adam` — the same float32 operations in the same
 * order, so the same weights bit for bit — but one kernel per variable on the wasm and cpu
 * backends instead of fourteen, and on WebGPU one dispatch for all variables ({@link FlatAdam};
 * GPU float32 arithmetic, within rounding of tfjs'); elsewhere it runs tfjs' kernels. The trainer uses it when it
 * creates the optimizer itself; users get it from the public `adam()` factory; restored training
 * states of an Adam optimizer come back as one.
 *
 * `β₁ᵗ` and `β₂ᵗ` are kept on the host as float32 numbers (tfjs keeps them in two scalar
 * variables): no kernel per step for them.
 * @internal
 */
export class FusedAdam extends tf.Optimizer {
  /** @nocollapse */
  static get className(): string {
    return 'Adam';
  }

  /** Read at every step: the trainer's learning-rate schedule writes it. */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  #accBeta1: number;
  #accBeta2: number;
  #moments: (Moments | undefined)[] = [];
  /** On WebGPU: the one-dispatch Adam for the variables of the last step (rebuilt when they change). */
  #flat: FlatAdam | null = null;

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super();
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.#accBeta1 = fr(beta1);
    this.#accBeta2 = fr(beta2);
  }

  /**
   * Whether `x` is a FusedAdam. (`instanceof` cannot tell: tfjs' `Optimizer` answers it by duck
   * typing, for every subclass.)
   */
  static isFusedAdam(x: unknown): x is FusedAdam {
    return typeof x === 'object' && x !== null && #accBeta1 in x;
  }

  /** Applies one step; see {@link FusedAdam.applyGradientsWithCheck}. */
  override applyGradients(variableGradients: Gradients): void {
    tf.dispose(this.applyGradientsWithCheck(variableGradients));
  }

  /**
   * Applies one step and returns the sum of all gradient entries (a scalar the caller owns),
   * which the fused kernel computes on the way: finite exactly when every gradient is (barring
   * overflow). Gradients given as `null` are skipped, as tfjs' optimizers do.
   */
  applyGradientsWithCheck(variableGradients: Gradients): tf.Scalar {
    const list: { name: string; tensor: tf.Tensor | null }[] = Array.isArray(variableGradients)
      ? (variableGradients as NamedTensor[])
      : Object.entries(variableGradients as tf.NamedTensorMap).map(([name, tensor]) => ({ name, tensor }));
    const flat = this.#flatStep(list);
    if (flat !== undefined) return flat;
    const fused = hasFusedAdam();
    const scalars = this.#scalars();
    const check = tf.tidy(() => {
      const sums: tf.Scalar[] = [];
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name];
        if (value === undefined) throw new Error(`FusedAdam: no variable is named '${name}'`);
        const moments = this.#momentsOf(i, value);
        if (gradient === null || gradient === undefined) return;
        if (fused && value.dtype === 'float32' && gradient.dtype === 'float32') {
          const [w, m, v, sum] = fusedAdamUpdate(value, moments.m, moments.v, gradient, scalars);
          moments.m.assign(m);
          moments.v.assign(v);
          value.assign(w);
          sums.push(sum);
        } else {
          sums.push(tf.sum(gradient));
          this.#composedStep(value, moments, gradient, scalars);
        }
      });
      return sumScalars(sums);
    });
    this.completeStep();
    return check;
  }

  /**
   * For a step run elsewhere (the fused WebGPU step): the moment variables of `variables` (made on
   * first use, keyed by position as {@link FusedAdam.applyGradientsWithCheck} keys them) and this
   * step's scalars. Call {@link FusedAdam.completeStep} once the step is recorded.
   */
  externalStep(variables: readonly tf.Variable[]): { moments: { m: tf.Variable; v: tf.Variable }[]; scalars: AdamScalars } {
    const moments = variables.map((v, i) => this.#momentsOf(i, v));
    const scalars = this.#scalars();
    return { moments, scalars };
  }

  /** This step's scalars: the options, and `1 − β₁ᵗ`, `1 − β₂ᵗ` with `βᵗ` accumulated in float32. */
  #scalars(): AdamScalars {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      oneMinusAccBeta1: fr(1 - this.#accBeta1),
      oneMinusAccBeta2: fr(1 - this.#accBeta2),
    };
  }

  /** Advances `β₁ᵗ`, `β₂ᵗ` and the iteration count after a step run elsewhere (see {@link FusedAdam.externalStep}). */
  completeStep(): void {
    this.#accBeta1 = fr(this.#accBeta1 * fr(this.beta1));
    this.#accBeta2 = fr(this.#accBeta2 * fr(this.beta2));
    this.incrementIterations();
  }

  /**
   * On WebGPU with the package's kernels allowed: the whole step as one Adam dispatch over all
   * variables ({@link FlatAdam}), returning 0 or NaN as the check; undefined where it does not
   * apply (another backend, a null gradient, a dtype other than float32).
   */
  #flatStep(list: readonly { name: string; tensor: tf.Tensor | null }[]): tf.Scalar | undefined {
    if (tf.getBackend() !== 'webgpu' || !fastWebGpuKernelsEnabled() || list.length === 0) return undefined;
    const variables: tf.Variable[] = [];
    const gradients: tf.Tensor[] = [];
    for (const { name, tensor } of list) {
      const value = tf.engine().registeredVariables[name];
      if (value === undefined || tensor === null || tensor === undefined || tensor.dtype !== 'float32' || value.dtype !== 'float32') return undefined;
      if (!tf.util.arraysEqual(tensor.shape, value.shape)) return undefined;
      variables.push(value);
      gradients.push(tensor);
    }
    if (this.#flat === null || !this.#flat.serves(variables)) {
      this.#flat?.dispose();
      this.#flat = FlatAdam.create(variables);
      if (this.#flat === null) return undefined;
    }
    const check = this.#flat.step(gradients, this.externalStep(variables));
    this.completeStep();
    return check;
  }

  /** tfjs' `AdamOptimizer` step, kernel for kernel (backends without the fused kernel). */
  #composedStep(value: tf.Variable, moments: Moments, gradient: tf.Tensor, s: AdamScalars): void {
    const m = tf.add(tf.mul(moments.m, s.beta1), tf.mul(gradient, 1 - s.beta1));
    const v = tf.add(tf.mul(moments.v, s.beta2), tf.mul(tf.square(gradient), 1 - s.beta2));
    const mHat = tf.div(m, tf.scalar(s.oneMinusAccBeta1));
    const vHat = tf.div(v, tf.scalar(s.oneMinusAccBeta2));
    moments.m.assign(m);
    moments.v.assign(v);
    value.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), s.epsilon)), -s.learningRate), value));
  }

  #momentsOf(i: number, value: tf.Variable): Moments {
    let moments = this.#moments[i];
    if (moments === undefined) {
      moments = {
        name: value.name,
        m: tf.tidy(() => tf.zerosLike(value).variable(false)),
        v: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      this.#moments[i] = moments;
    }
    return moments;
  }

  /** `[β₁ᵗ⁺¹, β₂ᵗ⁺¹]` as float32 numbers, what tfjs' Adam keeps in its `accBeta1`/`accBeta2` variables (for saving). */
  get powers(): readonly [number, number] {
    return [this.#accBeta1, this.#accBeta2];
  }

  /** Sets the powers saved by {@link FusedAdam.powers} (after `setWeights`, which recomputes them). */
  setPowers(beta1Power: number, beta2Power: number): void {
    this.#accBeta1 = fr(beta1Power);
    this.#accBeta2 = fr(beta2Power);
  }

  override dispose(): void {
    this.#flat?.dispose();
    this.#flat = null;
    for (const moments of this.#moments) if (moments !== undefined) tf.dispose([moments.m, moments.v]);
    this.#moments = [];
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const present = this.#moments.filter((x): x is Moments => x !== undefined);
    return [
      await this.saveIterations(),
      ...present.map((x) => ({ name: `${x.name}/m`, tensor: x.m })),
      ...present.map((x) => ({ name: `${x.name}/v`, tensor: x.v })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const values = await this.extractIterations(weightValues);
    this.#accBeta1 = fr(1);
    this.#accBeta2 = fr(1);
    for (let t = 0; t <= this.iterations_; t++) {
      this.#accBeta1 = fr(this.#accBeta1 * fr(this.beta1));
      this.#accBeta2 = fr(this.#accBeta2 * fr(this.beta2));
    }
    this.dispose();
    const count = values.length / 2;
    this.#moments = values.slice(0, count).map((x, i) => ({
      name: x.name.replace(/\/m$/, ''),
      m: x.tensor.variable(false),
      v: values[count + i]!.tensor.variable(false),
    }));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
