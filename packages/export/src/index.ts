export type {
  TracedAttrValue,
  TracedConstant,
  TracedDType,
  TracedGraph,
  TracedInput,
  TracedNode,
  TracedSignature,
  TracedTensor,
  TracedValues,
} from '@estimatorjs/estimator';
