/**
 * Turning one Summary.Value into what the board draws, whatever way TF stored it: scalars (`simple_value` or a
 * rank-0 tensor of the `scalars` plugin), histograms (old-style `histo` or a `histograms` [k, 3] tensor of
 * (left, right, count) rows), images (old-style `image` or an `images` DT_STRING [2 + k] tensor: width, height,
 * encoded images) and text (a `text` DT_STRING tensor).
 */
import { type Event, type HistogramValue, type SummaryValue, scalarValue, tensorValues } from '@estimatorjs/summary';

/** One histogram: `[left, right, count]` rows. */
export type HistogramRows = [left: number, right: number, count: number][];

/** What one value holds, by dashboard. */
export type BoardValue =
  | { readonly kind: 'scalar'; readonly value: number }
  | { readonly kind: 'histogram'; readonly rows: HistogramRows }
  | { readonly kind: 'image'; readonly width: number; readonly height: number; readonly images: Uint8Array[] }
  | { readonly kind: 'text'; readonly text: string };

const utf8 = new TextDecoder();

/**
 * Classifies `v`; `plugin` is the plugin the tag was first written with (TF 2 writes a tag's metadata on its
 * first value only). Undefined for what the board does not show (audio, other plugins' tensors).
 * @example
 *   const shown = boardValue(summaryValue, 'scalars');
 *   if (shown?.kind === 'scalar') console.log(shown.value);
 */
export function boardValue(v: SummaryValue, plugin: string | undefined): BoardValue | undefined {
  if (v.simpleValue !== undefined) return { kind: 'scalar', value: v.simpleValue };
  if (v.histo) return { kind: 'histogram', rows: legacyRows(v.histo) };
  if (v.image) {
    const { width, height, encodedImageString } = v.image;
    return { kind: 'image', width, height, images: [encodedImageString] };
  }
  const t = v.tensor;
  if (!t) return undefined;
  if (plugin === undefined || plugin === 'scalars') {
    const value = scalarValue(v);
    return value === undefined ? undefined : { kind: 'scalar', value };
  }
  if (plugin === 'histograms' && t.shape.length === 2 && t.shape[1] === 3 && t.dtype !== 7) {
    const n = tensorValues(t) as number[];
    const rows: HistogramRows = [];
    for (let i = 0; i + 2 < n.length; i += 3) rows.push([n[i]!, n[i + 1]!, n[i + 2]!]);
    return { kind: 'histogram', rows };
  }
  if (plugin === 'images' && t.dtype === 7 && t.stringVal.length >= 2) {
    const [w, h, ...images] = t.stringVal;
    return { kind: 'image', width: Number(utf8.decode(w)), height: Number(utf8.decode(h)), images };
  }
  if (plugin === 'text' && t.dtype === 7) {
    return { kind: 'text', text: t.stringVal.map((s) => utf8.decode(s)).join('\n') };
  }
  return undefined;
}

/** Notes in `plugins` the plugin of each tag of `ev` first written with one (TF 2 names it on a tag's first value only). */
export function notePlugins(plugins: Map<string, string>, ev: Event): void {
  for (const v of ev.summary?.value ?? []) {
    const plugin = v.metadata?.pluginName;
    if (plugin && !plugins.has(v.tag)) plugins.set(v.tag, plugin);
  }
}

/**
 * Whether a scalar of summary's fast path (scanEventScalars) is one the board shows, noting the tag's plugin in
 * `plugins`: TF 2 writes a tag's metadata on its first value only, so a tensor without metadata is a scalar only
 * when the tag's first plugin was `scalars` (or none), as {@link boardValue} decides for decoded values.
 */
export function acceptsScalar(plugins: Map<string, string>, tag: string, plugin: string, tensor: boolean): boolean {
  if (plugin !== '' && !plugins.has(tag)) plugins.set(tag, plugin);
  if (!tensor) return true;
  const first = plugins.get(tag);
  return first === undefined || first === 'scalars';
}

/**
 * TF 1.x `HistogramProto`: bucket i spans (limit[i-1], limit[i]]; the outer edges are ±DBL_MAX, so they are
 * clamped to the observed min and max as TensorBoard does.
 */
function legacyRows(h: HistogramValue): HistogramRows {
  const rows: HistogramRows = [];
  const clamp = (x: number) => Math.min(Math.max(x, h.min), h.max);
  h.bucket.forEach((count, i) => {
    const left = i === 0 ? h.min : clamp(h.bucketLimit[i - 1]!);
    const right = clamp(h.bucketLimit[i] ?? h.max);
    rows.push([left, right, count]);
  });
  return rows;
}
