// Ambient names for `fragment` code blocks in the markdown docs (see src/docs/code-blocks.ts): what the text around a
// snippet has already defined. A global script, kept outside src/ so the tests themselves never see these names;
// `runnable` blocks must not use them (they are executed, and a name from here is a ReferenceError there).
type Tensor = import('@tensorflow/tfjs-core').Tensor;

declare const features: Tensor;
declare const labels: Tensor;
declare const logits: Tensor;
declare const mode: import('@estimatorjs/estimator').Mode;
declare const params: Record<string, number>;
declare const modelFn: import('@estimatorjs/estimator').ModelFn<any>;
declare const trainInputFn: import('@estimatorjs/estimator').InputFn<any>;
declare const evalInputFn: import('@estimatorjs/estimator').InputFn<any>;
declare const predictInputFn: import('@estimatorjs/estimator').InputFn<any>;
declare const estimator: import('@estimatorjs/estimator').Estimator<any>;
