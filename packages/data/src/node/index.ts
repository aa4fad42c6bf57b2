export { readIdxFile } from './read-idx-file.js';
