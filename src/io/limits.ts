/**
 * The format name, version and size limits of saved model files.
 * @module
 */

/** The `format` field of a saved model document. @internal */
export const MODEL_FORMAT = 'autoencoders/model';

/** The `version` this release writes: `"major.minor"`. It reads every `1.x`. @internal */
export const MODEL_FORMAT_VERSION = '1.0';

/** The major version this release reads. @internal */
export const MODEL_FORMAT_MAJOR = 1;

/**
 * The limits {@link loadModel} and {@link loadTrainingState} apply to a file before they
 * allocate anything for it. A file beyond one of them is rejected with an error naming the limit.
 *
 * - `maxModelJsonLength`: characters of `model.json` (32 Mi);
 * - `maxWeightBytes`: bytes of `weights.bin`, i.e. the sum of the declared weight sizes (1 GiB);
 *   lower it per call with `LoadOptions.maxWeightBytes`;
 * - `maxJsonDepth`: nesting depth of the JSON document (64);
 * - `maxJsonValues`: values (objects, arrays, strings, numbers…) in the document (2²⁰);
 * - `maxStringLength`: characters of any one string in the document (4096);
 * - `maxLayers`: layers of one network (1024);
 * - `maxWeights`: entries of the weights manifest (16 384);
 * - `maxDimension`: any dimension of a declared or inferred shape (2³¹ − 1);
 * - `maxActivationValues`: values of one sample's output of any layer, as inferred from the
 *   configs (2²⁸), so that a network cannot make a small input grow huge inside.
 *
 * @category I/O
 * @example
 * ```ts
 * MODEL_FILE_LIMITS.maxWeightBytes; //=> 1073741824
 * ```
 */
export const MODEL_FILE_LIMITS = {
  maxModelJsonLength: 0x2000000, // 2²⁵ (literals: bundlers keep module-scope `**`)
  maxWeightBytes: 0x40000000, // 2³⁰
  maxJsonDepth: 64,
  maxJsonValues: 0x100000, // 2²⁰
  maxStringLength: 4096,
  maxLayers: 1024,
  maxWeights: 16384,
  maxDimension: 0x7fffffff, // 2³¹ − 1
  maxActivationValues: 0x10000000, // 2²⁸
} as const;
