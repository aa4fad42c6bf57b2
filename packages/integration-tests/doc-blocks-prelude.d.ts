// Ambient names for `fragment` code blocks in the markdown docs (see src/docs/code-blocks.ts): what the text around a
// snippet has already defined. A global script, kept outside src/ so the tests themselves never see these names.
// `runnable` blocks must not use them (they are executed, and a name from here is a ReferenceError there). Library
// names (tf, layers, Estimator, …) are deliberately absent: a snippet that uses one imports it, as a reader would.
type Tensor = import('@tensorflow/tfjs-core').Tensor;
type Scalar = import('@tensorflow/tfjs-core').Scalar;
type Params = { readonly [name: string]: number };

/** The hyperparameters of the docs' MNIST model_fns (docs/estimator.md). */
interface MnistParams {
  readonly learning_rate: number;
  readonly dropout_rate: number;
}

// model_fn pieces
declare const features: Tensor;
declare const labels: Tensor;
declare const x: Tensor;
declare const ids: Tensor;
declare const logits: Tensor;
declare const loss: Scalar;
declare const onehotLabels: Tensor;
declare const learningRate: number;
declare const mode: import('@estimatorjs/estimator').Mode;
declare const params: Params;
declare const modelFn: import('@estimatorjs/estimator').ModelFn<Params>;
/** The rest of a model_fn, for snippets about one detail of it. */
declare function buildSpec(
  features: import('@estimatorjs/estimator').Features,
  labels: import('@estimatorjs/estimator').Labels | undefined,
  mode: import('@estimatorjs/estimator').Mode,
  dropoutRate: number,
): import('@estimatorjs/estimator').EstimatorSpec;

// input pipelines
// Tensor features and labels: fits a model_fn typed `ModelFn<P, tf.Tensor, tf.Tensor>` and an untyped one alike.
declare const inputFn: import('@estimatorjs/estimator').InputFn<unknown, Tensor, Tensor>;
declare const trainInputFn: import('@estimatorjs/estimator').InputFn<unknown, Tensor, Tensor>;
declare const evalInputFn: import('@estimatorjs/estimator').InputFn<unknown, Tensor, Tensor>;
declare const predictInputFn: import('@estimatorjs/estimator').InputFn<unknown, Tensor, Tensor>;
declare const ds: import('@estimatorjs/data').Dataset<readonly [Tensor, Tensor]>;
declare const float32Pixels: Float32Array;
/** n images of 784 pixels in [0, 1], as the exported MNIST model takes them (docs/export.md). */
declare const pixels: Float32Array;
declare const n: number;
declare const int32Labels: Int32Array;
declare function toFeatures(row: Record<string, number | string>): Record<string, number>;

// training runs
declare const estimator: import('@estimatorjs/estimator').Estimator<Params>;
declare const modelDir: string;
declare const step: number;
declare const kernelTensor: Tensor;
declare const batch: Tensor;
declare const flags: { readonly backend?: string };
declare const trainInputHook: import('@estimatorjs/hooks').Hook;
declare const evalInputHook: import('@estimatorjs/hooks').Hook;

/** Vite's `?url` imports (vite/client declares them the same way). */
declare module '*?url' {
  const url: string;
  export default url;
}
