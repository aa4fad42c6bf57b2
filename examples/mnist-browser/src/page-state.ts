/** What the page shows, kept as plain data on `window.mnistPage` so people (and the end-to-end tests) can read it. */

/** The page's observable state. */
export interface PageState {
  /** `loading` → `ready` ⇄ `training` | `evaluating`; `error` when something failed. */
  state: 'loading' | 'ready' | 'training' | 'evaluating' | 'error';
  backend: string | null;
  /** Threads of the wasm backend (1 elsewhere). */
  threads: number;
  crossOriginIsolated: boolean;
  /** Global step of the latest checkpoint found when the page loaded. */
  restoredStep: number;
  /** Points of loss and eval accuracy read back from IndexedDB's event files when the page loaded. */
  restoredHistory: { losses: number; accuracies: number };
  globalStep: number;
  /** `[step, loss]` of every training step run in this page. */
  losses: [number, number][];
  /** Every evaluation run in this page. */
  evals: { step: number; accuracy: number; loss: number }[];
  /** Predicted class and probabilities of the last drawing. */
  prediction: { classes: number; probabilities: number[] } | null;
  predictions: number;
  /** The exported GraphModel loaded with "Load an exported model" (or `?model=<url of model.json>`), if any. */
  exported: { source: string; prediction: { classes: number; probabilities: number[] } | null } | null;
  /**
   * With `?model=…&probe=<url>`: the exported model's probabilities for the probe's images (raw float32, 784 per
   * image), so a test can compare them with the estimator that wrote the export.
   */
  probe: number[] | null;
  error: string | null;
}

/** A fresh state, also installed as `window.mnistPage`. */
export function createPageState(): PageState {
  const s: PageState = {
    state: 'loading',
    backend: null,
    threads: 1,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    restoredStep: 0,
    restoredHistory: { losses: 0, accuracies: 0 },
    globalStep: 0,
    losses: [],
    evals: [],
    prediction: null,
    predictions: 0,
    exported: null,
    probe: null,
    error: null,
  };
  (globalThis as { mnistPage?: PageState }).mnistPage = s;
  return s;
}
