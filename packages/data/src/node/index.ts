export { fileCacheStorage } from './file-cache-storage.js';
export { fileSource } from './file-source.js';
export { readIdxFile } from './read-idx-file.js';
