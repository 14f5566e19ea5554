// Memory, input checks, construction errors and config round trips of the corruptors.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { composeCorruptors, corruptorFromConfig, gaussianNoise, maskingNoise, saltAndPepperNoise } from '../../src/noise/index.js';
import type { Corruptor, CorruptorConfig } from '../../src/noise/index.js';

const all = (): Record<string, Corruptor> => ({
  gaussian: gaussianNoise({ stddev: 0.1 }),
  'gaussian clipped': gaussianNoise({ stddev: 0.1, clip: [0, 1] }),
  'gaussian stddev 0': gaussianNoise({ stddev: 0 }),
  masking: maskingNoise({ rate: 0.4 }),
  'masking rate 0': maskingNoise({ rate: 0 }),
  'salt-and-pepper': saltAndPepperNoise({ rate: 0.4 }),
  compose: composeCorruptors(maskingNoise({ rate: 0.2 }), saltAndPepperNoise({ rate: 0.1 }), gaussianNoise({ stddev: 0.1 })),
  'from config': corruptorFromConfig({ kind: 'compose', corruptors: [{ kind: 'masking', rate: 0.5 }] }),
});

describe('corruptors: memory and inputs', () => {
  it.each(Object.entries(all()))('%s: leaves only its result in memory and never touches x', (_name, corrupt) => {
    const x = tf.randomUniform([6, 5], 0, 1, 'float32', 1);
    const i32 = tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32');
    const copy = Array.from(x.dataSync());
    for (const input of [x, i32]) {
      const before = tf.memory().numTensors;
      const y = corrupt(input, { seed: 2 });
      expect(tf.memory().numTensors - before).toBe(1);
      expect(y).not.toBe(input);
      expect(y.shape).toEqual(input.shape);
      expect(y.dtype).toBe('float32');
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(x.isDisposed).toBe(false);
    expect(Array.from(x.dataSync())).toEqual(copy);
    tf.dispose([x, i32]);
  });

  it('leaves nothing behind when the factories, composeCorruptors and corruptorFromConfig run', () => {
    const before = tf.memory().numTensors;
    all();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts a rank-1 batch and an empty batch', () => {
    const v = tf.ones([1000]);
    const masked = maskingNoise({ rate: 0.5 })(v, { seed: 3 }).dataSync();
    const zeros = masked.filter((e) => e === 0).length;
    expect(zeros).toBeGreaterThan(400); // one feature per sample: each masked with probability 0.5
    expect(zeros).toBeLessThan(600);
    const empty = tf.zeros([0, 4]);
    for (const corrupt of Object.values(all())) {
      const y = corrupt(empty, { seed: 4 });
      expect(y.shape).toEqual([0, 4]);
      y.dispose();
    }
    tf.dispose([v, empty]);
  });

  it('throws a TypeError for a non-tensor x and rejects scalars and bad seeds', () => {
    const corrupt = maskingNoise({ rate: 0.1 });
    const x = tf.ones([2, 2]);
    const s = tf.scalar(1);
    expect(() => corrupt([[1, 2]] as never)).toThrow(TypeError);
    expect(() => corrupt([[1, 2]] as never)).toThrow("maskingNoise: argument 'x' must be a tf.Tensor, got an array of length 1");
    expect(() => gaussianNoise({ stddev: 1 })(s)).toThrow("gaussianNoise: argument 'x' must be a tensor of rank >= 1 with the batch on the first axis");
    expect(() => corrupt(x, { seed: 1.5 })).toThrow("maskingNoise: argument 'options.seed' must be an integer, got the number 1.5");
    expect(() => corrupt(x, { seed: '7' as never })).toThrow(TypeError);
    expect(() => corrupt(x, { sead: 7 } as never)).toThrow("maskingNoise: unknown option 'sead'");
    tf.dispose([x, s]);
  });
});

describe('corruptors: construction', () => {
  it('throws at construction for bad parameters, naming the parameter and the value', () => {
    expect(() => maskingNoise({ rate: 1.5 })).toThrow("maskingNoise: argument 'options.rate' must be a finite number >= 0 <= 1, got the number 1.5");
    expect(() => maskingNoise({ rate: -0.1 })).toThrow("argument 'options.rate' must be a finite number >= 0 <= 1, got the number -0.1");
    expect(() => maskingNoise({ rate: NaN })).toThrow("maskingNoise: argument 'options.rate' must be a finite number >= 0 <= 1, got the number NaN");
    expect(() => saltAndPepperNoise({ rate: 2 })).toThrow("saltAndPepperNoise: argument 'options.rate' must be a finite number >= 0 <= 1, got the number 2");
    expect(() => saltAndPepperNoise({ rate: 0.1, low: 1, high: 0 })).toThrow(
      "saltAndPepperNoise: arguments 'options.low' and 'options.high' must satisfy low <= high, got low 1 and high 0",
    );
    expect(() => gaussianNoise({ stddev: -1 })).toThrow("gaussianNoise: argument 'options.stddev' must be a finite number >= 0, got the number -1");
    expect(() => gaussianNoise({ stddev: 1, clip: [1, 0] })).toThrow("gaussianNoise: argument 'options.clip' must be [low, high] with low <= high, got [1, 0]");
    expect(() => gaussianNoise({ stddev: 1, clip: [0] as never })).toThrow(TypeError);
    expect(() => gaussianNoise({ stddev: 1, clip: [0, Infinity] })).toThrow("gaussianNoise: argument 'options.clip[1]' must be a finite number, got the number Infinity");
    expect(() => gaussianNoise({ stdev: 1 } as never)).toThrow("gaussianNoise: unknown option 'stdev'");
    expect(() => gaussianNoise(undefined as never)).toThrow(TypeError);
    expect(() => composeCorruptors()).toThrow("composeCorruptors: argument 'corruptors' must be between 1 and 64 corruptors, got an array of length 0");
    expect(() => composeCorruptors(maskingNoise({ rate: 0.1 }), ((x: tf.Tensor) => x) as never)).toThrow(TypeError);
    expect(() => composeCorruptors(maskingNoise({ rate: 0.1 }), ((x: tf.Tensor) => x) as never)).toThrow("composeCorruptors: argument 'corruptors[1]' must be a corruptor");
  });

  it('exposes a frozen, read-only config', () => {
    const g = gaussianNoise({ stddev: 0.3, clip: [0, 1] });
    expect(g.config).toEqual({ kind: 'gaussian', stddev: 0.3, clip: [0, 1] });
    expect(gaussianNoise({ stddev: 0.3 }).config).toEqual({ kind: 'gaussian', stddev: 0.3 });
    expect(maskingNoise({ rate: 0.2 }).config).toEqual({ kind: 'masking', rate: 0.2 });
    expect(saltAndPepperNoise({ rate: 0.2 }).config).toEqual({ kind: 'salt-and-pepper', rate: 0.2, low: 0, high: 1 });
    const c = composeCorruptors(g, maskingNoise({ rate: 0.2 }));
    expect(c.config).toEqual({ kind: 'compose', corruptors: [g.config, { kind: 'masking', rate: 0.2 }] });
    expect(() => {
      (g as { config: unknown }).config = {};
    }).toThrow(TypeError);
    expect(Object.isFrozen(g.config) && Object.isFrozen(g.config.clip) && Object.isFrozen(c.config.corruptors)).toBe(true);
  });

  it('does not keep the caller\'s options object or clip array', () => {
    const clip: [number, number] = [0, 1];
    const g = gaussianNoise({ stddev: 0.3, clip });
    clip[1] = 5;
    expect(g.config.clip).toEqual([0, 1]);
  });
});

describe('corruptorFromConfig', () => {
  it('rebuilds every corruptor from its JSON config, giving the same output for the same seed', () => {
    const x = tf.randomUniform([8, 30], 0, 1, 'float32', 5);
    for (const corrupt of Object.values(all())) {
      const json = JSON.stringify(corrupt.config);
      const rebuilt = corruptorFromConfig(JSON.parse(json));
      expect(JSON.stringify(rebuilt.config)).toBe(json);
      const [a, b] = [corrupt(x, { seed: 6 }), rebuilt(x, { seed: 6 })];
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
    }
    x.dispose();
  });

  it('rejects untrusted configs, naming the field path and the value', () => {
    const bad: [unknown, string | RegExp | (new () => Error)][] = [
      [null, TypeError],
      ['masking', TypeError],
      [[{ kind: 'masking', rate: 0.1 }], TypeError],
      [{ rate: 0.1 }, "corruptorFromConfig: argument 'config.kind' must be one of 'gaussian', 'masking', 'salt-and-pepper', 'compose', got undefined"],
      [{ kind: 'dropout', rate: 0.1 }, "argument 'config.kind' must be one of 'gaussian', 'masking', 'salt-and-pepper', 'compose', got the string \"dropout\""],
      [{ kind: 'masking', rate: 0.1, extra: 1 }, "corruptorFromConfig: unknown option 'extra' in 'config'"],
      [{ kind: 'masking', rate: '0.1' }, "corruptorFromConfig: argument 'config.rate' must be a finite number >= 0 <= 1, got the string \"0.1\""],
      [{ kind: 'gaussian', stddev: 1, clip: [2, 1] }, "corruptorFromConfig: argument 'config.clip' must be [low, high] with low <= high, got [2, 1]"],
      [{ kind: 'compose', corruptors: [] }, "corruptorFromConfig: argument 'config.corruptors' must be between 1 and 64 configs"],
      [{ kind: 'compose', corruptors: {} }, TypeError],
      [
        { kind: 'compose', corruptors: [{ kind: 'masking', rate: 0.1 }, { kind: 'salt-and-pepper', rate: 3 }] },
        "corruptorFromConfig: argument 'config.corruptors[1].rate' must be a finite number >= 0 <= 1, got the number 3",
      ],
      [JSON.parse('{"kind":"masking","rate":0.1,"__proto__":{"polluted":true}}'), "unknown option '__proto__'"],
    ];
    for (const [config, expected] of bad) expect(() => corruptorFromConfig(config), JSON.stringify(config)).toThrow(expected);
    let deep: unknown = { kind: 'masking', rate: 0.1 };
    for (let i = 0; i < 9; i++) deep = { kind: 'compose', corruptors: [deep] };
    expect(() => corruptorFromConfig(deep)).toThrow('a composition nested at most 8 levels deep');
    const many = { kind: 'compose', corruptors: Array.from({ length: 65 }, () => ({ kind: 'masking', rate: 0 })) };
    expect(() => corruptorFromConfig(many)).toThrow('between 1 and 64 configs');
  });

  it('keeps a copy, not the config object it was given', () => {
    const input: { kind: 'masking'; rate: number } = { kind: 'masking', rate: 0.1 };
    const corrupt = corruptorFromConfig(input);
    input.rate = 0.9;
    expect(corrupt.config).toEqual({ kind: 'masking', rate: 0.1 });
    expect(corrupt.config).not.toBe(input);
  });

  it('types the config of each factory', () => {
    const configs: CorruptorConfig[] = [gaussianNoise({ stddev: 1 }).config, composeCorruptors(maskingNoise({ rate: 0 })).config];
    const rate: number = maskingNoise({ rate: 0.5 }).config.rate;
    expect([configs.length, rate]).toEqual([2, 0.5]);
  });
});
