/** Reading event files from disk (Node): one file, or every event file of a directory. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SummaryError } from '../errors.js';
import type { Event } from '../event.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { decodeRecord } from '../read-event-records.js';
import { type ReadTFRecordsOptions, readTFRecords } from '../tfrecord.js';

/** Options of {@link readEvents}. */
export type ReadEventsOptions = Omit<ReadTFRecordsOptions, 'source'>;

/**
 * The event files directly in `dir` (names containing `tfevents`), in name order, as TensorBoard reads a run.
 * @example
 *   const files = await listEventFiles('/tmp/model/eval');
 */
export async function listEventFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => n.includes('tfevents'))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * Decoded Events of an event file, or of every event file directly in a directory (in name order), each with its
 * byte `offset`. Throws `EventFileCorruptError` (file + offset) at a damaged record.
 * @example
 *   import { scalarValue } from '@estimatorjs/summary';
 *   for await (const ev of readEvents('/tmp/model')) {
 *     for (const v of ev.summary?.value ?? []) console.log(ev.step, v.tag, scalarValue(v));
 *   }
 */
export async function* readEvents(path: string, options: ReadEventsOptions = {}): AsyncGenerator<Event> {
  checkOptionKeys('readEvents()', options, KNOWN_OPTIONS.readEvents);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    throw new SummaryError('SUMMARY_IO', `readEvents(): cannot read '${path}': ${(e as Error).message}`, { cause: e });
  }
  const files = info.isDirectory() ? await listEventFiles(path) : [path];
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(file));
    for (const rec of readTFRecords(bytes, { ...options, source: file }))
      yield decodeRecord(rec.data, rec.offset, file);
  }
}
