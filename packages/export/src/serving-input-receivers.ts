/** TF's serving input receiver builders (`tf.estimator.export.build_*_serving_input_receiver_fn`). */
import {
  ExportError,
  placeholder,
  type ServingInputReceiver,
  type ServingInputReceiverFn,
  type TracedDType,
} from '@estimatorjs/estimator';
import type * as tf from '@tensorflow/tfjs-core';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';

/** One raw input: dtype and shape, `null` (or -1) for the batch dimension. */
export interface RawFeatureSpec {
  readonly dtype: TracedDType;
  readonly shape: readonly (number | null)[];
}

/**
 * TF's `build_raw_serving_input_receiver_fn`: each feature is a placeholder the exported model takes as an input
 * of the same name.
 * @example
 *   buildRawServingInputReceiverFn({ image: { dtype: 'float32', shape: [null, 784] } })
 */
export function buildRawServingInputReceiverFn(
  features: Readonly<Record<string, RawFeatureSpec>> | RawFeatureSpec,
): ServingInputReceiverFn {
  const single = typeof (features as RawFeatureSpec)?.dtype === 'string';
  const entries = single ? [] : Object.entries(features as Record<string, RawFeatureSpec>);
  for (const [name, spec] of single ? [['input', features] as const] : entries) {
    const api = `buildRawServingInputReceiverFn(): feature ${JSON.stringify(name)}`;
    checkOptionKeys(api, spec, KNOWN_OPTIONS.rawFeatureSpec, 'EXPORT_INVALID_RECEIVER');
  }
  if (!single && entries.length === 0) {
    throw new ExportError(
      'EXPORT_INVALID_RECEIVER',
      'buildRawServingInputReceiverFn(): pass { name: { dtype, shape } } for each feature, or one { dtype, shape }. Received an empty object.',
    );
  }
  return (): ServingInputReceiver => {
    if (single) {
      const t = placeholder(features as RawFeatureSpec);
      return { features: t, receiverTensors: { input: t } };
    }
    const made: Record<string, tf.Tensor> = {};
    for (const [name, spec] of entries) made[name] = placeholder(spec);
    return { features: made, receiverTensors: made };
  };
}

/**
 * TF's `build_parsing_serving_input_receiver_fn` (the model takes serialized `tf.Example` strings). Refused at
 * export time: tfjs-converter 4.22 has no `ParseExample` kernel and ONNX has no equivalent op, so the exported
 * model could not run. Export with {@link buildRawServingInputReceiverFn} and parse examples on the client instead.
 * @example
 *   // refused at export time (EXPORT_UNSUPPORTED_OP): export raw inputs and parse tf.Example on the client
 *   const receiverFn = buildParsingServingInputReceiverFn({ x: { dtype: 'float32', shape: [null, 2] } });
 */
export function buildParsingServingInputReceiverFn(
  featureSpec: Readonly<Record<string, RawFeatureSpec>>,
): ServingInputReceiverFn {
  const keys = Object.keys(featureSpec ?? {});
  return () => {
    throw new ExportError(
      'EXPORT_UNSUPPORTED_OP',
      `exportSavedModel(): kernel ParseExample (serving input receiver for features ${keys.join(', ')}) cannot be exported: tfjs-converter 4.22 has no ParseExample kernel and ONNX has no equivalent. Use buildRawServingInputReceiverFn({ ${keys.map((k) => `${k}: {...}`).join(', ')} }) and parse tf.Example records on the client.`,
    );
  };
}
