// A live loss chart on a canvas: batch losses as a thin line, epoch means as dots.

export class LossChart {
  readonly #ctx: CanvasRenderingContext2D;
  readonly #batches: number[] = [];
  readonly #epochs: { at: number; loss: number; valLoss?: number }[] = [];
  #totalBatches = 1;
  #pending = false;

  constructor(readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('LossChart: the canvas has no 2D context');
    this.#ctx = ctx;
    this.draw();
  }

  /** Starts a new run of `totalBatches` batches (sets the x axis). */
  reset(totalBatches: number): void {
    this.#batches.length = 0;
    this.#epochs.length = 0;
    this.#totalBatches = Math.max(1, totalBatches);
    this.schedule();
  }

  addBatch(loss: number): void {
    this.#batches.push(loss);
    this.schedule();
  }

  addEpoch(loss: number, valLoss?: number): void {
    this.#epochs.push(valLoss === undefined ? { at: this.#batches.length, loss } : { at: this.#batches.length, loss, valLoss });
    this.schedule();
  }

  /** Redraws on the next animation frame (at most once a frame, however often losses come). */
  schedule(): void {
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => {
      this.#pending = false;
      this.draw();
    });
  }

  draw(): void {
    const ctx = this.#ctx;
    const { width, height } = this.canvas;
    const pad = { left: 52, right: 10, top: 10, bottom: 22 };
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = '#999';
    ctx.lineWidth = 1;
    ctx.strokeRect(pad.left + 0.5, pad.top + 0.5, width - pad.left - pad.right, height - pad.top - pad.bottom);
    ctx.fillStyle = '#333';
    ctx.font = '11px system-ui, sans-serif';
    const values = [...this.#batches, ...this.#epochs.flatMap((e) => (e.valLoss === undefined ? [e.loss] : [e.loss, e.valLoss]))].filter(Number.isFinite);
    if (values.length === 0) {
      ctx.fillText('loss per batch (line) and per epoch (dots) appear here while training', pad.left + 8, height / 2);
      return;
    }
    let lo = Math.min(...values);
    let hi = Math.max(...values);
    if (hi - lo < 1e-9) {
      hi += 0.5 * Math.abs(hi) + 1e-6;
      lo -= 0.5 * Math.abs(lo) + 1e-6;
    }
    const x = (i: number): number => pad.left + ((width - pad.left - pad.right) * i) / this.#totalBatches;
    const y = (v: number): number => pad.top + ((height - pad.top - pad.bottom) * (hi - v)) / (hi - lo);
    ctx.fillText(hi.toPrecision(3), 4, pad.top + 10);
    ctx.fillText(lo.toPrecision(3), 4, height - pad.bottom);
    ctx.fillText(`batch ${this.#batches.length} of ${this.#totalBatches}`, pad.left + 4, height - 6);
    ctx.strokeStyle = '#4a78c2';
    ctx.beginPath();
    this.#batches.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i + 1), y(v)) : ctx.lineTo(x(i + 1), y(v))));
    ctx.stroke();
    for (const e of this.#epochs) {
      ctx.fillStyle = '#c2410c';
      ctx.beginPath();
      ctx.arc(x(e.at), y(e.loss), 3.5, 0, 2 * Math.PI);
      ctx.fill();
      if (e.valLoss !== undefined) {
        ctx.fillStyle = '#15803d';
        ctx.beginPath();
        ctx.arc(x(e.at), y(e.valLoss), 3.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
}
