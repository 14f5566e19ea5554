export { GaussianMixture } from './gaussian-mixture.js';
export type { GaussianMixtureOptions, GaussianMixtureInput, GaussianMixtureSample, GaussianMixtureCovariances } from './gaussian-mixture.js';
export type { GaussianMixtureJSON, GaussianMixtureOptionsJSON, GaussianMixtureStateJSON } from './json.js';
