/** The page: wires the backend picker, the training controls, the charts, the drawing pad and the downloads. */
import { useBackend } from '@estimatorjs/backends';
import { browserBackends, pickedBackend, renderBackendPicker } from './backend-picker.js';
import { RunCharts } from './charts.js';
import { loadDigits } from './digits.js';
import { DrawPad } from './draw-pad.js';
import { ExportedModel } from './exported-model.js';
import {
  checkpointTar,
  deleteSavedTraining,
  eventFilesTar,
  MnistSession,
  MODEL_DIR,
  type SessionSettings,
} from './mnist-session.js';
import { createPageState } from './page-state.js';
import { readTrainingHistory } from './training-history.js';
import './style.css';

const state = createPageState();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = $('status');
const buttons = {
  train: $<HTMLButtonElement>('train'),
  evaluate: $<HTMLButtonElement>('evaluate'),
  stop: $<HTMLButtonElement>('stop'),
  events: $<HTMLButtonElement>('download-events'),
  checkpoint: $<HTMLButtonElement>('download-checkpoint'),
  reset: $<HTMLButtonElement>('reset'),
};
const numberInput = (id: string, fallback: number) => {
  const v = Number($<HTMLInputElement>(id).value);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

function setStatus(next: typeof state.state, text: string): void {
  state.state = next;
  statusLine.dataset.state = next;
  statusLine.textContent = text;
  const idle = next === 'ready';
  buttons.train.disabled = !idle;
  buttons.evaluate.disabled = !idle || state.globalStep === 0;
  buttons.stop.disabled = next !== 'training';
  buttons.events.disabled = !idle;
  buttons.checkpoint.disabled = !idle || state.globalStep === 0;
  buttons.reset.disabled = !idle;
}

function fail(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  state.error = message;
  setStatus('error', `Error: ${message}`);
  console.error(e);
}

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/x-tar' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function startBackend(): Promise<string> {
  const picker = $('backends');
  const choices = await browserBackends();
  const wanted = new URLSearchParams(location.search).get('backend') ?? localStorage.getItem('mnist-backend') ?? 'wasm';
  renderBackendPicker(picker, choices, wanted);
  const name = pickedBackend(picker);
  if (!name) throw new Error('No backend can run in this browser (see the reasons above).');
  picker.addEventListener('change', () => {
    const next = pickedBackend(picker);
    if (!next || next === state.backend) return;
    localStorage.setItem('mnist-backend', next);
    const url = new URL(location.href);
    url.searchParams.set('backend', next);
    location.assign(url); // one backend per page load: tensors never cross backends
  });
  const asked = Number(new URLSearchParams(location.search).get('threads'));
  const threads = !state.crossOriginIsolated
    ? 1
    : Number.isInteger(asked) && asked > 0
      ? asked
      : Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
  // No wasmPaths: tfjsWasm() in vite.config serves the .wasm files and tells useBackend('wasm') where.
  const info = await useBackend(name, name === 'wasm' ? { threads } : {});
  state.backend = info.name;
  state.threads = info.threads;
  // tfjs-backend-wasm caps its pool at half of navigator.hardwareConcurrency (one thread on a 2-core machine).
  const capped =
    info.name === 'wasm' && info.threads < threads
      ? `; tfjs uses at most half of the ${navigator.hardwareConcurrency} logical cores`
      : '';
  const extra =
    info.name === 'wasm'
      ? ` (${info.threads} thread${info.threads === 1 ? '' : 's'}, SIMD ${info.simd ? 'on' : 'off'}${capped})`
      : '';
  $('backend-status').textContent =
    `Running on ${info.name}${extra}${state.crossOriginIsolated ? '' : '; the page is not cross-origin isolated, so wasm uses one thread'}.`;
  return info.name;
}

