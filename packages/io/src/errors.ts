import { EstimatorError } from '@estimatorjs/errors';

/**
 * Bytes that are not the protobuf message the caller expected (code `DATA_LOSS`). Callers that own a message
 * schema catch it at their public API and rethrow their own error with this one as `cause`.
 * @example
 *   try { new ProtoReader(bytes, 'Event').fields().next(); } catch (e) { if (e instanceof ProtoDecodeError) throw new MyError('BAD', e.message); }
 */
export class ProtoDecodeError extends EstimatorError {
  constructor(message: string) {
    super('DATA_LOSS', message);
    this.name = 'ProtoDecodeError';
  }
}

/** What is wrong with a TFRecord: cut short, or a CRC that does not match its bytes. */
export type TFRecordCorruption = 'truncated' | 'length-crc' | 'data-crc';

/**
 * A damaged TFRecord stream (code `DATA_LOSS`): `offset` is the stream offset of the damaged record's first byte,
 * `index` its position (0-based) in the stream.
 * @example
 *   try { readTFRecords(bytes); } catch (e) { if (e instanceof TFRecordCorruptError) console.log(e.kind, 'record', e.index, 'at byte', e.offset); }
 */
export class TFRecordCorruptError extends EstimatorError {
  readonly kind: TFRecordCorruption;
  readonly offset: number;
  readonly index: number;
  constructor(kind: TFRecordCorruption, offset: number, index: number, message: string) {
    super('DATA_LOSS', message);
    this.name = 'TFRecordCorruptError';
    this.kind = kind;
    this.offset = offset;
    this.index = index;
  }
}
