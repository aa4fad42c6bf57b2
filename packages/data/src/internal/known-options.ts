/**
 * The option names each public options object of @estimatorjs/data accepts, one list per interface, held by
 * `keysOf` so the compiler refuses a list that misses a field. Owns: refusing unknown option keys (`{ sed: 1 }`
 * names `seed`) so a misspelled option is never silently ignored. Does not own: checking the options' values.
 */
import { checkKnownKeys, keysOf } from '@estimatorjs/errors';
import type { CsvOptions } from '../csv.js';
import type {
  BatchOptions,
  BucketBySequenceLengthOptions,
  CacheOptions,
  ChooseFromDatasetsOptions,
  GeneratorOptions,
  GroupByWindowOptions,
  IgnoreErrorsOptions,
  InterleaveOptions,
  ListFilesOptions,
  MapOptions,
  PaddedBatchOptions,
  SampleFromDatasetsOptions,
  ShuffleOptions,
  WindowOptions,
} from '../dataset-types.js';
import { DataError } from '../errors.js';
import type { FixedLengthRecordOptions } from '../fixed-length-record.js';
import type { IndexedDbCacheOptions } from '../indexed-db-cache-storage.js';
import type { MakeCsvDatasetOptions } from '../make-csv-dataset.js';
import type { PlaceholderOptions } from '../placeholder.js';
import type { TFRecordOptions } from '../tfrecord.js';

export const KNOWN_OPTIONS = {
  map: keysOf<MapOptions>()(['numParallelCalls', 'deterministic', 'vectorize']),
  batch: keysOf<BatchOptions>()(['dropRemainder']),
  paddedBatch: keysOf<PaddedBatchOptions>()(['paddedShapes', 'paddingValues', 'dropRemainder']),
  shuffle: keysOf<ShuffleOptions>()(['seed', 'reshuffleEachIteration']),
  interleave: keysOf<InterleaveOptions>()(['cycleLength', 'blockLength', 'numParallelCalls', 'deterministic']),
  cache: keysOf<CacheOptions>()(['storage']),
  window: keysOf<WindowOptions>()(['shift', 'stride', 'dropRemainder']),
  generator: keysOf<GeneratorOptions>()(['outputSignature']),
  groupByWindow: keysOf<GroupByWindowOptions<unknown, unknown>>()([
    'keyFunc',
    'reduceFunc',
    'windowSize',
    'windowSizeFunc',
  ]),
  bucketBySequenceLength: keysOf<BucketBySequenceLengthOptions<unknown>>()([
    'elementLengthFunc',
    'bucketBoundaries',
    'bucketBatchSizes',
    'paddedShapes',
    'paddingValues',
    'padToBucketBoundary',
    'noPadding',
    'dropRemainder',
  ]),
  sampleFromDatasets: keysOf<SampleFromDatasetsOptions>()(['weights', 'seed', 'stopOnEmptyDataset']),
  chooseFromDatasets: keysOf<ChooseFromDatasetsOptions>()(['stopOnEmptyDataset']),
  ignoreErrors: keysOf<IgnoreErrorsOptions>()(['onError']),
  listFiles: keysOf<ListFilesOptions>()(['shuffle', 'seed']),
  csv: keysOf<CsvOptions>()(['header', 'columnNames', 'columnDefaults', 'selectColumns', 'fieldDelim', 'naValue']),
  tfRecord: keysOf<TFRecordOptions>()(['compressionType']),
  fixedLengthRecord: keysOf<FixedLengthRecordOptions>()(['headerBytes', 'footerBytes', 'compressionType']),
  placeholder: keysOf<PlaceholderOptions>()(['shape', 'dtype']),
  indexedDbCache: keysOf<IndexedDbCacheOptions>()(['dbName', 'indexedDB']),
  makeCsv: keysOf<MakeCsvDatasetOptions>()([
    'labelName',
    'columnNames',
    'columnDefaults',
    'selectColumns',
    'fieldDelim',
    'useQuoteDelim',
    'naValue',
    'header',
    'numEpochs',
    'shuffle',
    'shuffleBufferSize',
    'shuffleSeed',
    'numParallelReads',
    'sloppy',
    'numRowsForInference',
    'ignoreErrors',
  ]),
} as const;

/**
 * Throws one DataError unless `options` is undefined or an object holding only `known` keys; the message names the
 * API, the key and the nearest known one. Codes: `UNKNOWN_OPTION`, `INVALID_ARGUMENT` (not an object).
 */
export function checkOptionKeys(api: string, options: unknown, known: readonly string[]): void {
  checkKnownKeys(
    api,
    options,
    known,
    (code, message) => new DataError(code === 'INVALID_OPTIONS' ? 'INVALID_ARGUMENT' : code, message),
  );
}
