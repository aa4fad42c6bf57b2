import { keysOf } from '@estimatorjs/errors';
import type { Every } from './every-n.js';
import { EveryN } from './every-n.js';
import type { Hook, RunContext, SessionContext } from './hook.js';
import { checkHookOptions } from './internal/check-hook-options.js';

/** Saves the model's variables; the Estimator provides one. Returns the checkpoint path. */
export interface Saver {
  save(globalStep: number): Promise<string>;
}

/** Called around each save (TF's `CheckpointSaverListener`). */
export interface CheckpointSaverListener {
  begin?(): void | Promise<void>;
  beforeSave?(globalStep: number): void | Promise<void>;
  /** Return `true` to request a stop (as TF's listener does). */
  afterSave?(globalStep: number, checkpointPath: string): boolean | undefined | Promise<boolean | undefined>;
  end?(globalStep: number): void | Promise<void>;
}

/** Options of {@link CheckpointSaverHook}. */
export interface CheckpointSaverHookOptions {
  readonly saver: Saver;
  /** How often to save; default every 100 steps. */
  readonly every?: Every;
  readonly listeners?: readonly CheckpointSaverListener[];
  /** Where lines go; default `console.log`. Pass `null` for silence. */
  readonly log?: ((line: string) => void) | null;
}
const CHECKPOINT_SAVER_HOOK_KEYS = keysOf<CheckpointSaverHookOptions>()(['saver', 'every', 'listeners', 'log']);

/**
 * Saves a checkpoint every N steps or seconds and at the end of training (TF's `CheckpointSaverHook`).
 * Runs after every other hook so a checkpoint reflects the finished step.
 * @example
 *   new CheckpointSaverHook({ saver, every: { steps: 100 } });
 */
export class CheckpointSaverHook implements Hook {
  readonly key = 'CheckpointSaverHook';
  readonly runsLast = true;
  private readonly timer: EveryN;
  private lastSavedStep: number | null = null;

  constructor(private readonly options: CheckpointSaverHookOptions) {
    checkHookOptions('new CheckpointSaverHook()', options, CHECKPOINT_SAVER_HOOK_KEYS);
    this.timer = new EveryN(options.every ?? { steps: 100 });
  }

  async begin(): Promise<void> {
    for (const l of this.options.listeners ?? []) await l.begin?.();
  }

  afterCreateSession(ctx: SessionContext): void {
    // The step we start from is already on disk (or is step 0 of a fresh model): count from it.
    this.timer.markTriggered(ctx.globalStep);
    this.lastSavedStep = ctx.globalStep;
  }

  async afterRun(ctx: RunContext): Promise<void> {
    if (!this.timer.shouldTrigger(ctx.globalStep)) return;
    this.timer.markTriggered(ctx.globalStep);
    if (await this.save(ctx.globalStep)) ctx.requestStop('a CheckpointSaverListener asked to stop');
  }

  async end(ctx: SessionContext): Promise<void> {
    if (this.lastSavedStep !== ctx.globalStep) await this.save(ctx.globalStep);
    for (const l of this.options.listeners ?? []) await l.end?.(ctx.globalStep);
  }

  private async save(step: number): Promise<boolean> {
    const listeners = this.options.listeners ?? [];
    for (const l of listeners) await l.beforeSave?.(step);
    const path = await this.options.saver.save(step);
    this.lastSavedStep = step;
    const log = this.options.log === undefined ? console.log : this.options.log;
    log?.(`Saving checkpoints for ${step} into ${path}.`);
    let stop = false;
    for (const l of listeners) if ((await l.afterSave?.(step, path)) === true) stop = true;
    return stop;
  }
}
