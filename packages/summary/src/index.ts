export { crc32c, maskCrc32c } from '@estimatorjs/io';
export { type BrowserWriterOptions, createBrowserWriter } from './create-browser-writer.js';
export {
  DEFAULT_FLUSH_SECS,
  DEFAULT_HISTOGRAM_BUCKETS,
  DEFAULT_IMAGE_MAX_OUTPUTS,
  DEFAULT_MAX_QUEUE,
  FILE_VERSION,
} from './defaults.js';
export { type CorruptionKind, EventFileCorruptError, SummaryError } from './errors.js';
export type {
  Event,
  HistogramValue,
  ImageValue,
  SummaryMetadata,
  SummaryValue,
  TensorValue,
} from './event.js';
export { decodeEvent, decodeTensor, scalarValue, tensorValues } from './event-decoder.js';
export { EventWriter, type EventWriterOptions, type WriterClock } from './event-writer.js';
export { type DecodedGraph, decodeGraphDef, encodeGraphDef, type GraphAttr, type GraphNode } from './graph-def.js';
export {
  experimental_graphFromKernels,
  type TracedKernel,
  type TracedTensor,
} from './graph-from-kernels.js';
export { histogramBuckets } from './histogram-buckets.js';
export { formatHParams, HPARAMS_TAG, type HParamsValue, parseHParams } from './hparams-text.js';
export {
  DEFAULT_SUMMARY_DB,
  deleteIndexedDbEventFiles,
  type EventFileBlob,
  eventFilesAsBlobs,
  IndexedDbEventSink,
  type IndexedDbOptions,
  listIndexedDbEventFiles,
  readIndexedDbEventFile,
  type StoredEventFile,
} from './indexed-db-event-sink.js';
export { MemoryEventSink } from './memory-event-sink.js';
export { type EncodePngOptions, encodePng } from './png.js';
export { readEventRecords } from './read-event-records.js';
export { type EventScalarVisitor, scanEventScalars } from './scan-event-scalars.js';
export type {
  EventSink,
  HistogramInput,
  HistogramOptions,
  ImageOptions,
  SessionLogOptions,
  SessionStatus,
  SummaryWriter,
} from './summary-writer.js';
export { encodeTFRecord, type ReadTFRecordsOptions, readTFRecords, type TFRecord } from './tfrecord.js';
