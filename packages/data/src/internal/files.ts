/**
 * `Dataset.listFiles()`'s source: the file names matching one or more patterns (TF's `list_files` before its
 * shuffle). Owns: expanding the patterns once per iteration and the "no files matched" error. Does not own:
 * globbing (the platform's `matchFiles`: the file system in Node, none in the browser).
 */
import * as tf from '@tensorflow/tfjs-core';
import { matchFiles } from '#data-platform';
import { DataError, invalidArgument } from '../errors.js';
import { stringsOf } from './filenames.js';
import type { IterContext } from './node.js';

/** The producer of the matching names: scalar string tensors for matched paths, Blobs as given. */
export function listFilesProducer(
  api: string,
  pattern: string | Blob | tf.Tensor | readonly (string | Blob)[],
): (ctx: IterContext) => AsyncGenerator<tf.Tensor | Blob> {
  // a string tensor of patterns (TF's file_pattern may be one) is read now; the caller keeps it
  const patterns: readonly unknown[] =
    pattern instanceof tf.Tensor ? stringsOf(api, pattern) : Array.isArray(pattern) ? [...pattern] : [pattern];
  for (const p of patterns) {
    if (typeof p !== 'string' && !(typeof Blob !== 'undefined' && p instanceof Blob)) {
      throw invalidArgument(
        `${api}: expected a glob pattern, a URL or a Blob/File (or a list of them). Received ${Object.prototype.toString.call(p)}.`,
      );
    }
  }
  return async function* listFiles() {
    const names: string[] = [];
    const blobs: Blob[] = [];
    for (const p of patterns as (string | Blob)[]) {
      if (typeof p === 'string') names.push(...(await matchFiles(p)));
      else blobs.push(p);
    }
    // as TF's MatchingFiles: one sorted list of every pattern's matches (Blobs follow, in the order given)
    const found: (string | Blob)[] = [...names.sort(), ...blobs];
    if (found.length === 0) {
      throw new DataError(
        'NOT_FOUND',
        `${api}: no files matched pattern${patterns.length > 1 ? 's' : ''} ${patterns.map((p) => `'${String(p)}'`).join(', ')}. Expected at least one existing file.`,
      );
    }
    for (const f of found) yield typeof f === 'string' ? tf.scalar(f, 'string') : f;
  };
}
