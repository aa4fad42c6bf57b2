/**
 * Builders of the datasets that start a pipeline: from tensors, slices, a generator or a range, or reading several
 * other datasets (zip, concatenate, sampleFromDatasets, chooseFromDatasets). Each checks its arguments and returns
 * the new dataset's producer, cardinality, row plan and placeholders. `isDataset` is the class's own `instanceof`
 * test, passed in so this module does not import the class.
 */
import type { ChooseFromDatasetsOptions, GeneratorOptions, SampleFromDatasetsOptions } from '../dataset-types.js';
import { invalidArgument } from '../errors.js';
import type { Placeholder } from '../placeholder.js';
import { checkDatasets, checkFunction, rangeBounds, sampleArgs } from './arguments.js';
import { freeze, thaw } from './freeze.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './known-options.js';
import type { Node, Producer } from './node.js';
import { type RowPlan, rowsProducer, slicesPlan } from './row-cursor.js';
import { chooseProducer, sampleProducer } from './sampling.js';
import { SliceSourceBuilder } from './slice-source.js';
import { concatenateProducer, generatorProducer, rangeProducer, rangeSize, zipProducer } from './sources.js';

/** A dataset that reads these placeholders (fed by `initialize()`). */
export interface Input extends Node {
  readonly _placeholders: readonly Placeholder[];
}

/** What the new dataset is built from. */
export interface Source {
  readonly producer: Producer;
  readonly size: number | null;
  readonly placeholders?: readonly Placeholder[];
  /** The row-index plan of an in-memory slice pipeline. */
  readonly rows?: RowPlan;
}

type IsDataset = (x: unknown) => boolean;

export function slicesSource(x: unknown): Source {
  const api = 'Dataset.fromTensorSlices()';
  const builder = new SliceSourceBuilder(api, x);
  const plan = slicesPlan((ctx) => builder.resolve(ctx.feed));
  return { producer: rowsProducer(plan), size: builder.length, placeholders: builder.placeholders, rows: plan };
}

export function tensorsSource(x: unknown): Source {
  const frozen = freeze(x);
  return {
    producer: async function* tensors() {
      yield thaw(frozen);
    },
    size: 1,
  };
}

export function generatorSource(gen: Parameters<typeof generatorProducer>[0], opts: GeneratorOptions): Source {
  checkOptionKeys('Dataset.fromGenerator()', opts, KNOWN_OPTIONS.generator);
  checkFunction('Dataset.fromGenerator()', gen, 'a generator function');
  return { producer: generatorProducer(gen, opts.outputSignature), size: null };
}

export function rangeSource(start: number, stop: number | undefined, step: number): Source {
  const [from, to, by] = rangeBounds(start, stop, step);
  return { producer: rangeProducer(from, to, by), size: rangeSize(from, to, by) };
}

export function zipSource(datasets: readonly Input[] | Record<string, Input>, isDataset: IsDataset): Source {
  const nodes: Input[] = Array.isArray(datasets) ? [...datasets] : Object.values(datasets);
  if (nodes.length === 0 || !nodes.every(isDataset)) {
    throw invalidArgument('Dataset.zip(): expected a non-empty array or object of Datasets.');
  }
  const sizes = nodes.map((d) => d.size);
  const size = sizes.some((s) => s === null) ? null : Math.min(...(sizes as number[]));
  const placeholders = nodes.flatMap((d) => d._placeholders);
  return { producer: zipProducer(datasets, nodes), size, placeholders };
}

export function concatenateSource(first: Input, other: Input, isDataset: IsDataset): Source {
  if (!isDataset(other)) throw invalidArgument('Dataset.concatenate(): expected a Dataset.');
  const size = first.size === null || other.size === null ? null : first.size + other.size;
  return {
    producer: concatenateProducer(first, other),
    size,
    placeholders: [...first._placeholders, ...other._placeholders],
  };
}

export function sampleSource(datasets: readonly Input[], opts: SampleFromDatasetsOptions): Source {
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
): Source {
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
