export { categoricalColumnWithVocabularyFile, type VocabularyFileOptions } from './vocabulary-file-column.js';
