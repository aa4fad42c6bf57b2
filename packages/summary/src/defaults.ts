/** Default values, in one place. */

/**
 * Seconds between background flushes of an {@link EventWriter} (TF uses 120; a crash loses at most this much).
 * @example
 *   import { createFileWriter } from '@estimatorjs/summary/node';
 *   createFileWriter(dir, { flushSecs: DEFAULT_FLUSH_SECS * 2 });
 */
export const DEFAULT_FLUSH_SECS = 5;

/**
 * Buffered events that trigger a background flush before the timer fires (TF's `max_queue` is 10).
 * @example
 *   new EventWriter(sink, { maxQueue: DEFAULT_MAX_QUEUE });
 */
export const DEFAULT_MAX_QUEUE = 100;

/**
 * Buckets of a histogram summary (TF2's `tf.summary.histogram` default).
 * @example
 *   writer.histogram('w', values, step, { buckets: DEFAULT_HISTOGRAM_BUCKETS });
 */
export const DEFAULT_HISTOGRAM_BUCKETS = 30;

/**
 * Images written per `image()` call for a batch (TF's `max_outputs`).
 * @example
 *   writer.image('input', batch, step, { maxOutputs: DEFAULT_IMAGE_MAX_OUTPUTS });
 */
export const DEFAULT_IMAGE_MAX_OUTPUTS = 3;

/**
 * The `file_version` of the first record of every event file.
 * @example
 *   readEventRecords(bytes)[0]?.fileVersion === FILE_VERSION
 */
export const FILE_VERSION = 'brain.Event:2';
