/**
 * Builders of the datasets that read several others: zip, concatenate, sampleFromDatasets and chooseFromDatasets.
 * Each checks its arguments and returns the new dataset's producer, cardinality and the placeholders of its inputs.
 * `isDataset` is the class's own `instanceof` test, passed in so this module does not import the class.
 */
import type { ChooseFromDatasetsOptions, SampleFromDatasetsOptions } from '../dataset-types.js';
import { invalidArgument } from '../errors.js';
import type { Placeholder } from '../placeholder.js';
import { checkDatasets, sampleArgs } from './arguments.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './known-options.js';
import type { Node, Producer } from './node.js';
import { chooseProducer, sampleProducer } from './sampling.js';
import { concatenateProducer, zipProducer } from './sources.js';

/** A dataset that reads these placeholders (fed by `initialize()`). */
export interface Input extends Node {
  readonly _placeholders: readonly Placeholder[];
}

/** What the new dataset is built from. */
export interface Combined {
  readonly producer: Producer;
  readonly size: number | null;
  readonly placeholders: readonly Placeholder[];
}

type IsDataset = (x: unknown) => boolean;

export function zipSource(datasets: readonly Input[] | Record<string, Input>, isDataset: IsDataset): Combined {
  const nodes: Input[] = Array.isArray(datasets) ? [...datasets] : Object.values(datasets);
  if (nodes.length === 0 || !nodes.every(isDataset)) {
    throw invalidArgument('Dataset.zip(): expected a non-empty array or object of Datasets.');
  }
  const sizes = nodes.map((d) => d.size);
  const size = sizes.some((s) => s === null) ? null : Math.min(...(sizes as number[]));
  const placeholders = nodes.flatMap((d) => d._placeholders);
  return { producer: zipProducer(datasets, nodes), size, placeholders };
}

export function concatenateSource(first: Input, other: Input, isDataset: IsDataset): Combined {
  if (!isDataset(other)) throw invalidArgument('Dataset.concatenate(): expected a Dataset.');
  const size = first.size === null || other.size === null ? null : first.size + other.size;
  return {
    producer: concatenateProducer(first, other),
    size,
    placeholders: [...first._placeholders, ...other._placeholders],
  };
}

export function sampleSource(datasets: readonly Input[], opts: SampleFromDatasetsOptions): Combined {
  checkOptionKeys('Dataset.sampleFromDatasets()', opts, KNOWN_OPTIONS.sampleFromDatasets);
  const api = 'Dataset.sampleFromDatasets()';
  checkDatasets(api, datasets);
  const { weights, seed } = sampleArgs(api, datasets.length, opts);
  const producer = sampleProducer(datasets, weights, seed, opts.stopOnEmptyDataset ?? false);
  return { producer, size: null, placeholders: datasets.flatMap((d) => d._placeholders) };
}

export function chooseSource(
  datasets: readonly Input[],
  choiceDataset: Input,
  opts: ChooseFromDatasetsOptions,
  isDataset: IsDataset,
): Combined {
  checkOptionKeys('Dataset.chooseFromDatasets()', opts, KNOWN_OPTIONS.chooseFromDatasets);
  const api = 'Dataset.chooseFromDatasets()';
  checkDatasets(api, datasets);
  if (!isDataset(choiceDataset)) {
    throw invalidArgument(
      `${api}: expected choiceDataset to be a Dataset of indices. Received ${typeof choiceDataset}.`,
    );
  }
  const producer = chooseProducer(datasets, choiceDataset, opts.stopOnEmptyDataset ?? false);
  return { producer, size: null, placeholders: [...datasets, choiceDataset].flatMap((d) => d._placeholders) };
}
