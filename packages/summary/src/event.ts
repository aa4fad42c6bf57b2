/** Decoded shapes of the protos an event file holds (TF's `Event`, `Summary`, `TensorProto`, …). */

/** A decoded `TensorProto`. Repeated value fields are empty when absent. */
export interface TensorValue {
  /** TF `DataType` enum value (1 = DT_FLOAT, 2 = DT_DOUBLE, 7 = DT_STRING, …). */
  readonly dtype: number;
  /** `DT_FLOAT`, `DT_DOUBLE`, … */
  readonly dtypeName: string;
  /** Dimension sizes; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Raw little-endian element bytes, when the writer used `tensor_content`. */
  readonly tensorContent?: Uint8Array;
  readonly floatVal: readonly number[];
  readonly doubleVal: readonly number[];
  readonly intVal: readonly number[];
  readonly int64Val: readonly number[];
  readonly boolVal: readonly boolean[];
  readonly halfVal: readonly number[];
  readonly stringVal: readonly Uint8Array[];
}

/** A decoded `SummaryMetadata`. */
export interface SummaryMetadata {
  /** Owner plugin: `scalars`, `histograms`, `images`, `text`, … */
  readonly pluginName: string;
  readonly pluginContent: Uint8Array;
  readonly displayName: string;
  readonly summaryDescription: string;
  /** 0 unknown, 1 scalar, 2 tensor, 3 blob sequence. */
  readonly dataClass: number;
}

/** A decoded old-style `HistogramProto` (TF 1.x `tf.summary.histogram`). */
export interface HistogramValue {
  readonly min: number;
  readonly max: number;
  readonly num: number;
  readonly sum: number;
  readonly sumSquares: number;
  readonly bucketLimit: readonly number[];
  readonly bucket: readonly number[];
}

/** A decoded old-style `Summary.Image`. */
export interface ImageValue {
  readonly height: number;
  readonly width: number;
  readonly colorspace: number;
  readonly encodedImageString: Uint8Array;
}

/** A decoded `Summary.Value`: a tag and one of its value kinds. */
export interface SummaryValue {
  readonly tag: string;
  readonly nodeName?: string;
  readonly metadata?: SummaryMetadata;
  /** TF 1.x style scalar. */
  readonly simpleValue?: number;
  /** TF 2.x style value of any kind (the plugin in `metadata` says which). */
  readonly tensor?: TensorValue;
  readonly histo?: HistogramValue;
  readonly image?: ImageValue;
}

/** A decoded `tensorflow.Event`: wall time, step and one payload. */
export interface Event {
  /** Seconds since the Unix epoch. */
  readonly wallTime: number;
  readonly step: number;
  /** Byte offset of the record in its file or buffer, when read by a reader. */
  readonly offset?: number;
  /** `brain.Event:2` on the first record of a file. */
  readonly fileVersion?: string;
  /** A serialized `GraphDef`; see `decodeGraphDef`. */
  readonly graphDef?: Uint8Array;
  readonly summary?: { readonly value: readonly SummaryValue[] };
  readonly logMessage?: { readonly level: number; readonly message: string };
  readonly sessionLog?: { readonly status: number; readonly checkpointPath: string; readonly msg: string };
}
