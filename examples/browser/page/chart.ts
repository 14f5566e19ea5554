// The live loss chart of the page: the line chart spec of the Node examples (examples/shared/charts.ts),
// compiled by vega-lite and shown by a vega View in the page; losses stream in as changesets of the
// chart's data set, redrawn at most once an animation frame.
import { changeset, parse, View } from 'vega';
import { compile } from 'vega-lite';
import { LINE_DATA, lineChartSpec, PALETTE } from '../../shared/charts.js';

/** Legend names of the chart's curves. */
export const LOSS_SERIES = { batch: 'loss per batch', epoch: 'mean loss of the epoch', validation: 'validation loss' } as const;

/**
 * The chart's spec for a run of `totalBatches` batches (the x axis); the data comes later. With
 * `validation`, a third curve for validation losses.
 */
export function lossChartSpec(totalBatches: number, width = 640, height = 220, validation = false): ReturnType<typeof lineChartSpec> {
  return lineChartSpec({
    width,
    height,
    xLabel: 'batch',
    yLabel: 'loss',
    x: { min: 0, max: Math.max(1, totalBatches) },
    legend: 'top-right',
    series: [
      { name: LOSS_SERIES.batch, points: [], width: 1.5, markers: false, color: PALETTE[0]! },
      { name: LOSS_SERIES.epoch, points: [], width: 2, markers: true, color: PALETTE[1]! },
      ...(validation ? [{ name: LOSS_SERIES.validation, points: [], width: 2, markers: true, color: PALETTE[2]! }] : []),
    ],
  });
}

interface Row {
  readonly series: string;
  readonly x: number;
  readonly y: number;
  readonly order: number;
}

export class LossChart {
  #view: View | undefined;
  #pendingRows: Row[] = [];
  #batches = 0;
  #epochs = 0;
  #scheduled = false;
  /** Resolves when the latest redraw has finished (tests and callers may await it). */
  #drawn: Promise<void> = Promise.resolve();

  /** With `validation`, the chart has a curve for the validation losses given to {@link addEpoch}. */
  constructor(
    readonly container: HTMLElement,
    readonly validation = false,
  ) {
    this.reset(1);
  }

  /** Starts a new run of `totalBatches` batches (sets the x axis), with an empty chart. */
  reset(totalBatches: number): void {
    this.#view?.finalize();
    this.#pendingRows = [];
    this.#batches = 0;
    this.#epochs = 0;
    const spec = compile(lossChartSpec(totalBatches, Math.max(320, this.container.clientWidth || 640), 220, this.validation)).spec;
    const view = new View(parse(spec), { renderer: 'svg', container: this.container, hover: false });
    this.#view = view;
    this.container.dataset['points'] = '0';
    this.#drawn = view.runAsync().then(() => undefined);
  }

  addBatch(loss: number): void {
    this.#batches++;
    if (Number.isFinite(loss)) this.#push({ series: LOSS_SERIES.batch, x: this.#batches, y: loss, order: this.#batches });
  }

  addEpoch(loss: number, valLoss?: number): void {
    this.#epochs++;
    if (Number.isFinite(loss)) this.#push({ series: LOSS_SERIES.epoch, x: this.#batches, y: loss, order: this.#epochs });
    if (this.validation && valLoss !== undefined && Number.isFinite(valLoss)) this.#push({ series: LOSS_SERIES.validation, x: this.#batches, y: valLoss, order: this.#epochs });
  }

  /** Resolves once everything added so far is drawn. */
  async drawn(): Promise<void> {
    await this.#drawn;
  }

  #push(row: Row): void {
    this.#pendingRows.push(row);
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      this.draw();
    });
  }

  /** Hands the losses added since the last redraw to the view and redraws it. */
  draw(): void {
    const view = this.#view;
    if (view === undefined || this.#pendingRows.length === 0) return;
    const rows = this.#pendingRows;
    this.#pendingRows = [];
    const shown = Number(this.container.dataset['points'] ?? '0') + rows.length;
    this.#drawn = this.#drawn
      .then(() => view.change(LINE_DATA, changeset().insert(rows)).runAsync())
      .then(() => {
        if (this.#view === view) this.container.dataset['points'] = String(shown);
      });
  }
}
