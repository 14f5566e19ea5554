/**
 * The Kernel PCA part of a saved model (`kind: 'kernel-pca'`). Its configuration holds the
 * options and the scalars of the fitted state; its matrices are float64 weights, bit for bit:
 *
 * ```
 * config: { options: <KernelPCA.toJSON().options>,
 *           state: null | { solver, nSamples, nFeatures, nComponents, gamma, kernelMean,
 *                           inverse: null | { gamma } } }
 * weights: kernel-pca/xFit [n, d], kernel-pca/eigenvalues [k], kernel-pca/eigenvectors [k, n],
 *          kernel-pca/kernelRowMeans [n]; with inverse: kernel-pca/inverseLatent [n, k],
 *          kernel-pca/inverseDual [n, d]
 * ```
 * On load the sizes are checked against the manifest and the Kernel PCA limits before any
 * value is read, and the values are then checked by `KernelPCA.fromJSON`.
 * @internal
 */
import { formatShape } from '../core/index.js';
import { KERNEL_PCA_MAX_SAMPLES, KernelPCA, type KernelPCAJSON } from '../pca/index.js';
import { type Json, type JsonObject, bad, cleanJson, integer, isObject, onlyKeys, own } from './json.js';
import { type WeightSpec, type WeightValues, readValues } from './weights.js';

/** The weights of a Kernel PCA are named `kernel-pca/<name>`. @internal */
export const KERNEL_PCA_PREFIX = 'kernel-pca';

/** Largest `nSamples × nFeatures` (and `nSamples × nComponents`) a file may declare: 2²⁶, as `KernelPCA.fromJSON`. */
const MAX_VALUES = 0x4000000;

const STATE_KEYS = ['solver', 'nSamples', 'nFeatures', 'nComponents', 'gamma', 'kernelMean', 'inverse'] as const;

type ArrayName = 'xFit' | 'eigenvalues' | 'eigenvectors' | 'kernelRowMeans' | 'inverseLatent' | 'inverseDual';

function finite(v: Json | undefined, fn: string, path: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(fn, path, 'a finite number', v);
}

/** The arrays of a fitted state and their shapes. */
function arrayShapes(n: number, d: number, k: number, inverse: boolean): [ArrayName, number[]][] {
  const list: [ArrayName, number[]][] = [
    ['xFit', [n, d]],
    ['eigenvalues', [k]],
    ['eigenvectors', [k, n]],
    ['kernelRowMeans', [n]],
  ];
  if (inverse) list.push(['inverseLatent', [n, k]], ['inverseDual', [n, d]]);
  return list;
}

/**
 * The configuration and float64 weights of a Kernel PCA (fitted or not).
 * @internal
 */
export function describeKernelPca(model: KernelPCA, fn: string): { config: JsonObject; weights: WeightValues[] } {
  const json = model.toJSON();
  const s = json.state;
  const options = cleanJson(json.options, fn, 'kernelPca.toJSON().options');
  if (s === null) return { config: { options, state: null }, weights: [] };
  const { nSamples: n, nFeatures: d, nComponents: k } = s;
  const state: JsonObject = {
    solver: s.solver,
    nSamples: n,
    nFeatures: d,
    nComponents: k,
    gamma: s.gamma,
    kernelMean: s.kernelMean,
    inverse: s.inverse === null ? null : { gamma: s.inverse.gamma },
  };
  const values: Record<ArrayName, number[]> = {
    xFit: s.xFit,
    eigenvalues: s.eigenvalues,
    eigenvectors: s.eigenvectors,
    kernelRowMeans: s.kernelRowMeans,
    inverseLatent: s.inverse?.latent ?? [],
    inverseDual: s.inverse?.dual ?? [],
  };
  const weights = arrayShapes(n, d, k, s.inverse !== null).map(([name, shape]): WeightValues => ({
    name: `${KERNEL_PCA_PREFIX}/${name}`,
    shape,
    dtype: 'float64',
    values: Float64Array.from(values[name]),
  }));
  return { config: { options, state }, weights };
}

/**
 * Checks the fitted-state scalars of a Kernel PCA document and the weights they imply against the
 * manifest (names, float64, shapes), and the sample and size limits. Allocates nothing.
 * @internal
 */
