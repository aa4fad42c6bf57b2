import { readFileSync } from 'node:fs';
import { keysOf } from '@estimatorjs/errors';
import { CannedError } from '../errors.js';
import {
  type KeyedCategoricalColumn,
  type VocabularyListOptions,
  vocabularyColumn,
} from '../feature-column/categorical-columns.js';
import { checkOptionKeys } from '../internal/known-options.js';

/** Options of {@link categoricalColumnWithVocabularyFile}. */
export interface VocabularyFileOptions extends VocabularyListOptions {
  /** Use only the first `vocabularySize` lines (TF's `vocabulary_size`); default: every line. */
  readonly vocabularySize?: number;
}
const VOCABULARY_FILE_KEYS = keysOf<VocabularyFileOptions>()(['defaultValue', 'numOovBuckets', 'vocabularySize']);

/**
 * Ids from a vocabulary file, one entry per line, id = line number (TF's
 * `categorical_column_with_vocabulary_file`). Node only: the file is read once, when the column is created.
 * @example
 *   const occupation = categoricalColumnWithVocabularyFile('occupation', './occupations.txt', { numOovBuckets: 5 });
 */
export function categoricalColumnWithVocabularyFile(
  key: string,
  vocabularyFile: string,
  options: VocabularyFileOptions = {},
): KeyedCategoricalColumn {
  const api = 'categoricalColumnWithVocabularyFile()';
  checkOptionKeys(api, options, VOCABULARY_FILE_KEYS);
  let text: string;
  try {
    text = readFileSync(vocabularyFile, 'utf8');
  } catch (e) {
    throw new CannedError(
      'VOCABULARY_FILE',
      `${api}: cannot read the vocabulary file of ${JSON.stringify(key)} at ${vocabularyFile}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const size = options.vocabularySize ?? lines.length;
  if (!Number.isInteger(size) || size < 1 || size > lines.length) {
    throw new CannedError(
      'VOCABULARY_FILE',
      `${api}: vocabularySize of ${JSON.stringify(key)} must be an integer in [1, ${lines.length}] (the lines of ${vocabularyFile}). Received ${String(options.vocabularySize)}.`,
    );
  }
  return vocabularyColumn(api, key, lines.slice(0, size), options);
}
