/**
 * The Kernel PCA document format (`'autoencoders/kernel-pca'`, version 1) and its validation:
 * `fromJSON` input is untrusted, so types, lengths against declared shapes, the sample limit
 * and unit eigenvectors are checked, unknown fields rejected, and values copied key by key.
 * @internal
 */
import { documentChecks, type DocumentChecks } from './check.js';
import { KERNEL_PCA_MAX_SAMPLES, type KernelPCAOptionsJSON, type KernelState } from './kernel-fit.js';
import { PCA_MAX_COMPONENT_VALUES, PCA_MAX_JSON_LENGTH } from './json.js';

/** The `format` field of a Kernel PCA document. */
export const KERNEL_PCA_FORMAT = 'autoencoders/kernel-pca';
/** The `version` this release writes and reads. */
export const KERNEL_PCA_FORMAT_VERSION = 1;

/**
 * The fitted part of a {@link KernelPCAJSON} document; matrices flat, row-major.
 * @category PCA
 */
export interface KernelPCAStateJSON {
  solver: 'dense' | 'randomized';
  nSamples: number;
  nFeatures: number;
  nComponents: number;
  /** γ used on the data (resolved from the option or `1/nFeatures`). */
  gamma: number;
  /** The training rows, `nSamples × nFeatures`. */
  xFit: number[];
  eigenvalues: number[];
  /** `nComponents × nSamples`. */
  eigenvectors: number[];
  /** Column means of the training kernel, `nSamples`. */
  kernelRowMeans: number[];
  kernelMean: number;
  /** With `fitInverseTransform`: γ on the embedding, the embedding (`nSamples × nComponents`) and the dual coefficients (`nSamples × nFeatures`). */
  inverse: { gamma: number; latent: number[]; dual: number[] } | null;
}

/**
 * A Kernel PCA as a plain JSON-safe object: written by `KernelPCA.toJSON()`, read by
 * `KernelPCA.fromJSON()`. `state` is `null` for a model never fitted. It holds the training
 * rows (the kernel needs them), so its size grows with `nSamples × nFeatures`.
 * @category PCA
 */
export interface KernelPCAJSON {
  format: typeof KERNEL_PCA_FORMAT;
  version: typeof KERNEL_PCA_FORMAT_VERSION;
  options: KernelPCAOptionsJSON;
  state: KernelPCAStateJSON | null;
}

const FN = 'KernelPCA.fromJSON';

/** The document of a model. @internal */
export function toKernelDocument(options: KernelPCAOptionsJSON, s: KernelState | null): KernelPCAJSON {
  return {
    format: KERNEL_PCA_FORMAT,
    version: KERNEL_PCA_FORMAT_VERSION,
    options: { ...options },
    state:
      s === null
        ? null
        : {
            solver: s.solver,
            nSamples: s.nSamples,
            nFeatures: s.nFeatures,
            nComponents: s.nComponents,
            gamma: s.gamma,
            xFit: Array.from(s.xFit),
            eigenvalues: Array.from(s.eigenvalues),
            eigenvectors: Array.from(s.eigenvectors),
            kernelRowMeans: Array.from(s.centering.rows),
            kernelMean: s.centering.all,
            inverse: s.inverse === null ? null : { gamma: s.inverse.gamma, latent: Array.from(s.inverse.latent), dual: Array.from(s.inverse.dual) },
          },
  };
}

