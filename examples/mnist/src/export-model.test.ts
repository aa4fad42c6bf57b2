import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Estimator, RunConfig } from '@estimatorjs/estimator';
import { describeWithTool, loadGraphModelFromDir, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEvalInputs, getTrainInputs } from './inputs.js';
import { loadMnist, type MnistData } from './mnist-data.js';
import { mnistModelFn } from './model.js';

const run = promisify(execFile);
const cli = resolve(__dirname, '..', 'dist', 'cli.js');
/** The test runs the built CLI (CI builds before testing: there a missing dist fails, not skips). */
const builtCli = {
  name: 'the mnist CLI (dist/cli.js)',
  missing: existsSync(cli) ? null : `${cli} does not exist`,
  install: 'pnpm build',
};
const { dir, cleanup } = tempModelDir('mnist-export-');
afterAll(cleanup);
const params = { learning_rate: 0.002, dropout_rate: 0.5 };

describeWithTool({ describe, it }, builtCli, 'pnpm mnist:export', () => {
  let data: MnistData;
  let estimator: Estimator<typeof params>;
  beforeAll(async () => {
    await setupTestBackend('cpu');
    data = await loadMnist(join(dir, 'no-data'));
    estimator = new Estimator({
      modelFn: mnistModelFn,
      config: new RunConfig({ modelDir: join(dir, 'run'), randomSeed: 1 }),
      params,
      log: () => {},
    });
    const [inputFn, hook] = getTrainInputs(data.train, 8, 1);
    await estimator.train(inputFn, { steps: 2, hooks: [hook] });
  }, 180_000); // a hang guard: loading the digits and building the CNN took over 60 s on a loaded 2-core machine
  afterAll(() => estimator?.dispose());

  it('writes E/graph_model with input image [-1,784] and outputs probabilities [-1,10], classes [-1], matching estimator.predict within 1e-5 on 100 digits', async () => {
    const r = await run('node', [cli, 'export', '--model_dir', 'run', '--export_dir', 'E', '--backend', 'cpu'], {
      cwd: dir,
      env: { ...process.env, INIT_CWD: dir },
    });
    expect(r.stdout).toContain('graph_model/model.json');
    const json = JSON.parse(readFileSync(join(dir, 'E', 'graph_model', 'model.json'), 'utf8'));
    const dims = (t: { tensorShape: { dim: { size: string }[] } }) => t.tensorShape.dim.map((d) => Number(d.size));
    expect(Object.keys(json.signature.inputs)).toEqual(['image']);
    expect(json.signature.inputs.image.dtype).toBe('DT_FLOAT');
    expect(dims(json.signature.inputs.image)).toEqual([-1, 784]);
    expect(dims(json.signature.outputs.probabilities)).toEqual([-1, 10]);
    expect(dims(json.signature.outputs.classes)).toEqual([-1]);
    const manifest = JSON.parse(readFileSync(join(dir, 'E', 'export.json'), 'utf8'));
    expect(manifest.globalStep).toBe(2);

    const n = 100;
    const images = data.eval.images.subarray(0, n * 784);
    const [inputFn, hook] = getEvalInputs({ images, labels: data.eval.labels.subarray(0, n), count: n }, 25);
    const expected: number[] = [];
    const expectedClasses: number[] = [];
    for await (const p of estimator.predict(inputFn, { hooks: [hook] })) {
      const { probabilities, classes } = p as { probabilities: Float32Array; classes: number };
      expected.push(...probabilities);
      expectedClasses.push(classes);
    }
    const model = await loadGraphModelFromDir(join(dir, 'E', 'graph_model'));
    const image = tf.tensor2d(images, [n, 784]);
    const [probs, classes] = model.execute({ image }, ['probabilities', 'classes']) as tf.Tensor[];
    const got = await probs!.data();
    const gotClasses = Array.from(await classes!.data());
    tf.dispose([image, probs!, classes!]);
    model.dispose();
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - expected[i]!));
    expect(got.length).toBe(n * 10);
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    expect(gotClasses).toEqual(expectedClasses);
  }, 180_000);

  it('refuses an unknown --formats value with one line', async () => {
    const err = await run('node', [cli, 'export', '--model_dir', 'run', '--formats', 'savedmodel'], {
      cwd: dir,
      env: { ...process.env, INIT_CWD: dir },
    }).catch((e: { stderr: string; code: number }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr.trim()).toBe(
      'mnist: error: --formats must be graph_model, onnx or both (comma-separated); received "savedmodel".',
    );
  });
});
