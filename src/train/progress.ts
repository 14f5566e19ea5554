import type * as CliProgress from 'cli-progress';
import type { EpochLog } from './types.js';

/**
 * Progress reporting for `train({ progress: true })`: a live cli-progress bar when Node's
 * stdout is a terminal, else one line per epoch through `console.log`. cli-progress is
 * loaded with a dynamic `import()` of a computed specifier, only on the bar path, so that
 * browser bundles never see it (nor the Node built-ins it requires).
 */

/** @internal */
export interface ProgressReporter {
  epochBegin(epoch: number, totalSamples: number | undefined): void;
  batch(samplesDone: number, meanLoss: number, samplesPerSecond: number): void;
  epochEnd(log: EpochLog): void;
  close(): void;
}

/** A writable terminal, as far as the bar needs one. @internal */
export interface TerminalLike {
  readonly isTTY?: boolean;
  write(chunk: string): boolean;
}

/** Where progress goes; tests pass their own. @internal */
export interface ProgressTarget {
  /** A terminal for the bar; `undefined` (or not a TTY) gives one line per epoch. */
  readonly terminal: TerminalLike | undefined;
  /** Prints one line. */
  readonly log: (line: string) => void;
  /** Loads cli-progress; resolves `undefined` when it cannot be loaded. */
  readonly loadBar: () => Promise<typeof CliProgress | undefined>;
}

async function loadCliProgress(): Promise<typeof CliProgress | undefined> {
  // A computed specifier (built here, not at module scope), so that bundlers leave this import alone.
  const specifier = ['cli', 'progress'].join('-');
  try {
    const mod = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as Partial<typeof CliProgress> & {
      default?: typeof CliProgress;
    };
    if (typeof mod.SingleBar === 'function') return mod as typeof CliProgress;
    return typeof mod.default?.SingleBar === 'function' ? mod.default : undefined;
  } catch {
    return undefined;
  }
}

/** The environment's target: Node's stdout when it is a terminal, `console.log` for lines. @internal */
export function defaultProgressTarget(): ProgressTarget {
  const proc = (globalThis as { process?: { versions?: { node?: string }; stdout?: TerminalLike } }).process;
  const isNode = typeof proc?.versions?.node === 'string';
  const stdout = isNode ? proc?.stdout : undefined;
  return {
    terminal: stdout?.isTTY === true ? stdout : undefined,
    log: (line) => {
      console.log(line);
    },
    loadBar: loadCliProgress,
  };
}

/** Formats a loss for humans: 5 significant digits, exponent form when very small or large. @internal */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(4);
  return String(Number(v.toPrecision(5)));
}

function formatTerms(prefix: string, terms: Readonly<Record<string, number>> | undefined): string[] {
  if (terms === undefined) return [];
  return Object.entries(terms).map(([k, v]) => `${prefix}${k}: ${formatValue(v)}`);
}

/**
 * The one-line summary of an epoch, Keras-style:
 * `Epoch 3/10 - loss: 0.12345 - kl: 0.01 - val_loss: 0.13 - 1.2s - 5120 samples/s`.
 * @internal
 */
export function formatEpochLine(log: EpochLog, epochs: number): string {
  const parts = [`Epoch ${log.epoch + 1}/${epochs}`, `loss: ${formatValue(log.loss)}`, ...formatTerms('', log.terms)];
  if (log.valLoss !== undefined) parts.push(`val_loss: ${formatValue(log.valLoss)}`, ...formatTerms('val_', log.valTerms));
  parts.push(`${log.seconds.toFixed(log.seconds < 10 ? 2 : 1)}s`, `${Math.round(log.samplesPerSecond)} samples/s`);
  return parts.join(' - ');
}

function lineReporter(epochs: number, log: (line: string) => void): ProgressReporter {
  return {
    epochBegin: () => undefined,
    batch: () => undefined,
    epochEnd: (epochLog) => {
      log(formatEpochLine(epochLog, epochs));
    },
    close: () => undefined,
  };
}

function barReporter(epochs: number, lib: typeof CliProgress, terminal: TerminalLike, log: (line: string) => void): ProgressReporter {
  const bar = new lib.SingleBar({
    format: 'Epoch {epochLabel} [{bar}] {value}/{total} | loss: {loss} | {speed} samples/s | ETA {eta_formatted}',
    barCompleteChar: '=',
    barIncompleteChar: ' ',
    hideCursor: true,
    clearOnComplete: true,
    stopOnComplete: false,
    etaBuffer: 50,
    fps: 10,
    stream: terminal as unknown as NodeJS.WritableStream,
  });
  let active = false;
  let lastTotal = 0;
  let unknownTotal = false;
  const stop = (): void => {
    if (active) bar.stop();
    active = false;
  };
  return {
    epochBegin: (epoch, totalSamples) => {
      stop();
      unknownTotal = totalSamples === undefined;
      const total = totalSamples ?? lastTotal;
      bar.start(total, 0, { epochLabel: `${epoch + 1}/${epochs}`, loss: '-', speed: '-' });
      active = true;
    },
    batch: (samplesDone, meanLoss, samplesPerSecond) => {
      if (!active) return;
      if (unknownTotal && samplesDone > bar.getTotal()) bar.setTotal(samplesDone);
      bar.update(samplesDone, { loss: formatValue(meanLoss), speed: String(Math.round(samplesPerSecond)) });
    },
    epochEnd: (epochLog) => {
      if (active) lastTotal = bar.getTotal();
      stop();
      log(formatEpochLine(epochLog, epochs));
    },
    close: stop,
  };
}

/**
 * A progress reporter for `epochs` epochs on `target`: a bar when the target has a
 * terminal and cli-progress loads, else one line per epoch.
 * @internal
 */
export async function createProgress(epochs: number, target: ProgressTarget = defaultProgressTarget()): Promise<ProgressReporter> {
  if (target.terminal?.isTTY === true) {
    const lib = await target.loadBar();
    if (lib !== undefined) return barReporter(epochs, lib, target.terminal, target.log);
  }
  return lineReporter(epochs, target.log);
}