async function main(): Promise<void> {
  setStatus('loading', 'Starting the backend…');
  await startBackend();
  setStatus('loading', 'Loading digits…');
  const digits = await loadDigits(`${import.meta.env.BASE_URL}mnist-digits.bin`);
  const log = (line: string) => console.log(line);
  const settings = (): SessionSettings => {
    const seed = $<HTMLInputElement>('seed').value.trim();
    return {
      batchSize: Math.floor(numberInput('batch', 32)),
      learningRate: numberInput('lr', 0.002),
      ...(seed !== '' && Number.isInteger(Number(seed)) ? { seed: Number(seed) } : {}),
    };
  };
  let session = new MnistSession(digits, settings(), log);
  let sessionSettings = JSON.stringify(settings());
  // The board's charts: train and eval loss overlaid, eval accuracy.
  const charts = new RunCharts({ loss: $('loss-chart'), accuracy: $('accuracy-chart') });
  const showStep = (step: number) => {
    state.globalStep = step;
    $('global-step').textContent = String(step);
  };

  state.restoredStep = await session.savedGlobalStep();
  showStep(state.restoredStep);
  charts.load(await readTrainingHistory(MODEL_DIR, state.restoredStep));
  const accuracies = charts.points('eval', 'accuracy');
  state.restoredHistory = { losses: charts.points('.', 'loss').length, accuracies: accuracies.length };
  const lastAccuracy = accuracies.at(-1);
  if (lastAccuracy) $('accuracy').textContent = lastAccuracy[1].toFixed(4);
  setStatus(
    'ready',
    state.restoredStep > 0
      ? `Resumed: the latest checkpoint in IndexedDB is at global step ${state.restoredStep}.`
      : `Ready: ${digits.train.count} training and ${digits.eval.count} eval digits; no checkpoint yet.`,
  );

  /** Settings changed since the session was made: start a new Estimator on the same model directory. */
  const currentSession = () => {
    const now = JSON.stringify(settings());
    if (now !== sessionSettings) {
      session.dispose();
      session = new MnistSession(digits, settings(), log);
      sessionSettings = now;
    }
    return session;
  };

  let busy: Promise<void> = Promise.resolve();
  const exclusive = (fn: () => Promise<void>) => {
    busy = busy.then(fn).catch(fail);
    return busy;
  };

  buttons.train.addEventListener('click', () =>
    exclusive(async () => {
      const steps = Math.floor(numberInput('steps', 100));
      setStatus('training', `Training ${steps} steps…`);
      const t0 = performance.now();
      let ran = 0;
      await currentSession().train(steps, ({ step, loss }) => {
        ran++;
        state.losses.push([step, loss]);
        charts.add('.', 'loss', step, loss);
        showStep(step);
        $('loss').textContent = loss.toFixed(4);
      });
      const secs = (performance.now() - t0) / 1000;
      setStatus(
        'ready',
        `Trained ${ran} steps in ${secs.toFixed(1)} s; checkpoint saved at global step ${state.globalStep}.`,
      );
    }),
  );
  buttons.stop.addEventListener('click', () => session.stop());
  buttons.evaluate.addEventListener('click', () =>
    exclusive(async () => {
      setStatus('evaluating', 'Evaluating…');
      const r = await currentSession().evaluate(Math.floor(numberInput('eval-examples', 500)));
      state.evals.push({ step: r.globalStep, accuracy: r.accuracy, loss: r.loss });
      charts.add('eval', 'accuracy', r.globalStep, r.accuracy);
      charts.add('eval', 'loss', r.globalStep, r.loss);
      $('accuracy').textContent = r.accuracy.toFixed(4);
      setStatus(
        'ready',
        `Eval at global step ${r.globalStep}: accuracy ${r.accuracy.toFixed(4)}, loss ${r.loss.toFixed(4)}.`,
      );
    }),
  );
  buttons.events.addEventListener('click', () =>
    exclusive(async () => download(await eventFilesTar(), 'mnist-browser-events.tar')),
  );
  buttons.checkpoint.addEventListener('click', () =>
    exclusive(async () => download(await checkpointTar(), 'mnist-browser-checkpoint.tar')),
  );
  buttons.reset.addEventListener('click', () =>
    exclusive(async () => {
      if (!confirm('Delete the checkpoints and event files of this page from IndexedDB?')) return;
      session.dispose();
      await deleteSavedTraining();
      location.reload();
    }),
  );

  let exported: ExportedModel | null = null;
  const useExported = async (load: () => Promise<ExportedModel>) => {
    $('exported-status').textContent = 'loading…';
    const next = await load();
    exported?.dispose();
    exported = next;
    state.exported = { source: next.source, prediction: null };
    $('exported-status').textContent = `loaded ${next.source}`;
  };
  $<HTMLInputElement>('model-files').addEventListener('change', (e) => {
    const files = Array.from((e.target as HTMLInputElement).files ?? []);
    if (files.length > 0) void exclusive(() => useExported(() => ExportedModel.fromFiles(files)));
  });
  const params = new URLSearchParams(location.search);
  const modelUrl = params.get('model');
  if (modelUrl) {
    await exclusive(async () => {
      await useExported(() => ExportedModel.fromUrl(modelUrl));
      const probeUrl = params.get('probe');
      if (probeUrl && exported) {
        const pixels = new Float32Array(await (await fetch(probeUrl)).arrayBuffer());
        state.probe = Array.from(await exported.predict(pixels, pixels.length / 784));
      }
    });
  }

  const probabilities = $('probabilities');
  const pad = new DrawPad($<HTMLCanvasElement>('pad'), () =>
    exclusive(async () => {
      if (!pad.hasInk) return;
      if (exported && state.exported) {
        const p = await exported.predict(pad.toPixels());
        const classes = p.indexOf(Math.max(...p));
        state.exported.prediction = { classes, probabilities: Array.from(p) };
        $('exported-prediction').textContent = `${classes} (${(p[classes]! * 100).toFixed(1)}%)`;
      }
      if (state.globalStep === 0) {
        $('prediction').textContent = 'train first';
        return;
      }
      const p = await currentSession().predict(pad.toPixels());
      const classes = p.indexOf(Math.max(...p));
      state.prediction = { classes, probabilities: Array.from(p) };
      state.predictions++;
      $('prediction').textContent = `${classes} (${(p[classes]! * 100).toFixed(1)}%)`;
      probabilities.replaceChildren(
        ...Array.from(p, (v) => {
          const li = document.createElement('li');
          const bar = document.createElement('span');
          bar.style.width = `${Math.round(v * 120)}px`;
          li.append(v.toFixed(3), bar);
          return li;
        }),
      );
    }),
  );
  $('clear').addEventListener('click', () => {
    pad.clear();
    $('prediction').textContent = '–';
    probabilities.replaceChildren();
  });
}

main().catch(fail);
