/**
 * The test oracle for TensorBoard event files: reads every `*tfevents*` file under a logdir the way
 * `tensorboard --logdir` does and reports what each run holds, or what TensorBoard would reject.
 *
 * Owns: finding runs (every directory holding an event file is a run named by its path relative to the logdir,
 * "." for the logdir itself, so an Estimator's evaluation summaries in `modelDir/eval` are the run "eval"), reading
 * a run's files in name order, TFRecord framing with both CRCs (length and payload), the `brain.Event:2` header,
 * and `--expect`-style expectations ("./loss", "eval/accuracy@scalar").
 * Does not own: protobuf decoding (internal/oracle-event.ts) and plugin rules (internal/oracle-tags.ts).
 *
 * Independent of the code under test by design: it never imports @estimatorjs/summary or @estimatorjs/io, and it
 * is itself checked against event files written by TensorFlow (testdata/). Under CI, suites may also run the
 * external Python checker named by TFEVENTS_CHECK, which implements the same format a third time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { oracleMaskedCrc32c } from './internal/oracle-castagnoli.js';
import { decodeOracleEvent } from './internal/oracle-event.js';
import { addValue, type EventFileIssue, type TagSeries } from './internal/oracle-tags.js';
import { WireError } from './internal/oracle-wire.js';

export type { EventFileIssue, TagPoint, TagSeries } from './internal/oracle-tags.js';

/** What one run (one directory) holds. */
export interface RunReport {
  readonly files: string[];
  /** Events read, the file_version header included. */
  events: number;
  /** The serialized GraphDef of every graph_def event, in order. */
  readonly graphDefs: Uint8Array[];
  readonly tags: Record<string, TagSeries>;
}

export interface EventFileReport {
  /** No errors (and, with `strict`, no warnings). */
  readonly ok: boolean;
  readonly issues: readonly EventFileIssue[];
  /** Runs by name ("." = the logdir itself). */
  readonly runs: Record<string, RunReport>;
  readonly files: readonly string[];
}

export interface CheckEventFilesOptions {
  /**
   * Tags that must be present, as `RUN/TAG` or `RUN/TAG@KIND` (kind: scalar, histogram, image, audio, text,
   * tensor). `./loss` is the tag `loss` of the logdir itself; `eval/accuracy` the tag `accuracy` of run `eval`.
   */
  readonly expect?: readonly string[];
  /** Count warnings (a wall time in milliseconds, an unrecognised image format, ...) as failures. */
  readonly strict?: boolean;
}

const HEADER = 12; // uint64 length + uint32 masked CRC of the length
const FOOTER = 4; // uint32 masked CRC of the payload

/** [run, file] pairs in the order TensorBoard reads them. */
function findEventFiles(path: string): [string, string][] {
  if (statSync(path).isFile()) return [['.', path]];
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const run = relative(path, dir).split(sep).join('/') || '.';
    for (const e of entries) if (e.isFile() && e.name.includes('tfevents')) out.push([run, join(dir, e.name)]);
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(path);
  return out;
}

