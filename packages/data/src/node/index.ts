export { fileCacheStorage } from './file-cache-storage.js';
export { fileSource } from './file-source.js';
export { makeCsvDataset } from './make-csv-dataset.js';
export { readIdxFile } from './read-idx-file.js';
