import type * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../dataset.js';
import { DataError } from '../errors.js';
import type { ByteSource } from '../internal/bytes.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { type CsvBatch, type MakeCsvDatasetOptions, makeCsvDataset as makeFromSources } from '../make-csv-dataset.js';
import { fileSource } from './file-source.js';
import { globFiles } from './glob-files.js';

/**
 * `makeCsvDataset` for Node: strings are file paths or globs (`data/train-*.csv`, TF's `file_pattern`); the matching
 * files are read in sorted order (shuffled per epoch with `shuffle`). Other sources (Blobs, bytes, URL objects) pass
 * through. See `makeCsvDataset` in `@estimatorjs/data` for the options.
 * @example
 *   const ds = await makeCsvDataset('data/adult-*.csv', 64, { labelName: 'income', numEpochs: 1 });
 */
export async function makeCsvDataset(
  filePattern: string | ByteSource | readonly (string | ByteSource)[],
  batchSize: number,
  options: MakeCsvDatasetOptions & { readonly labelName: string },
): Promise<Dataset<[CsvBatch, tf.Tensor1D]>>;
export async function makeCsvDataset(
  filePattern: string | ByteSource | readonly (string | ByteSource)[],
  batchSize: number,
  options?: MakeCsvDatasetOptions,
): Promise<Dataset<[CsvBatch, tf.Tensor1D] | CsvBatch>>;
export async function makeCsvDataset(
  filePattern: string | ByteSource | readonly (string | ByteSource)[],
  batchSize: number,
  options: MakeCsvDatasetOptions = {},
): Promise<Dataset<[CsvBatch, tf.Tensor1D] | CsvBatch>> {
  checkOptionKeys('makeCsvDataset()', options, KNOWN_OPTIONS.makeCsv);
  const patterns: (string | ByteSource)[] = Array.isArray(filePattern) ? [...filePattern] : [filePattern as ByteSource];
  const sources: ByteSource[] = [];
  for (const p of patterns) {
    if (typeof p !== 'string') {
      sources.push(p);
      continue;
    }
    const paths = await globFiles(p);
    if (paths.length === 0) {
      throw new DataError(
        'NOT_FOUND',
        `makeCsvDataset(): no files match ${JSON.stringify(p)}. Expected an existing file or a glob (*, ?, [...]) that matches files.`,
      );
    }
    for (const path of paths) sources.push(await fileSource(path));
  }
  return makeFromSources(sources, batchSize, options);
}
