import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DataError } from '../errors.js';

/**
 * A file as a `Blob` for the readers (`tfRecordDataset`, `csvDataset`, `textLineDataset`); its name is the path.
 * @example
 *   import { csvDataset } from '@estimatorjs/data';
 *   const ds = csvDataset(await fileSource('data.csv'));
 */
export async function fileSource(path: string): Promise<Blob> {
  try {
    await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT' ? 'NOT_FOUND' : 'UNAVAILABLE',
      `fileSource(): cannot read '${path}' (${code ?? (e as Error).message}). Expected an existing file.`,
      { cause: e },
    );
  }
  const blob = await openAsBlob(path);
  return new File([blob], path);
}
