/**
 * The worker thread of {@link ScanPool}: scans one file's appended bytes with summary's scanEventScalars and
 * sends back the scalars as columns per tag (transferred, not copied), the other records decoded, the tags'
 * plugins and where the scan stopped. The same filing rules as the main thread (acceptsScalar, notePlugins).
 */
import { parentPort } from 'node:worker_threads';
import { type Event, EventFileCorruptError, SummaryError, scanEventScalars } from '@estimatorjs/summary';
import { notePlugins } from '../run-values.js';
import { type ScalarSeries, scalarSink } from '../scalar-series.js';
import { framedRecords } from './framed-records.js';
import { fingerprintOf } from './index-cache.js';
import type { ScanReply, ScanRequest } from './scan-pool.js';

parentPort?.on('message', (req: ScanRequest) => {
  const plugins = new Map(req.plugins);
  const series = new Map<string, ScalarSeries>();
  const events: Event[] = [];
  const offsets: number[] = [];
  let consumed = 0;
  let damage: ScanReply['damage'];
  try {
    consumed = scanEventScalars(
      req.bytes,
      {
        scalar: scalarSink(plugins, series),
        event: (ev) => {
          notePlugins(plugins, ev);
          offsets.push(ev.offset ?? 0);
          events.push(ev);
        },
      },
      { source: req.source, onTruncated: 'stop' },
    );
  } catch (e) {
    if (e instanceof EventFileCorruptError) damage = { kind: e.kind, offset: e.offset };
    else if (e instanceof SummaryError && e.code === 'SUMMARY_BAD_PROTO')
      damage = { kind: 'bad-event', offset: consumed };
    else damage = { kind: 'error', offset: consumed, message: String((e as Error)?.message ?? e) };
  }
  const columns = [...series].map(([tag, s]) => ({ tag, ...s.columns() }));
  const records = framedRecords(req.bytes, offsets);
  const end = damage ? damage.offset : consumed;
  const fingerprint = end > 0 ? fingerprintOf(req.bytes, 0, end) : undefined;
  const reply: ScanReply = {
    id: req.id,
    consumed,
    damage,
    events,
    plugins: [...plugins],
    columns,
    records,
    fingerprint,
  };
  parentPort!.postMessage(reply, [
    ...columns.flatMap((c) => [c.steps.buffer, c.walls.buffer, c.values.buffer] as ArrayBuffer[]),
    records.buffer as ArrayBuffer,
  ]);
});
