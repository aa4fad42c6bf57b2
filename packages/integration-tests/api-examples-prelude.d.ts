// Ambient names for the `@example` blocks of the public API's TSDoc (src/docs/api-examples.test.ts), on top of
// doc-blocks-prelude.d.ts: what the code around a one-line example would already have. Each example also has its own
// entry point's exports and `tf` in scope; a name from another package is imported by the example itself.
type ApiTensor = import('@tensorflow/tfjs-core').Tensor;

// model_fn values
declare const probabilities: ApiTensor;
declare const classes: ApiTensor;
declare const predictions: ApiTensor;
declare const weights: ApiTensor;
declare const mask: ApiTensor;
declare const images: ApiTensor;
declare const kernel: ApiTensor;
declare const values: ApiTensor;

// bytes and records
declare const bytes: Uint8Array;
declare const record: Uint8Array;
declare const records: readonly Uint8Array[];
declare const eventBytes: Uint8Array;
declare const chunks: AsyncIterable<Uint8Array>;
declare const view: DataView;
declare const url: string;
declare const dir: string;
/** Consumes one record at a byte offset. */
declare function use(record: Uint8Array, offset: number): void;

// data pipelines
declare const raw: import('@estimatorjs/data').Dataset<Uint8Array>;
declare const decoded: import('@estimatorjs/data').Dataset<ApiTensor>;
declare function decode(record: Uint8Array): ApiTensor;
declare const storage: import('@estimatorjs/data').CacheStorage;
declare const iterator: import('@estimatorjs/data').DatasetIterator<ApiTensor>;
declare const exampleSpec: Readonly<
  Record<string, import('@estimatorjs/data').FixedLenFeature | import('@estimatorjs/data').VarLenFeature>
>;

// training runs
declare const caught: unknown;
declare const deadline: number;
declare const globalStep: number;
declare const trainSpec: import('@estimatorjs/experiment').TrainSpec;
declare const evalSpec: import('@estimatorjs/experiment').EvalSpec;
declare const servingInputReceiverFn: import('@estimatorjs/estimator').ServingInputReceiverFn;
declare const saver: import('@estimatorjs/hooks').Saver;
declare function stepOfLatestCheckpoint(): Promise<number>;
declare function log(): void;

// summaries
declare const writer: import('@estimatorjs/summary').SummaryWriter;
declare const sink: import('@estimatorjs/summary').EventSink;
declare const ev: import('@estimatorjs/summary').Event;
declare const summaryValue: import('@estimatorjs/summary').SummaryValue;
declare const tracedKernels: readonly import('@estimatorjs/summary').TracedKernel[];

// IndexedDB
declare const transaction: IDBTransaction;
declare const database: IDBDatabase;
declare const factory: IDBFactory;
/** An error class of the code calling into @estimatorjs/io. */
declare class MyError extends Error {
  constructor(code: string, message: string);
}

// tabular feature columns
declare const age: import('@estimatorjs/canned').featureColumn.NumericColumn;
declare const color: import('@estimatorjs/canned').featureColumn.CategoricalColumn;
declare const occupation: import('@estimatorjs/canned').featureColumn.CategoricalColumn;

// a GAN's two training steps
declare const dOptimizer: import('@estimatorjs/estimator').AdamOptimizer;
declare const gOptimizer: import('@estimatorjs/estimator').AdamOptimizer;
declare const dLoss: import('@tensorflow/tfjs-core').Scalar;
declare const gLoss: import('@tensorflow/tfjs-core').Scalar;
declare const dVars: import('@tensorflow/tfjs-core').Variable[];
declare const gVars: import('@tensorflow/tfjs-core').Variable[];