export function checkKernelPcaSpecs(config: JsonObject, specs: ReadonlyMap<string, WeightSpec>, accounted: Set<string>, fn: string): void {
  const at = 'modelTopology.config.state';
  const state = own(config, 'state');
  if (state === null) return;
  if (!isObject(state)) bad(fn, at, 'an object or null', state);
  onlyKeys(state, STATE_KEYS, fn, at);
  for (const key of STATE_KEYS) {
    if (own(state, key) === undefined) throw new Error(`${fn}: field '${at}.${key}' is missing (a fitted kernel-pca records ${STATE_KEYS.join(', ')})`);
  }
  const n = integer(own(state, 'nSamples'), fn, `${at}.nSamples`, 2, KERNEL_PCA_MAX_SAMPLES);
  const d = integer(own(state, 'nFeatures'), fn, `${at}.nFeatures`, 1, MAX_VALUES);
  if (n * d > MAX_VALUES) throw new Error(`${fn}: field '${at}' declares ${n} × ${d} training values, more than the limit of ${MAX_VALUES}`);
  const k = integer(own(state, 'nComponents'), fn, `${at}.nComponents`, 1, n);
  finite(own(state, 'gamma'), fn, `${at}.gamma`);
  finite(own(state, 'kernelMean'), fn, `${at}.kernelMean`);
  const inverse = own(state, 'inverse');
  if (inverse !== null) {
    if (!isObject(inverse)) bad(fn, `${at}.inverse`, '{ gamma } or null', inverse);
    onlyKeys(inverse, ['gamma'], fn, `${at}.inverse`);
    finite(own(inverse, 'gamma'), fn, `${at}.inverse.gamma`);
  }
  for (const [short, shape] of arrayShapes(n, d, k, inverse !== null)) {
    const name = `${KERNEL_PCA_PREFIX}/${short}`;
    const spec = specs.get(name);
    if (spec === undefined) throw new Error(`${fn}: the weights manifest lacks '${name}', an array of the fitted Kernel PCA`);
    if (spec.dtype !== 'float64' || formatShape(spec.shape) !== formatShape(shape)) {
      throw new Error(`${fn}: weight '${name}' must be float64 of shape ${formatShape(shape)}, got ${spec.dtype} of shape ${formatShape(spec.shape)}`);
    }
    accounted.add(name);
  }
}

const HEAD: Pick<KernelPCAJSON, 'format' | 'version'> = { format: 'autoencoders/kernel-pca', version: 1 };

/**
 * Rebuilds the Kernel PCA of a document checked by {@link checkKernelPcaSpecs}, through
 * `KernelPCA.fromJSON`, which checks every value.
 * @internal
 */
export function buildKernelPca(config: JsonObject, specs: ReadonlyMap<string, WeightSpec>, data: ArrayBuffer, fn: string): KernelPCA {
  const options = own(config, 'options');
  const state = own(config, 'state');
  let json: unknown = { ...HEAD, options, state: null };
  if (isObject(state)) {
    const read = (short: ArrayName): number[] => Array.from(readValues(data, specs.get(`${KERNEL_PCA_PREFIX}/${short}`)!));
    const inverse = own(state, 'inverse');
    json = {
      ...HEAD,
      options,
      state: {
        solver: own(state, 'solver'),
        nSamples: own(state, 'nSamples'),
        nFeatures: own(state, 'nFeatures'),
        nComponents: own(state, 'nComponents'),
        gamma: own(state, 'gamma'),
        xFit: read('xFit'),
        eigenvalues: read('eigenvalues'),
        eigenvectors: read('eigenvectors'),
        kernelRowMeans: read('kernelRowMeans'),
        kernelMean: own(state, 'kernelMean'),
        inverse: isObject(inverse) ? { gamma: own(inverse, 'gamma'), latent: read('inverseLatent'), dual: read('inverseDual') } : null,
      },
    };
  }
  try {
    return KernelPCA.fromJSON(json);
  } catch (e) {
    throw new Error(`${fn}: the Kernel PCA in the file is invalid: ${(e as Error).message}`);
  }
}