/** Parses (if a string) and checks a document; the options are checked again by the constructor. @internal */
export function parseKernelDocument(json: unknown): { options: Record<string, unknown>; state: KernelState | null } {
  const c: DocumentChecks = documentChecks(FN);
  let doc: unknown = json;
  if (typeof json === 'string') {
    if (json.length > PCA_MAX_JSON_LENGTH) throw new Error(`${FN}: the JSON string is ${json.length} characters long, more than the limit of ${PCA_MAX_JSON_LENGTH}`);
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new Error(`${FN}: the string is not valid JSON (${(e as Error).message})`);
    }
  }
  const o = c.record(doc, '(document)');
  if (c.own(o, 'format') !== KERNEL_PCA_FORMAT) c.bad('format', `'${KERNEL_PCA_FORMAT}' (this is not a Kernel PCA document)`, c.own(o, 'format'));
  if (c.own(o, 'version') !== KERNEL_PCA_FORMAT_VERSION) c.bad('version', `${KERNEL_PCA_FORMAT_VERSION} (the version this release reads)`, c.own(o, 'version'));
  c.onlyKeys(o, ['format', 'version', 'options', 'state'], '');
  const opts = c.record(c.own(o, 'options'), 'options');
  const keys = ['nComponents', 'kernel', 'gamma', 'degree', 'coef0', 'fitInverseTransform', 'alpha', 'solver', 'seed'] as const;
  c.onlyKeys(opts, keys, 'options');
  const options: Record<string, unknown> = {};
  for (const key of keys) {
    const v = c.own(opts, key);
    if (v !== null && v !== undefined) options[key] = v;
  }
  const raw = c.own(o, 'state');
  if (raw === null) return { options, state: null };
  const s = c.record(raw, 'state');
  c.onlyKeys(s, ['solver', 'nSamples', 'nFeatures', 'nComponents', 'gamma', 'xFit', 'eigenvalues', 'eigenvectors', 'kernelRowMeans', 'kernelMean', 'inverse'], 'state');
  const solver = c.own(s, 'solver');
  if (solver !== 'dense' && solver !== 'randomized') c.bad('state.solver', "'dense' or 'randomized'", solver);
  const n = c.integer(c.own(s, 'nSamples'), 'state.nSamples', 2, KERNEL_PCA_MAX_SAMPLES);
  const d = c.integer(c.own(s, 'nFeatures'), 'state.nFeatures', 1, PCA_MAX_COMPONENT_VALUES);
  if (n * d > PCA_MAX_COMPONENT_VALUES) throw new Error(`${FN}: the document declares ${n} × ${d} training values, more than the limit of ${PCA_MAX_COMPONENT_VALUES}`);
  const k = c.integer(c.own(s, 'nComponents'), 'state.nComponents', 1, n);
  const gamma = c.finite(c.own(s, 'gamma'), 'state.gamma', 0);
  const xFit = c.numbers(c.own(s, 'xFit'), 'state.xFit', n * d);
  const eigenvalues = c.numbers(c.own(s, 'eigenvalues'), 'state.eigenvalues', k, 0);
  const eigenvectors = c.numbers(c.own(s, 'eigenvectors'), 'state.eigenvectors', k * n);
  for (let i = 0; i < k; i++) {
    let t = 0;
    for (let r = 0; r < n; r++) t += eigenvectors[i * n + r]! ** 2;
    if (Math.abs(Math.sqrt(t) - 1) > 1e-6) throw new Error(`${FN}: field 'state.eigenvectors' row ${i} must have unit length, has length ${Math.sqrt(t)}`);
  }
  const rows = c.numbers(c.own(s, 'kernelRowMeans'), 'state.kernelRowMeans', n);
  const all = c.finite(c.own(s, 'kernelMean'), 'state.kernelMean');
  const invRaw = c.own(s, 'inverse');
  let inverse: KernelState['inverse'] = null;
  if (invRaw !== null) {
    const inv = c.record(invRaw, 'state.inverse');
    c.onlyKeys(inv, ['gamma', 'latent', 'dual'], 'state.inverse');
    inverse = {
      gamma: c.finite(c.own(inv, 'gamma'), 'state.inverse.gamma', 0),
      latent: c.numbers(c.own(inv, 'latent'), 'state.inverse.latent', n * k),
      dual: c.numbers(c.own(inv, 'dual'), 'state.inverse.dual', n * d),
    };
  }
  return {
    options,
    state: { solver, nSamples: n, nFeatures: d, nComponents: k, gamma, xFit, eigenvalues, eigenvectors, centering: { rows, all }, inverse },
  };
}
