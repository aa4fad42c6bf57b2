/** Live charts of training loss and eval accuracy (uPlot). */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A line chart of one series over the global step. */
export class StepChart {
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private readonly plot: uPlot;
  private pending = false;

  constructor(root: HTMLElement, label: string, color: string) {
    const opts: uPlot.Options = {
      width: 420,
      height: 200,
      scales: { x: { time: false } },
      axes: [{ label: 'global step' }, { label }],
      series: [{ label: 'step' }, { label, stroke: color, width: 2, points: { show: true, size: 4 } }],
    };
    this.plot = new uPlot(opts, [[], []], root);
  }

  /** Adds a point (an earlier step replaces the history after it, as after a resume from an older checkpoint). */
  add(step: number, value: number): void {
    while (this.xs.length > 0 && this.xs[this.xs.length - 1]! >= step) {
      this.xs.pop();
      this.ys.pop();
    }
    this.xs.push(step);
    this.ys.push(value);
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.plot.setData([this.xs, this.ys]);
    });
  }

  /** The points so far, as `[step, value]` pairs. */
  points(): [number, number][] {
    return this.xs.map((x, i) => [x, this.ys[i]!]);
  }
}