function checkFile(file: string, run: RunReport, issue: (i: Omit<EventFileIssue, 'file'>) => void): void {
  if (!basename(file).startsWith('events.out.tfevents.'))
    issue({ severity: 'warning', code: 'file-name', message: "name does not start with 'events.out.tfevents.'" });
  const data = new Uint8Array(readFileSync(file));
  if (data.length === 0) {
    issue({ severity: 'error', code: 'empty-file', message: 'the file is empty' });
    return;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const fail = (code: string, offset: number, message: string) =>
    issue({ severity: 'error', code, offset, message: `byte ${offset}: ${message}` });
  let index = 0;
  // TensorBoard stops reading a file at its first bad record, so every framing error ends the file.
  for (let pos = 0; pos < data.length; index++) {
    const left = data.length - pos;
    if (left < HEADER) {
      fail('truncated-header', pos, `${left} byte(s) left, a record header needs ${HEADER}`);
      return;
    }
    const length = view.getBigUint64(pos, true);
    if (oracleMaskedCrc32c(data, pos, pos + 8) !== view.getUint32(pos + 8, true)) {
      fail('length-crc-mismatch', pos, `the masked CRC-32C of the length field (${length}) does not match`);
      return;
    }
    const body = left - HEADER;
    if (BigInt(body) < length) {
      fail('truncated-data', pos, `length says ${length} bytes, ${body} left`);
      return;
    }
    const start = pos + HEADER;
    const end = start + Number(length);
    if (data.length - end < FOOTER) {
      fail('truncated-data-crc', pos, 'the payload CRC is cut off');
      return;
    }
    if (oracleMaskedCrc32c(data, start, end) !== view.getUint32(end, true)) {
      fail('data-crc-mismatch', pos, `the masked CRC-32C of the ${length}-byte payload does not match`);
      return;
    }
    pos = end + FOOTER;

    let ev: ReturnType<typeof decodeOracleEvent>;
    try {
      ev = decodeOracleEvent(data.subarray(start, end));
    } catch (e) {
      if (e instanceof WireError) {
        fail('bad-event-proto', start - HEADER, `not an Event proto: ${e.message}`);
        return;
      }
      throw e;
    }
    const offset = start - HEADER;
    for (const p of ev.problems) fail('proto-field', offset, p);
    if (index === 0 && ev.what !== 'file_version')
      fail('no-file-version', 0, `the first record is a ${ev.what} event, expected file_version "brain.Event:2"`);
    if (index === 0 && ev.what === 'file_version' && ev.fileVersion !== 'brain.Event:2')
      fail('bad-file-version', 0, `file_version is ${JSON.stringify(ev.fileVersion)}, expected "brain.Event:2"`);
    if (ev.wallTime === undefined && ev.what !== 'file_version')
      issue({ severity: 'warning', code: 'no-wall-time', offset, message: `byte ${offset}: event without wall_time` });
    if (ev.wallTime !== undefined && ev.wallTime > 1e11)
      issue({
        severity: 'warning',
        code: 'wall-time-ms',
        offset,
        message: `byte ${offset}: wall_time ${ev.wallTime} looks like milliseconds; TensorBoard wants seconds`,
      });
    run.events++;
    if (ev.what === 'graph_def') run.graphDefs.push(ev.graphDef);
    if (ev.what === 'summary')
      for (const v of ev.values)
        addValue(run.tags, v, ev.step, ev.wallTime ?? 0, (code, message, tag, severity = 'error') =>
          issue({ severity, code, offset, tag, message: `byte ${offset}: ${message}` }),
        );
  }
}

/** Which run and tag an expectation names: every split at a "/" in order, then the whole text in run ".". */
function resolveExpectation(runs: Record<string, RunReport>, body: string): [string, TagSeries] | undefined {
  for (let i = body.indexOf('/'); i >= 0; i = body.indexOf('/', i + 1)) {
    const series = runs[body.slice(0, i)]?.tags[body.slice(i + 1)];
    if (series) return [body.slice(0, i), series];
  }
  const series = runs['.']?.tags[body];
  return series ? ['.', series] : undefined;
}

/** Reads every event file under `path` (a logdir or one file) as TensorBoard does; see {@link EventFileReport}. */
export function checkEventFiles(path: string, options: CheckEventFilesOptions = {}): EventFileReport {
  const issues: EventFileIssue[] = [];
  const runs: Record<string, RunReport> = {};
  const found = findEventFiles(path);
  if (found.length === 0)
    issues.push({ severity: 'error', code: 'no-event-files', message: `no file with "tfevents" in its name` });
  for (const [name, file] of found) {
    runs[name] ??= { files: [], events: 0, graphDefs: [], tags: {} };
    const run = runs[name];
    run.files.push(file);
    checkFile(file, run, (i) => issues.push({ ...i, file, run: name }));
  }
  for (const spec of options.expect ?? []) {
    const at = spec.lastIndexOf('@');
    const [body, kind] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
    const hit = resolveExpectation(runs, body);
    if (hit === undefined) issues.push({ severity: 'error', code: 'expect-missing', message: `no tag ${spec}` });
    else if (kind !== undefined && hit[1].kind !== kind)
      issues.push({ severity: 'error', code: 'expect-kind', message: `${spec} is a ${hit[1].kind}, not a ${kind}` });
  }
  const failing = issues.filter((i) => i.severity === 'error' || options.strict);
  return { ok: failing.length === 0, issues, runs, files: found.map(([, f]) => f) };
}

/** One line per issue plus the tags each run holds: what a failing test should print. */
export function describeEventFileReport(report: EventFileReport): string {
  const lines = report.issues.map(
    (i) => `${i.severity} ${i.code}${i.file ? ` in ${i.file}` : ''}${i.tag ? ` (tag ${i.tag})` : ''}: ${i.message}`,
  );
  for (const [name, run] of Object.entries(report.runs))
    lines.push(`run ${name}: ${Object.keys(run.tags).sort().join(', ') || 'no tags'}`);
  return lines.join('\n');
}

/** {@link checkEventFiles}, throwing one error that lists every problem unless the logdir passes. */
export function expectEventFiles(path: string, options: CheckEventFilesOptions = {}): EventFileReport {
  const report = checkEventFiles(path, options);
  if (!report.ok) throw new Error(`event files under ${path} fail the check:\n${describeEventFileReport(report)}`);
  return report;
}
