import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Builds a network from a checked topology with tfjs-layers (synchronously inside a `tf.tidy`);
 * when tfjs-layers fails, every variable it had made is disposed and the error names `fn` and
 * `what` (e.g. 'the encoder'). The weights are the initialiser's: the caller sets them from the
 * file, and disposes the network if that fails.
 * @internal
 */
export async function deserializeNetwork(topology: unknown, fn: string, what: string): Promise<tfl.LayersModel> {
  const registered = (): string[] => Object.keys(tf.engine().registeredVariables);
  const before = new Set(registered());
  let pending: Promise<tfl.LayersModel> | undefined;
  tf.tidy(() => {
    pending = tfl.models.modelFromJSON({ modelTopology: topology } as tfl.ModelAndWeightsConfig);
  });
  // modelFromJSON builds the layers before its first await: every variable made for them exists now.
  const created = registered().filter((name) => !before.has(name));
  try {
    return await pending!;
  } catch (e) {
    const variables = tf.engine().registeredVariables;
    for (const name of created) variables[name]?.dispose();
    throw new Error(`${fn}: tfjs-layers could not build ${what}: ${(e as Error).message}`);
  }
}
