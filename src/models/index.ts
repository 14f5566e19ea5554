export type { Batch, LossContext, LossOutput, TrainableModel } from './contract.js';
