export { fileTraceWriter } from './file-trace-writer.js';
