export { type Board, type BoardOptions, startBoard } from './board-server.js';
export { DEFAULT_HOST, DEFAULT_POLL_MS, DEFAULT_PORT } from './defaults.js';
export { BoardError } from './errors.js';
export { EventFileTail, type ReadProblem, type TailRead } from './event-file-tail.js';
export { type IndexUpdate, LogdirIndex, type ScalarPoint, type ScalarsByRun } from './logdir-index.js';
export { parseBoardArgs } from './parse-board-args.js';
export { smooth } from './smoothing.js';
