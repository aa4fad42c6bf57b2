/** TensorFlow `DataType` enum values used here, and names for all of them. */
export const DT_FLOAT = 1;
export const DT_DOUBLE = 2;
export const DT_INT32 = 3;
export const DT_UINT8 = 4;
export const DT_STRING = 7;
export const DT_INT64 = 9;
export const DT_BOOL = 10;

const NAMES = [
  'DT_INVALID',
  'DT_FLOAT',
  'DT_DOUBLE',
  'DT_INT32',
  'DT_UINT8',
  'DT_INT16',
  'DT_INT8',
  'DT_STRING',
  'DT_COMPLEX64',
  'DT_INT64',
  'DT_BOOL',
  'DT_QINT8',
  'DT_QUINT8',
  'DT_QINT32',
  'DT_BFLOAT16',
  'DT_QINT16',
  'DT_QUINT16',
  'DT_UINT16',
  'DT_COMPLEX128',
  'DT_HALF',
  'DT_RESOURCE',
  'DT_VARIANT',
  'DT_UINT32',
  'DT_UINT64',
];

/** `DT_FLOAT` for 1, …; `DT_<n>` for values this table lacks. */
export function dtypeName(dtype: number): string {
  return NAMES[dtype] ?? `DT_${dtype}`;
}

/** SummaryMetadata.data_class values. */
export const DATA_CLASS_SCALAR = 1;
export const DATA_CLASS_TENSOR = 2;
export const DATA_CLASS_BLOB_SEQUENCE = 3;
