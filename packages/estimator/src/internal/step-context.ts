/** The RunContext the Estimator's loops hand their hooks each step, and the stop flag behind it. */
import type { FetchedValue, Mode, RunContext, ScalarWriter } from '@estimatorjs/hooks';

/** Whether a hook asked the loop to stop, and why (the first reason wins). */
export class StopFlag {
  reason: string | null = null;
}

/**
 * The RunContext of one step. A class with lazy `lastValues` rather than an object literal with a spread and a
 * getter: two are made every step, and few hooks look at the previous step's values.
 */
export class StepContext implements RunContext {
  private values: Readonly<Record<string, FetchedValue>> | null = null;
  constructor(
    readonly mode: Mode,
    readonly globalStep: number,
    readonly modelDir: string,
    readonly summaryWriter: ScalarWriter | undefined,
    private readonly lastValuesByName: ReadonlyMap<string, FetchedValue>,
    private readonly stop: StopFlag,
    readonly stopAtStep?: number,
  ) {}
  get lastValues(): Readonly<Record<string, FetchedValue>> {
    this.values ??= Object.fromEntries(this.lastValuesByName);
    return this.values;
  }
  // a property, so hooks may pass it around unbound
  readonly requestStop = (reason?: string): void => {
    this.stop.reason ??= reason ?? 'stop requested';
  };
  get stopRequested(): boolean {
    return this.stop.reason !== null;
  }
}
