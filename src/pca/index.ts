export { PCA } from './pca.js';
export type { PCAOptions, PCASolver, PCAInput, PCAOutput, PCAScores, PCAMatrix } from './pca.js';
export type { PCAJSON, PCAOptionsJSON, PCAStateJSON } from './json.js';
export type { FittedSolver as PCAFittedSolver } from './solvers.js';
