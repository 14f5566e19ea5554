import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress, formatEpochLine, formatValue } from '../../src/train/progress.js';
import type { ProgressTarget, TerminalLike } from '../../src/train/progress.js';
import { train } from '../../src/train/index.js';
import type { EpochLog } from '../../src/train/index.js';
import { createYielder } from '../../src/train/yield.js';
import { linearAutoencoder, makeRows } from './helpers.js';

const log: EpochLog = {
  epoch: 2,
  loss: 0.123456789,
  terms: { reconstruction: 0.1, kl: 0.023456789 },
  valLoss: 0.2,
  valTerms: { reconstruction: 0.15, kl: 0.05 },
  learningRate: 0.001,
  seconds: 1.234,
  samplesPerSecond: 5120.4,
};

function fakeTerminal(): TerminalLike & { output: string } {
  const terminal = {
    isTTY: true,
    columns: 120,
    output: '',
    write(chunk: string) {
      terminal.output += chunk;
      return true;
    },
  };
  return terminal;
}

describe('progress formatting', () => {
  it('prints one Keras-style line per epoch with terms, validation, time and throughput', () => {
    expect(formatEpochLine(log, 10)).toBe(
      'Epoch 3/10 - loss: 0.12346 - reconstruction: 0.1 - kl: 0.023457 - val_loss: 0.2 - val_reconstruction: 0.15 - val_kl: 0.05 - 1.23s - 5120 samples/s',
    );
  });

  it('formats very small and very large values in exponent form', () => {
    expect([formatValue(1.5e-7), formatValue(2.5e7), formatValue(0), formatValue(NaN)]).toEqual(['1.5000e-7', '2.5000e+7', '0', 'NaN']);
  });
});

describe('createProgress', () => {
  it('writes one line per epoch when there is no terminal', async () => {
    const lines: string[] = [];
    const target: ProgressTarget = { terminal: undefined, log: (l) => void lines.push(l), loadBar: () => Promise.reject(new Error('not used')) };
    const progress = await createProgress(10, target);
    progress.epochBegin(2, 100);
    progress.batch(50, 0.5, 1000);
    progress.epochEnd(log);
    progress.close();
    expect(lines).toEqual([formatEpochLine(log, 10)]);
  });

  it('draws a cli-progress bar on a terminal and still prints the epoch line', async () => {
    const terminal = fakeTerminal();
    const lines: string[] = [];
    const lib = await import('cli-progress');
    const progress = await createProgress(10, { terminal, log: (l) => void lines.push(l), loadBar: () => Promise.resolve(lib) });
    progress.epochBegin(2, 100);
    progress.batch(50, 0.5, 1000);
    progress.epochEnd(log);
    progress.close();
    expect(terminal.output).toContain('Epoch 3/10');
    expect(terminal.output).toContain('50/100');
    expect(terminal.output).toContain('loss: 0.5');
    expect(terminal.output).toContain('1000 samples/s');
    expect(lines).toEqual([formatEpochLine(log, 10)]);
  });

  it('falls back to lines when cli-progress cannot be loaded', async () => {
    const terminal = fakeTerminal();
    const lines: string[] = [];
    const progress = await createProgress(1, { terminal, log: (l) => void lines.push(l), loadBar: () => Promise.resolve(undefined) });
    progress.epochBegin(0, 10);
    progress.epochEnd({ ...log, epoch: 0 });
    expect(terminal.output).toBe('');
    expect(lines).toHaveLength(1);
  });
});

describe('train progress', () => {
  const isTTY = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  afterEach(() => {
    vi.restoreAllMocks();
    if (isTTY) Object.defineProperty(process.stdout, 'isTTY', isTTY);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  });

  it('prints nothing by default', async () => {
    const logSpy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const writeSpy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const model = linearAutoencoder({ features: 3 });
    await train(model, makeRows(16, 3), { epochs: 2, seed: 0 });
    expect(logSpy).not.toHaveBeenCalled();
    expect(writeSpy).not.toHaveBeenCalled();
    model.dispose();
  });

  it('prints one line per epoch when stdout is not a terminal', async () => {
    Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
    const logSpy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const model = linearAutoencoder({ features: 3 });
    await train(model, makeRows(16, 3), { epochs: 2, seed: 0, progress: true });
    expect(logSpy.mock.calls.map((c) => String(c[0]).slice(0, 18))).toEqual(['Epoch 1/2 - loss: ', 'Epoch 2/2 - loss: ']);
    model.dispose();
  });

  it('draws a bar on stdout when it is a terminal, loading cli-progress on demand', async () => {
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    const logSpy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    let written = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
    const model = linearAutoencoder({ features: 3 });
    await train(model, makeRows(64, 3), { epochs: 2, batchSize: 8, seed: 0, progress: true });
    expect(written).toContain('Epoch 1/2 [');
    expect(written).toContain('samples/s');
    expect(logSpy).toHaveBeenCalledTimes(2);
    model.dispose();
  });
});

describe('yielding to the event loop', () => {
  it('gives a macrotask only once the interval has passed', async () => {
    expect(createYielder(1e9)()).toBeUndefined();
    const pause = createYielder(0)();
    expect(pause).toBeInstanceOf(Promise);
    await pause;
  });

  it('lets timers run while a long training is in progress', async () => {
    const model = linearAutoencoder({ features: 3 });
    let done = false;
    let timerRanDuringTraining = false;
    setTimeout(() => {
      timerRanDuringTraining = !done;
    }, 0);
    await train(model, makeRows(200, 3), { epochs: 1, batchSize: 2, seed: 0 });
    done = true;
    expect(timerRanDuringTraining).toBe(true);
    model.dispose();
  });
});
