/**
 * The objective of a saved VAE or CVAE (`config.objective`), checked as untrusted input: every
 * field saveModel writes present, the values as the models' constructors check them, and the
 * config's β the objective's.
 * @internal
 */
import { type VariationalObjective, checkObjective, objectiveBeta } from '../models/index.js';
import { type JsonObject, bad, isObject, own } from './json.js';

/** The fields saveModel always writes for each objective kind (the optional ones apart). */
const SAVED_OBJECTIVE_KEYS: Readonly<Record<string, readonly string[]>> = {
  elbo: ['beta', 'freeBits'],
  iwae: ['samples'],
  'beta-tc': ['alpha', 'beta', 'gamma'],
  mmd: ['lambda', 'kernel'],
};

/**
 * The objective of a saved VAE/CVAE: `config.objective`, checked, whose β must be `config.beta`;
 * files without one (written before objectives existed) hold a β-VAE of `config.beta`.
 * @internal
 */
export function savedObjective(c: JsonObject, fn: string): { beta: number } | { objective: VariationalObjective } {
  const objective = own(c, 'objective');
  if (objective === undefined) return { beta: own(c, 'beta') as number };
  // saveModel writes the objective with its defaults filled in: a missing (or null) weight would
  // load as the constructor's default, i.e. as another model.
  const kind = isObject(objective) ? own(objective, 'kind') : undefined;
  const recorded = typeof kind === 'string' && Object.hasOwn(SAVED_OBJECTIVE_KEYS, kind) ? SAVED_OBJECTIVE_KEYS[kind]! : [];
  for (const key of recorded) {
    const value = own(objective as JsonObject, key);
    if (value === undefined || value === null) {
      throw new Error(`${fn}: field 'modelTopology.config.objective.${key}' is ${value === null ? 'null' : 'missing'} (a saved '${String(kind)}' objective records ${recorded.join(', ')})`);
    }
  }
  let checked: ReturnType<typeof checkObjective>;
  try {
    checked = checkObjective(objective, fn, 'modelTopology.config.objective');
  } catch (e) {
    throw new Error(`${fn}: field 'modelTopology.config.objective' is invalid: ${(e as Error).message.replace(`${fn}: `, '')}`);
  }
  const beta = objectiveBeta(checked);
  if (own(c, 'beta') !== beta) bad(fn, 'modelTopology.config.beta', `${beta} (the β of 'modelTopology.config.objective')`, own(c, 'beta'));
  return { objective: checked };
}
