import { readFile } from 'node:fs/promises';
import { DataError } from '../errors.js';
import { decodeIdx, type IdxData } from '../idx.js';

/**
 * Reads an IDX file (plain or `.gz`) from disk.
 * @example
 *   const { shape, data } = await readIdxFile('/usr/share/fashion-mnist/train-labels-idx1-ubyte.gz');
 */
export async function readIdxFile(path: string): Promise<IdxData> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT' ? 'NOT_FOUND' : 'UNAVAILABLE',
      `readIdxFile(): cannot read '${path}' (${code ?? (e as Error).message}). Expected an existing IDX file, plain or .gz.`,
      { cause: e },
    );
  }
  return decodeIdx(bytes, `'${path}'`);
}
