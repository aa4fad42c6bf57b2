/**
 * The estimator side of the page: one Estimator on the shared MNIST model_fn and input functions, its model
 * directory and event files in IndexedDB (the browser platform default), and the hooks that feed the charts.
 * Owns: the model directory name, run settings, stop requests. Does not own: the DOM.
 */
import { DEFAULT_MODEL_DB, Estimator, IndexedDbStorage, latestCheckpoint, RunConfig } from '@estimatorjs/estimator';
import type { Hook, RunArgs, RunContext, RunValues } from '@estimatorjs/hooks';
import { deleteIndexedDbEventFiles, eventFilesAsBlobs } from '@estimatorjs/summary';
import { getEvalInputs, getTrainInputs, type MnistParams, mnistModelFn } from 'mnist-example';
import type { Digits } from './digits.js';
import { type TarEntry, tar } from './tar.js';

/** The model directory's name in IndexedDB (and the logdir of its event files). */
export const MODEL_DIR = 'mnist-browser';

/** Settings a person picks on the page. */
export interface SessionSettings {
  readonly batchSize: number;
  readonly learningRate: number;
  /** Seeds initializers, dropout and shuffling (TF's `tf_random_seed`); undefined for a different run each time. */
  readonly seed?: number;
}

/** One training step as the charts see it. */
export interface StepReport {
  readonly step: number;
  readonly loss: number;
}

/** Reads the loss after every step, hands it to the page, and stops when the page asks. */
class PageHook implements Hook {
  readonly key = 'PageHook';
  stop = false;
  constructor(private readonly onStep: (r: StepReport) => void) {}

  beforeRun(): RunArgs {
    return { fetch: { loss: 'loss' } };
  }

  async afterRun(ctx: RunContext, values: RunValues): Promise<void> {
    this.onStep({ step: ctx.globalStep, loss: values.loss as number });
    // Give the page a turn of the event loop: charts repaint and the Stop button works even on the cpu backend,
    // whose kernels run on this thread.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (this.stop) ctx.requestStop('stopped from the page');
  }
}

/** Training, evaluation and prediction for the page. */
export class MnistSession {
  readonly estimator: Estimator<MnistParams>;
  readonly storage: IndexedDbStorage;
  private hook: PageHook | null = null;

  constructor(
    private readonly digits: Digits,
    private readonly settings: SessionSettings,
    log: (line: string) => void,
  ) {
    const config = new RunConfig({
      modelDir: MODEL_DIR,
      saveCheckpointsSteps: 20,
      keepCheckpointMax: 3,
      saveSummarySteps: 1,
      logStepCountSteps: 5,
      ...(settings.seed === undefined ? {} : { randomSeed: settings.seed }),
    });
    this.estimator = new Estimator({
      modelFn: mnistModelFn,
      config,
      params: { learning_rate: settings.learningRate, dropout_rate: 0.5 },
      log,
    });
    this.storage = new IndexedDbStorage(MODEL_DIR);
  }

  /** The global step of the latest checkpoint in IndexedDB, or 0 when there is none. */
  async savedGlobalStep(): Promise<number> {
    const prefix = await latestCheckpoint(this.storage);
    const m = prefix ? /-(\d+)$/.exec(prefix) : null;
    return m ? Number(m[1]) : 0;
  }

  /** Trains `steps` more steps (fewer if {@link stop} is called), calling `onStep` after each. */
  async train(steps: number, onStep: (r: StepReport) => void): Promise<void> {
    const [inputFn, inputHook] = getTrainInputs(this.digits.train, this.settings.batchSize, this.settings.seed);
    this.hook = new PageHook(onStep);
    try {
      await this.estimator.train(inputFn, { steps, hooks: [inputHook, this.hook] });
    } finally {
      this.hook = null;
    }
  }

  /** Asks a running {@link train} to stop after the current step (it then saves a checkpoint). */
  stop(): void {
    if (this.hook) this.hook.stop = true;
  }

  /** Evaluates the latest checkpoint on `examples` eval digits; returns accuracy, loss and global step. */
  async evaluate(examples: number): Promise<{ accuracy: number; loss: number; globalStep: number }> {
    const n = Math.min(examples, this.digits.eval.count);
    const set = {
      images: this.digits.eval.images.subarray(0, n * 784),
      labels: this.digits.eval.labels.subarray(0, n),
      count: n,
    };
    const [inputFn, hook] = getEvalInputs(set, this.settings.batchSize);
    const r = await this.estimator.evaluate(inputFn, { hooks: [hook] });
    return { accuracy: r.accuracy as number, loss: r.loss, globalStep: r.globalStep };
  }

  /** Class probabilities of one 28×28 image (784 floats in [0, 1]) from `estimator.predict`. */
  async predict(pixels: Float32Array): Promise<Float32Array> {
    const [inputFn, hook] = getEvalInputs({ images: pixels, labels: new Int32Array([0]), count: 1 }, 1);
    for await (const p of this.estimator.predict(inputFn, { hooks: [hook] })) {
      return (p as { probabilities: Float32Array }).probabilities;
    }
    throw new Error('MnistSession.predict(): estimator.predict yielded nothing for one image.');
  }

  /** Frees the model's tensors. */
  dispose(): void {
    this.estimator.dispose();
  }
}

/** The event files under {@link MODEL_DIR} as one tar archive (`mnist-browser/…`, `mnist-browser/eval/…`). */
export async function eventFilesTar(): Promise<Uint8Array> {
  const entries: TarEntry[] = [];
  for (const { name, blob } of await eventFilesAsBlobs({ logdir: MODEL_DIR })) {
    entries.push({ name, data: new Uint8Array(await blob.arrayBuffer()) });
  }
  return tar(entries);
}

/** Every file of the model directory (checkpoints and the `checkpoint` state file) as one tar archive. */
export async function checkpointTar(): Promise<Uint8Array> {
  const storage = new IndexedDbStorage(MODEL_DIR);
  const entries: TarEntry[] = [];
  for (const name of await storage.list()) {
    const data = await storage.read(name);
    if (data) entries.push({ name: `${MODEL_DIR}/${name}`, data });
  }
  await storage.close();
  return tar(entries);
}

/** Deletes the model directory and its event files from IndexedDB. */
export async function deleteSavedTraining(): Promise<void> {
  const storage = new IndexedDbStorage(MODEL_DIR, { dbName: DEFAULT_MODEL_DB });
  await storage.clear();
  await storage.close();
  await deleteIndexedDbEventFiles({ logdir: MODEL_DIR });
}
