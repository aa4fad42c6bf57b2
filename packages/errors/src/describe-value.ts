/**
 * Describes a value for an error message: its type and, for short things, the value itself.
 * @example
 *   throw new TypeError(`myApi(): expected a tensor. Received ${describeValue([1, 2])}.`);
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object' && 'shape' in value && 'dtype' in value) {
    const t = value as { shape: number[]; dtype: string };
    return `a ${t.dtype} tensor of shape [${t.shape.join(',')}]`;
  }
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `an object with keys {${Object.keys(value).join(', ')}}`;
  return typeof value;
}
