/**
 * The SessionRunHook contract, as in TF 1.x, made async.
 *
 * Lifecycle of one `train()` / `evaluate()` / `predict()` call:
 *
 *     hooks.begin(session)                      // before anything runs; the global step is known
 *     hooks.afterCreateSession(session)         // variables exist / are restored; feed iterators here
 *     while (!stopRequested && input has data):
 *       args = hooks.beforeRun(run)              // each hook names the values it wants read
 *       <one step: forward (+ backward + apply)>
 *       values = <one await reading every requested value>
 *       hooks.afterRun(run, values)              // may call run.requestStop(reason)
 *     hooks.end(session)                        // also after a requested stop; not after an error
 *     on an error anywhere above: hooks.onError(session, error), then the error is rethrown
 *
 * - Values: `beforeRun` returns `{ fetch: { key: tensorName } }`; the loop merges every hook's request, reads
 *   all of them with one await after the step, and gives each hook's `afterRun` only the keys it asked for.
 *   Names are `loss`, `global_step`, `learning_rate`, any tensor the model_fn named with `nameTensor()`, and in
 *   EVAL the metric values. A name nobody produced is simply missing from `values`.
 * - `ctx.globalStep` is the step before the step runs in `beforeRun` and the step after it in `afterRun`.
 * - A requested stop (`ctx.requestStop(reason)`) finishes the current step: every `afterRun` of that step still
 *   runs, then `end` runs, as after the input ends. The first reason given is the one logged.
 * - An error thrown by a hook is wrapped in a `HookError` (`code: 'HOOK_FAILED'`) whose message starts with the
 *   hook's name and phase (`NanTensorHook.afterRun() failed: ...`); no later hook runs in that phase, `end` is
 *   skipped, and every hook's `onError` is called before the error reaches the caller.
 *
 * Hooks run in the order given, except hooks with `runsLast` (checkpoint savers), which run after the others.
 *
 * In the Estimator: a step is one batch in all three modes (in `predict` the batch's predictions are yielded after
 * `afterRun`, and `end` also runs when the consumer leaves the `for await` early). The hooks given to the call run
 * `beforeRun` before every model_fn call of the step. The EstimatorSpec's hooks (`trainingHooks`, …) come from the
 * first batch's model_fn call, so their `begin` and `afterCreateSession` run then, after the caller's hooks'
 * first `beforeRun`; from then on they run every phase with the others.
 */

/** What the loop is doing: TF's `ModeKeys` values. */
export type Mode = 'train' | 'eval' | 'infer';

/** Structural view of a summary writer, so hooks need no dependency on @estimatorjs/summary. */
export interface ScalarWriter {
  scalar(tag: string, value: number, step: number): void;
}

/** What every hook call can see. A narrow view of the run: never the whole Estimator. */
export interface SessionContext {
  readonly mode: Mode;
  /** The global step now: before the first step in `begin`, after the last one in `end`. */
  readonly globalStep: number;
  readonly modelDir: string;
  /** Where scalar summaries go for this run (`modelDir` in TRAIN, `modelDir/eval` in EVAL), if any. */
  readonly summaryWriter?: ScalarWriter;
  /** The global step this run stops at, when the caller said (`train({ steps })` or `{ maxSteps }`). */
  readonly stopAtStep?: number;
  /** Named values known at the end of the run (for `end`): the last step's fetches. */
  readonly lastValues?: Readonly<Record<string, FetchedValue>>;
}

/** The view of one step. */
export interface RunContext extends SessionContext {
  /** Asks the loop to stop after this step; `reason` is logged. */
  requestStop(reason?: string): void;
  readonly stopRequested: boolean;
}

/** A value read from a named tensor: a number for scalars, a flat typed array otherwise. */
export type FetchedValue = number | Float32Array | Int32Array | Uint8Array;

/**
 * What a hook asks for before a step: `fetch` maps the keys the hook will receive to tensor names
 * (`loss`, `global_step`, `learning_rate`, or any tensor the model_fn named).
 */
export interface RunArgs {
  readonly fetch?: Readonly<Record<string, string>>;
}

/** The values a hook asked for, under the keys it chose. */
export type RunValues<T extends Record<string, FetchedValue> = Record<string, FetchedValue>> = Readonly<T>;

/** A hook: an object with optional async methods. Implement only what you need. */
export interface Hook {
  /** A stable name for errors and logs (defaults to the class name). */
  readonly key?: string;
  /** Checkpoint savers set this so they run after every other hook in each phase. */
  readonly runsLast?: boolean;
  begin?(ctx: SessionContext): void | Promise<void>;
  afterCreateSession?(ctx: SessionContext): void | Promise<void>;
  beforeRun?(ctx: RunContext): RunArgs | undefined | Promise<RunArgs | undefined>;
  afterRun?(ctx: RunContext, values: RunValues): void | Promise<void>;
  end?(ctx: SessionContext): void | Promise<void>;
  onError?(ctx: SessionContext, error: unknown): void | Promise<void>;
}
