import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Loads `dir/model.json` + its shards with tfjs-converter's own loader, through an IOHandler that reads the files
 * from disk (tf.io's file:// handler needs tfjs-node).
 */
export async function loadGraphModelFromDir(dir: string): Promise<GraphModel> {
  const handler: tf.io.IOHandler = {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const specs: tf.io.WeightsManifestEntry[] = [];
      const parts: Uint8Array[] = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) parts.push(readFileSync(join(dir, p)));
      }
      const total = parts.reduce((a, p) => a + p.length, 0);
      const data = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        data.set(p, at);
        at += p.length;
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: specs,
        weightData: data.buffer,
      };
    },
  };
  return loadGraphModel(handler);
}
