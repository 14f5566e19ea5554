export { GaussianMixture } from './gaussian-mixture.js';
export type { GaussianMixtureCovariances } from './gaussian-mixture.js';
export type { GaussianMixtureOptions, GaussianMixtureInput } from './options.js';
export type { GaussianMixtureSample } from './sample.js';
export type { GaussianMixtureJSON, GaussianMixtureOptionsJSON, GaussianMixtureStateJSON } from './json.js';
