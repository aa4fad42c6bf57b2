/**
 * The example's own model_fn, exported as ONNX: train a few steps on the embedded digits, export with the example's
 * serving input (`image`, float32 [-1, 784]), run model.onnx in onnxruntime-node on 100 real test digits and
 * compare with estimator.predict (max abs difference of the probabilities ≤ 1e-5, classes equal), on the cpu and
 * the wasm backend, at two batch sizes.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { registerWasmTrainingKernels } from '@estimatorjs/backends';
import { Estimator, RunConfig } from '@estimatorjs/estimator';
import { exportSavedModel } from '@estimatorjs/export';
import { describeBackends, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnistServingInputReceiverFn } from './export-model.js';
import { getTrainInputs } from './inputs.js';
import { embeddedDigits } from './mnist-data.js';
import { type MnistParams, mnistModelFn } from './model.js';

const N = 100;
const cli = resolve(__dirname, '..', 'dist', 'cli.js');
// CI builds before testing: there a missing CLI is a failure, not a skip.
const noCli = !existsSync(cli) && process.env.CI !== 'true';

describeBackends('the MNIST model_fn exported as ONNX', { describe, beforeAll }, (backend) => {
  const tmp = tempModelDir('mnist-onnx-');
  afterAll(() => tmp.cleanup());
  const digits = embeddedDigits().eval;
  const images = digits.images.subarray(0, N * 784);
  let est: Estimator<MnistParams>;
  let session: ort.InferenceSession;
  const image = () => new ort.Tensor('float32', images.slice(), [N, 784]);

  beforeAll(async () => {
    if (backend === 'wasm') registerWasmTrainingKernels();
    est = new Estimator({
      modelFn: mnistModelFn,
      config: new RunConfig({ modelDir: join(tmp.dir, 'model'), randomSeed: 5 }),
      params: { learning_rate: 0.002, dropout_rate: 0.5 },
      log: () => {},
    });
    const [inputFn, hook] = getTrainInputs(embeddedDigits().train, 8, 1);
    await est.train(inputFn, { steps: 2, hooks: [hook] });
    const dir = await exportSavedModel(est, join(tmp.dir, 'export'), mnistServingInputReceiverFn, {
      formats: ['onnx'],
    });
    session = await ort.InferenceSession.create(readFileSync(join(dir, 'model.onnx')), { logSeverityLevel: 3 });
  }, 300_000); // the cpu backend trains this CNN slowly on a shared two-core machine
  afterAll(async () => {
    await session?.release();
    est?.dispose();
  });

  it('has one input `image` and the outputs `probabilities` and `classes`', () => {
    expect(session.inputNames).toEqual(['image']);
    expect([...session.outputNames].sort()).toEqual(['classes', 'probabilities']);
  });

  it(`reproduces estimator.predict on ${N} test digits within 1e-5, at batch ${N} and 9 [${backend}]`, async () => {
    const probs: number[] = [];
    const classes: number[] = [];
    const predictInput = async function* () {
      for (let i = 0; i < N; i += 25) yield tf.tensor2d(images.subarray(i * 784, (i + 25) * 784), [25, 784]);
    };
    for await (const p of est.predict(predictInput)) {
      const r = p as { probabilities: Float32Array; classes: number };
      probs.push(...r.probabilities);
      classes.push(r.classes);
    }
    const all = await session.run({ image: image() });
    expect(all.probabilities!.dims).toEqual([N, 10]);
    expect(all.classes!.dims).toEqual([N]);
    let maxDiff = 0;
    const got = all.probabilities!.data as Float32Array;
    for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - probs[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    expect(Array.from(all.classes!.data as Int32Array)).toEqual(classes);

    const nine = await session.run({ image: new ort.Tensor('float32', images.slice(40 * 784, 49 * 784), [9, 784]) });
    const nineProbs = nine.probabilities!.data as Float32Array;
    expect(nine.probabilities!.dims).toEqual([9, 10]);
    for (let i = 0; i < nineProbs.length; i++)
      expect(Math.abs(nineProbs[i]! - probs[400 + i]!)).toBeLessThanOrEqual(1e-5);
  });

  // The CLI runs on cpu here; it reads the checkpoint the cpu suite trained.
  if (backend === 'cpu')
    it.skipIf(noCli)(
      'pnpm mnist:export --formats graph_model,onnx writes E/model.onnx beside E/graph_model, equal to the API export (needs dist: pnpm build)',
      async () => {
        const modelDir = join(tmp.dir, 'model');
        const exportDir = join(tmp.dir, 'E');
        const args = [
          'export',
          '--model_dir',
          modelDir,
          '--export_dir',
          exportDir,
          '--formats',
          'graph_model,onnx',
          '--backend',
          'cpu',
        ];
        await promisify(execFile)('node', [cli, ...args], { cwd: tmp.dir, env: { ...process.env, INIT_CWD: tmp.dir } });
        expect(existsSync(join(exportDir, 'graph_model', 'model.json'))).toBe(true);
        const fromCli = await ort.InferenceSession.create(readFileSync(join(exportDir, 'model.onnx')), {
          logSeverityLevel: 3,
        });
        try {
          const [a, b] = [await fromCli.run({ image: image() }), await session.run({ image: image() })];
          expect(Array.from(a.probabilities!.data as Float32Array)).toEqual(
            Array.from(b.probabilities!.data as Float32Array),
          );
          expect(Array.from(a.classes!.data as Int32Array)).toEqual(Array.from(b.classes!.data as Int32Array));
        } finally {
          await fromCli.release();
        }
      },
      120_000,
    );
});
