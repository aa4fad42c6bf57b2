/**
 * "Load an exported model": a tfjs GraphModel written by `pnpm mnist:export` (graph_model/model.json + shards),
 * picked as files or fetched from a URL, run with tfjs-converter's `loadGraphModel` on the page's backend.
 * tfjs-converter is imported on first use, so pages that never load a model do not download it.
 */
import * as tf from '@tensorflow/tfjs-core';

type GraphModel = import('@tensorflow/tfjs-converter').GraphModel;

/** A loaded export: one input `image` [batch, 784] in [0, 1], output `probabilities` [batch, 10]. */
export class ExportedModel {
  private constructor(
    private readonly model: GraphModel,
    readonly source: string,
  ) {
    const sig = model.modelSignature as { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
    if (!sig?.inputs?.image || !sig.outputs?.probabilities) {
      model.dispose();
      throw new Error(
        `${source} is not an MNIST export: expected input "image" and output "probabilities" (pnpm mnist:export writes them).`,
      );
    }
  }

  /** From the files of a `graph_model/` folder: model.json and its .bin shards, in any order. */
  static async fromFiles(files: readonly File[]): Promise<ExportedModel> {
    const json = files.find((f) => f.name.endsWith('.json'));
    if (!json) throw new Error('Pick model.json together with its .bin weight files.');
    const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
    const shards = files.filter((f) => f !== json);
    return new ExportedModel(await loadGraphModel(tf.io.browserFiles([json, ...shards])), json.name);
  }

  /** From a served `model.json` (its shards beside it). */
  static async fromUrl(url: string): Promise<ExportedModel> {
    const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
    return new ExportedModel(await loadGraphModel(url), url);
  }

  /** Probabilities for `count` images of 784 pixels each. */
  async predict(pixels: Float32Array, count = 1): Promise<Float32Array> {
    const image = tf.tensor2d(pixels, [count, 784]);
    const out = this.model.execute({ image }, ['probabilities']) as tf.Tensor;
    try {
      return (await out.data()) as Float32Array;
    } finally {
      tf.dispose([image, out]);
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
