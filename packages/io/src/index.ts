export { isCpuMemoryBackend } from './cpu-memory-backends.js';
export { crc32c, maskCrc32c, maskedCrc32c } from './crc32c.js';
export { ProtoDecodeError, TFRecordCorruptError, type TFRecordCorruption } from './errors.js';
export { nextOpSeed, withGraphSeed } from './graph-seed.js';
export { idbRequest, idbTransactionDone, indexedDbFactory, openIdb } from './indexed-db.js';
export {
  EXACT_FUSED_MATMUL_KERNEL,
  type ExactFusedMatMulAttrs,
  type ExactFusedMatMulInputs,
} from './matmul-kernels.js';
export {
  APPLY_ADAM_KERNEL,
  APPLY_MOMENTUM_KERNEL,
  APPLY_RMSPROP_KERNEL,
  type ApplyAdamAttrs,
  type ApplyAdamInputs,
  type ApplyMomentumAttrs,
  type ApplyMomentumInputs,
  type ApplyRMSPropAttrs,
  type ApplyRMSPropInputs,
} from './optimizer-kernels.js';
export { type ProtoField, ProtoReader, readVarint, text, toInt32, toInt64, varints } from './proto-reader.js';
export { ProtoWriter } from './proto-writer.js';
export { READ_INTO_KERNEL, type ReadIntoAttrs, type ReadIntoInputs } from './read-into-kernel.js';
export {
  encodeTFRecord,
  encodeTFRecords,
  type ReadTFRecordsOptions,
  readTFRecords,
  sealTFRecord,
  TFRECORD_OVERHEAD,
  type TFRecord,
} from './tfrecord.js';
export { TFRecordFramer, type TFRecordFramerOptions } from './tfrecord-framer.js';
