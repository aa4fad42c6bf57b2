/** This package's decoders read bytes with @estimatorjs/io's wire reader; their callers get this package's error. */
import { ProtoDecodeError } from '@estimatorjs/io';
import { SummaryError } from '../errors.js';

/** Runs `decode`, turning io's `ProtoDecodeError` into a `SummaryError` with code `SUMMARY_BAD_PROTO`. */
export function badProtoAsSummaryError<T>(decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof ProtoDecodeError) throw new SummaryError('SUMMARY_BAD_PROTO', e.message, { cause: e });
    throw e;
  }
}
