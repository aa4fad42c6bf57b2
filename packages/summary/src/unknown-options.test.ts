import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, describe, expect, it } from 'vitest';
import { createBrowserWriter } from './create-browser-writer.js';
import { SummaryError } from './errors.js';
import { EventWriter } from './event-writer.js';
import { eventFilesAsBlobs, listIndexedDbEventFiles } from './indexed-db-event-sink.js';
import { MemoryEventSink } from './memory-event-sink.js';
import { createFileWriter } from './node/create-file-writer.js';
import { readEvents } from './node/read-events.js';
import { encodePng } from './png.js';
import { readEventRecords } from './read-event-records.js';

const dir = mkdtempSync(join(tmpdir(), 'summary-unknown-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function errorOf(fn: () => unknown): Promise<SummaryError> {
  try {
    const r = fn();
    if (r && typeof (r as AsyncGenerator).next === 'function') await (r as AsyncGenerator).next();
    await r;
  } catch (e) {
    return e as SummaryError;
  }
  throw new Error('expected an error');
}

describe('options objects refuse unknown keys, naming the nearest known one', () => {
  const writer = new EventWriter(new MemoryEventSink(), { flushSecs: 0 });
  const cases: [string, () => unknown, RegExp][] = [
    [
      'EventWriter',
      () => new EventWriter(new MemoryEventSink(), { flush_secs: 0 } as never),
      /^new EventWriter\(\): unknown option "flush_secs"\. Did you mean "flushSecs"\? Known options: "logdir", "flushSecs", "maxQueue", "clock"\.$/,
    ],
    [
      'createFileWriter',
      () => createFileWriter(dir, { filename_suffix: '.v2' } as never),
      /^createFileWriter\(\): unknown option "filename_suffix"\. Did you mean "filenameSuffix"\?/,
    ],
    [
      'createBrowserWriter',
      () => createBrowserWriter('runs/a', { indexedDb: new IDBFactory() } as never),
      /^createBrowserWriter\(\): unknown option "indexedDb"\. Did you mean "indexedDB"\?/,
    ],
    [
      'listIndexedDbEventFiles',
      () => listIndexedDbEventFiles({ logDir: 'runs' } as never),
      /^listIndexedDbEventFiles\(\): unknown option "logDir"\. Did you mean "logdir"\?/,
    ],
    [
      'histogram',
      () => writer.histogram('h', [1, 2], 0, { bucket: 3 } as never),
      /^histogram\(\): unknown option "bucket"\. Did you mean "buckets"\?/,
    ],
    [
      'image',
      () => writer.image('i', null as never, 0, { max_outputs: 3 } as never),
      /^image\(\): unknown option "max_outputs"\. Did you mean "maxOutputs"\?/,
    ],
    [
      'sessionLog',
      () => writer.sessionLog('start', 0, { msgs: 'x' } as never),
      /^sessionLog\(\): unknown option "msgs"\. Did you mean "msg"\?/,
    ],
    [
      'readEventRecords',
      () => readEventRecords(new Uint8Array(0), { check_data_crc: false } as never),
      /^readEventRecords\(\): unknown option "check_data_crc"\. Did you mean "checkDataCrc"\?/,
    ],
    [
      'readEvents',
      () => readEvents(dir, { on_truncated: 'stop' } as never),
      /^readEvents\(\): unknown option "on_truncated"\. Did you mean "onTruncated"\?/,
    ],
    [
      'encodePng',
      () => encodePng(new Uint8Array(1), 1, 1, 1, { compress: 'store' } as never),
      /^encodePng\(\): unknown option "compress"\. Did you mean "compression"\?/,
    ],
  ];
  it.each(cases)('%s', async (_name, fn, message) => {
    const e = await errorOf(fn);
    expect(e).toBeInstanceOf(SummaryError);
    expect(e.code).toBe('UNKNOWN_OPTION');
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('the browser writer and eventFilesAsBlobs still hand only the IndexedDB options on', async () => {
    const indexedDB = new IDBFactory();
    const w = createBrowserWriter('runs/a', { indexedDB, host: 'test', flushSecs: 0, filenameSuffix: '.x' });
    w.scalar('loss', 1, 1);
    await w.close();
    const blobs = await eventFilesAsBlobs({ indexedDB, logdir: 'runs' });
    expect(blobs.map((b) => b.name)).toEqual([expect.stringMatching(/^runs\/a\/events\.out\.tfevents\.\d+\.test\.x$/)]);
  });

  it('a non-object options argument is SUMMARY_ARGUMENT', async () => {
    const e = await errorOf(() => writer.histogram('h', [1], 0, 5 as never));
    expect(e.code).toBe('SUMMARY_ARGUMENT');
    expect(e.message).toBe('histogram(): options must be an object. Received 5.');
  });
});
