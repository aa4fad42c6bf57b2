export { fileSource } from './file-source.js';
export { readIdxFile } from './read-idx-file.js';
