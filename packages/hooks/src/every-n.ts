import { HookError } from './errors.js';

/** A schedule: every N steps or every N seconds (one of them, never both). */
export type Every = { readonly steps: number } | { readonly secs: number };

/**
 * Decides when a periodic action is due (TF's `SecondOrStepTimer`). It triggers on the first step it
 * sees, then whenever `steps` global steps or `secs` seconds have passed since the last trigger.
 * @example
 *   const timer = everyN({ steps: 100 });
 *   if (timer.shouldTrigger(step)) { log(); timer.markTriggered(step); }
 */
export class EveryN {
  readonly every: Every;
  private lastStep: number | null = null;
  private lastTime: number | null = null;

  constructor(
    every: Every,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    const n = 'steps' in every ? every.steps : every.secs;
    if (!(Number.isFinite(n) && n > 0)) {
      throw new HookError(
        'INVALID_SCHEDULE',
        `everyN(): expected {steps: n} or {secs: n} with n > 0. Received ${JSON.stringify(every)}.`,
      );
    }
    this.every = every;
  }

  /** True when the action is due at global step `step`. */
  shouldTrigger(step: number): boolean {
    if (this.lastStep === null) return true;
    if (step === this.lastStep) return false;
    if ('steps' in this.every) return step >= this.lastStep + this.every.steps;
    return this.now() >= (this.lastTime ?? 0) + this.every.secs;
  }

  /** Records a trigger at `step`; returns the seconds and steps since the previous one (null the first time). */
  markTriggered(step: number): { elapsedSecs: number; elapsedSteps: number } | null {
    const t = this.now();
    const prev =
      this.lastStep === null ? null : { elapsedSecs: t - (this.lastTime ?? t), elapsedSteps: step - this.lastStep };
    this.lastStep = step;
    this.lastTime = t;
    return prev;
  }

  /** The step of the last trigger, or null. */
  get lastTriggeredStep(): number | null {
    return this.lastStep;
  }

  reset(): void {
    this.lastStep = null;
    this.lastTime = null;
  }
}

/**
 * Creates an {@link EveryN} timer.
 * @example
 *   const timer = everyN({ secs: 60 });
 *   if (timer.shouldTrigger(step)) timer.markTriggered(step);
 */
export function everyN(every: Every): EveryN {
  return new EveryN(every);
}
