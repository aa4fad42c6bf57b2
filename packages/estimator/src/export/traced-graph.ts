/**
 * The framework-neutral graph a PREDICT-mode model_fn traces into (DESIGN "Export"): produced by
 * `Estimator.traceForExport()`, consumed by the writers in `@estimatorjs/export` (tfjs GraphModel, ONNX).
 *
 * Owns: the shape of the data passed between the estimator and the writers, and its invariants.
 * Does not own: how kernels map to GraphDef / ONNX ops (the writers do that, and refuse what they cannot map).
 *
 * Invariants a writer may rely on:
 * - Every tensor id is produced by exactly one of: a graph input, a constant, or one node output.
 * - `nodes` are in execution order, so every node input is produced before the node.
 * - `kernel` is the tfjs kernel name as registered in tfjs-core (`Conv2D`, `_FusedMatMul`, `Concat`, `Max`,
 *   `FusedBatchNorm`, `GatherV2`, `Pack`, `Softmax`, ...). Most equal TF op names; the writers map the rest.
 * - `attrs` are the tfjs kernel attrs exactly as the op passed them to the kernel (e.g. Conv2D
 *   `{ strides, pad, dataFormat, dilations, dimRoundingMode }`, Reshape `{ shape }`, Softmax `{ dim }`), except
 *   that numbers which depend on the batch size are replaced by -1. The tracer finds those by tracing twice
 *   with two batch sizes; -1 only appears where the two traces differed. A writer must check that a -1 is
 *   meaningful for the op (Reshape's shape, Slice's size) and refuse otherwise.
 * - In `shape`, -1 is the dynamic batch dimension (it differed between the two traces); every other dim is static.
 * - No random kernel (dropout, `RandomUniform`, ...) is ever in `nodes`: the trace runs PREDICT mode and refuses them.
 * - Kernels that read no graph input (only variables and literals) are folded: their outputs are constants, not
 *   nodes (tf.fill, a transposed weight, …), so writers never see them.
 * - Only what a signature output needs is kept (nodes, constants); every receiver input is kept.
 */

/** Element types a traced tensor can have (tfjs-core's dtypes minus complex64). */
export type TracedDType = 'float32' | 'int32' | 'bool' | 'string';

/** One tensor of the graph. */
export interface TracedTensor {
  /** Unique within the graph; nodes, inputs, constants and signatures refer to tensors by id. */
  readonly id: number;
  readonly dtype: TracedDType;
  /** Static dims; -1 marks the dynamic batch dimension. */
  readonly shape: readonly number[];
}

/** A kernel attribute value as tfjs-core passes it (numbers, strings, booleans, arrays of those, null). */
export type TracedAttrValue =
  | number
  | string
  | boolean
  | null
  | readonly number[]
  | readonly string[]
  | readonly boolean[]
  | readonly (readonly number[])[];

/** One kernel call. */
export interface TracedNode {
  /** Unique, scoped like `conv1/Conv2D` or `conv1/Conv2D_1` (the variable scope, then the kernel name). */
  readonly name: string;
  /** The tfjs kernel name (see the invariants above). */
  readonly kernel: string;
  /** Input tensor ids, in the order the op passed them to the kernel (e.g. `_FusedMatMul`: a, b, bias). */
  readonly inputs: readonly number[];
  /**
   * The kernel's input names, parallel to `inputs` (`['a', 'b', 'bias']`; `['0', '1', …]` for list inputs such as
   * Concat's). Optional inputs the op left out are absent from both.
   */
  readonly inputNames: readonly string[];
  /** Output tensor ids, in the kernel's output order. */
  readonly outputs: readonly number[];
  /** The tfjs kernel attrs (undefined entries dropped), batch-dependent numbers as -1. */
  readonly attrs: Readonly<Record<string, TracedAttrValue>>;
  /** The variable scope the kernel ran under (`''` at top level): names the layer in error messages. */
  readonly scope: string;
}

/** A graph input: one receiver tensor (TF's `receiver_tensors`), a placeholder in the exported model. */
export interface TracedInput {
  /** The receiver key, e.g. `image` or `examples`. */
  readonly name: string;
  readonly tensor: number;
}

/** Values of a constant, as a typed array (row-major) or, for string tensors, an array of strings. */
export type TracedValues = Float32Array | Int32Array | Uint8Array | readonly string[];

/** A frozen value: a variable read at the checkpoint (named by the variable) or a literal constant. */
export interface TracedConstant {
  /** The variable name (`conv1/kernel`) for frozen variables, else a unique scoped name (`logits/Const_2`). */
  readonly name: string;
  readonly tensor: number;
  /** `bool` values are 0/1 bytes (`Uint8Array`). */
  readonly values: TracedValues;
  /** True when the constant is a frozen model variable. */
  readonly isVariable: boolean;
}

/** TF's signature method names. */
export type SignatureMethod =
  | 'tensorflow/serving/predict'
  | 'tensorflow/serving/classify'
  | 'tensorflow/serving/regress';

/** One serving signature (TF's `SignatureDef`): named inputs and outputs as tensor ids. */
export interface TracedSignature {
  readonly inputs: Readonly<Record<string, number>>;
  readonly outputs: Readonly<Record<string, number>>;
  readonly methodName: SignatureMethod;
}

/** The whole traced model. */
export interface TracedGraph {
  /** Every tensor, by id. */
  readonly tensors: ReadonlyMap<number, TracedTensor>;
  readonly inputs: readonly TracedInput[];
  readonly constants: readonly TracedConstant[];
  /** Kernel calls in execution order. */
  readonly nodes: readonly TracedNode[];
  /** Signature key (`serving_default`, ...) → signature. */
  readonly signatures: Readonly<Record<string, TracedSignature>>;
  /** The global step of the checkpoint the weights came from. */
  readonly globalStep: number;
  /** The checkpoint path (as `Estimator.latestCheckpoint()` returns it) the weights came from. */
  readonly checkpointPath: string;
}

/** The default signature key (TF's `DEFAULT_SERVING_SIGNATURE_DEF_KEY`). */
export const DEFAULT_SERVING_SIGNATURE_KEY = 'serving_default';
