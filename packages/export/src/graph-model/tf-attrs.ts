/**
 * TF `AttrValue`s in the proto3 JSON form tfjs-converter reads from model.json (`{ i }`, `{ list: { i: [...] } }`,
 * `{ s: base64 }`, `{ type: 'DT_FLOAT' }`, `{ shape: { dim: [{ size }] } }`). int64 values are decimal strings, as
 * protobuf's JSON mapping writes them.
 */
import type { TracedDType } from '@estimatorjs/estimator';

/** A TF AttrValue in proto3 JSON. */
export type AttrValue =
  | { readonly i: string }
  | { readonly f: number }
  | { readonly b: boolean }
  | { readonly s: string }
  | { readonly type: string }
  | { readonly shape: { readonly dim?: readonly { readonly size: string }[] } }
  | {
      readonly list: {
        readonly i?: readonly string[];
        readonly s?: readonly string[];
        readonly type?: readonly string[];
      };
    }
  | {
      readonly tensor: {
        readonly dtype: string;
        readonly tensorShape: { readonly dim?: readonly { readonly size: string }[] };
      };
    };

/** TF's DataType names for tfjs dtypes. */
export const TF_DTYPE: Readonly<Record<TracedDType, string>> = {
  float32: 'DT_FLOAT',
  int32: 'DT_INT32',
  bool: 'DT_BOOL',
  string: 'DT_STRING',
};

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export const attr = {
  int: (v: number): AttrValue => ({ i: String(Math.trunc(v)) }),
  float: (v: number): AttrValue => ({ f: v }),
  bool: (v: boolean): AttrValue => ({ b: v }),
  str: (v: string): AttrValue => ({ s: base64(v) }),
  ints: (v: readonly number[]): AttrValue => ({ list: { i: v.map((x) => String(Math.trunc(x))) } }),
  strs: (v: readonly string[]): AttrValue => ({ list: { s: v.map(base64) } }),
  type: (d: TracedDType): AttrValue => ({ type: TF_DTYPE[d] }),
  shape: (s: readonly number[]): AttrValue => ({ shape: shapeProto(s) }),
  tensor: (d: TracedDType, s: readonly number[]): AttrValue => ({
    tensor: { dtype: TF_DTYPE[d], tensorShape: shapeProto(s) },
  }),
};

/** A TensorShapeProto in JSON (`dim` omitted for scalars, as protobuf's JSON omits empty lists). */
export function shapeProto(s: readonly number[]): { dim?: { size: string }[] } {
  return s.length === 0 ? {} : { dim: s.map((d) => ({ size: String(d) })) };
}
