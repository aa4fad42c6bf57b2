/**
 * Test oracle: TensorBoard's per-run tag rules, applied to decoded values.
 *
 * - The plugin that owns a tag is fixed by the tag's first value in the run: old-style values (simple_value,
 *   histo, image, audio) belong to scalars/histograms/images/audio; a tensor value needs SummaryMetadata with a
 *   plugin_name on (at least) its first occurrence, or no dashboard shows it.
 * - What each plugin accepts (tensorboard/plugins/*\/summary_v2.py and the Rust data server's conversions):
 *   scalars: one DT_FLOAT of rank 0 (the default fast loader rejects anything else); histograms: numeric [k, 3]
 *   rows of (left, right, count); images: DT_STRING [2 + k] = width, height, encoded images; text: DT_STRING.
 */
import { DT_FLOAT, DT_STRING, type OracleTensor, type OracleValue } from './oracle-event.js';

/** One issue found in a logdir. */
export interface EventFileIssue {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly offset?: number;
  readonly run?: string;
  readonly tag?: string;
}

/** One value of a tag: the step, the wall time in seconds, and a summary of the value (see {@link TagSeries}). */
export interface TagPoint {
  readonly step: number;
  readonly wallTime: number;
  readonly value: unknown;
}

/**
 * Everything a run holds for one tag. `kind` is the dashboard: scalar (value: number), histogram
 * (value: {buckets, count, min, max}), image (value: {images, width, height, format}), audio, text (value: string),
 * or tensor (any other plugin; `plugin` names it).
 */
export interface TagSeries {
  readonly kind: string;
  readonly plugin: string;
  /** How the values were stored: simple_value, tensor, histo, image, audio. */
  readonly storedAs: string[];
  readonly points: TagPoint[];
}

const OLD_STYLE_PLUGIN: Record<string, string> = {
  simple_value: 'scalars',
  histo: 'histograms',
  image: 'images',
  audio: 'audio',
};
const KIND_OF_PLUGIN: Record<string, string> = {
  scalars: 'scalar',
  histograms: 'histogram',
  images: 'image',
  audio: 'audio',
  text: 'text',
};

/** The image format from its magic bytes, or null. */
function sniffImage(b: Uint8Array): string | null {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'gif';
  return null;
}

const utf8 = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array(0));

type Report = (code: string, message: string, severity?: 'error' | 'warning') => void;

function tensorValue(plugin: string, t: OracleTensor, report: Report): unknown {
  const shape = t.shape ?? [];
  if (plugin === 'scalars') {
    const rank0Float = t.dtype === DT_FLOAT && t.shape !== null && shape.length === 0;
    const oneValue = t.typedCount === 1 || (t.typedCount === 0 && t.contentBytes === 4);
    if (!rank0Float || !oneValue)
      report('scalar-tensor', `scalars tensor must be one DT_FLOAT of rank 0; got dtype ${t.dtype} [${shape}]`);
    return t.numbers?.[0];
  }
  if (plugin === 'histograms') {
    const rows = shape[0] ?? 0;
    if (t.numbers === null || shape.length !== 2 || shape[1] !== 3 || t.numbers.length !== rows * 3) {
      report('histogram-tensor', `histograms tensor must be numeric [k, 3]; got dtype ${t.dtype} [${shape}]`);
      return undefined;
    }
    let count = 0;
    for (let r = 0; r < rows; r++) count += t.numbers[r * 3 + 2]!;
    return { buckets: rows, count, min: t.numbers[0], max: t.numbers[rows * 3 - 2] };
  }
  if (plugin === 'images') {
    if (t.dtype !== DT_STRING || shape.length !== 1 || t.strings.length < 2) {
      report('image-tensor', `images tensor must be DT_STRING [2 + k]; got dtype ${t.dtype} [${shape}]`);
      return undefined;
    }
    const formats = new Set(t.strings.slice(2).map((s) => sniffImage(s) ?? '?'));
    if (formats.has('?')) report('image-format', 'an encoded image is not PNG, JPEG or GIF', 'warning');
    return {
      images: t.strings.length - 2,
      width: Number(utf8(t.strings[0])),
      height: Number(utf8(t.strings[1])),
      format: [...formats].sort().join('/'),
    };
  }
  if (plugin === 'text') {
    if (t.dtype !== DT_STRING) report('text-dtype', `text tensor has dtype ${t.dtype}, expected DT_STRING`);
    return utf8(t.strings[0]);
  }
  return t.numbers?.length === 1 ? t.numbers[0] : { dtype: t.dtype, shape };
}

/** Adds one value to its run's tags, applying TensorBoard's rules; problems go to `report`. */
export function addValue(
  tags: Record<string, TagSeries>,
  v: OracleValue,
  step: number,
  wallTime: number,
  report: (code: string, message: string, tag: string, severity?: 'error' | 'warning') => void,
): void {
  const tag = v.tag;
  const say: Report = (code, message, severity) => report(code, message, tag, severity);
  if (!tag) say('empty-tag', 'Summary.Value with an empty tag');
  if (v.data.kind === 'none') {
    say('empty-value', `value of ${tag} holds no data`, 'warning');
    return;
  }
  let series = tags[tag];
  if (series === undefined) {
    const plugin = OLD_STYLE_PLUGIN[v.data.kind] ?? v.metadata?.pluginName ?? '';
    if (v.data.kind === 'tensor' && !plugin)
      say('no-metadata', `the first tensor value of ${tag} has no plugin_name: no dashboard shows it`);
    series = { kind: KIND_OF_PLUGIN[plugin] ?? 'tensor', plugin, storedAs: [], points: [] };
    tags[tag] = series;
  }
  if (!series.storedAs.includes(v.data.kind)) series.storedAs.push(v.data.kind);
  let value: unknown;
  const data = v.data;
  if (data.kind === 'simple_value') value = data.simpleValue;
  else if (data.kind === 'tensor') value = tensorValue(series.plugin, data.tensor, say);
  else if (data.kind === 'histo') {
    const h = data.histo;
    if (h.bucket.length !== h.bucketLimit.length)
      say('histo-buckets', `${h.bucket.length} bucket counts but ${h.bucketLimit.length} bucket limits`);
    value = { buckets: h.bucket.length, count: h.num, min: h.min, max: h.max };
  } else if (data.kind === 'image') {
    const format = sniffImage(data.image.encoded);
    if (format === null) say('image-format', 'encoded image is not PNG, JPEG or GIF', 'warning');
    value = { images: 1, width: data.image.width, height: data.image.height, format };
  } else value = { bytes: data.bytes };
  if (OLD_STYLE_PLUGIN[data.kind] !== undefined && OLD_STYLE_PLUGIN[data.kind] !== series.plugin)
    say('kind-mix', `${tag} mixes ${data.kind} values into plugin ${series.plugin}`, 'warning');
  series.points.push({ step, wallTime, value });
}
