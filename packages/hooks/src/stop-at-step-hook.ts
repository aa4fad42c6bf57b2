import { HookError } from './errors.js';
import type { Hook, RunContext, SessionContext } from './hook.js';
import { checkHookOptions } from './internal/check-hook-options.js';

/** `{numSteps}` counts from the global step at `begin`; `{lastStep}` is absolute. */
export type StopAtStepOptions = { readonly numSteps: number } | { readonly lastStep: number };

/**
 * Requests a stop once the global step reaches a limit (TF's `StopAtStepHook`).
 * @example
 *   await estimator.train(inputFn, { hooks: [new StopAtStepHook({ numSteps: 100 })] });
 */
export class StopAtStepHook implements Hook {
  readonly key = 'StopAtStepHook';
  private lastStep: number | null;
  private readonly numSteps: number | null;

  constructor(options: StopAtStepOptions) {
    checkHookOptions('new StopAtStepHook()', options, ['numSteps', 'lastStep']);
    const n = 'numSteps' in options ? options.numSteps : options.lastStep;
    if (!(Number.isInteger(n) && n >= 0)) {
      throw new HookError(
        'INVALID_ARGUMENT',
        `StopAtStepHook: expected {numSteps} or {lastStep} as an integer >= 0. Received ${JSON.stringify(options)}.`,
      );
    }
    this.numSteps = 'numSteps' in options ? options.numSteps : null;
    this.lastStep = 'lastStep' in options ? options.lastStep : null;
  }

  /** The absolute step at which this hook stops training (known after `begin`). */
  get stopStep(): number | null {
    return this.lastStep;
  }

  begin(ctx: SessionContext): void {
    if (this.numSteps !== null) this.lastStep = ctx.globalStep + this.numSteps;
  }

  afterRun(ctx: RunContext): void {
    if (this.lastStep !== null && ctx.globalStep >= this.lastStep) ctx.requestStop(`reached step ${this.lastStep}`);
  }
}
