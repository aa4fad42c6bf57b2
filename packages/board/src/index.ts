export { type Board, type BoardOptions, startBoard } from './board-server.js';
export { DEFAULT_HOST, DEFAULT_POLL_MS, DEFAULT_PORT } from './defaults.js';
export { BoardError } from './errors.js';
export { EventFileTail, type ReadProblem, type TailRead } from './event-file-tail.js';
export {
  type ByRun,
  type HistogramPoint,
  type ImagePoint,
  type IndexProgress,
  type IndexReadStats,
  type IndexUpdate,
  LogdirIndex,
  type LogdirIndexOptions,
  type ScalarPoint,
  type ScalarsByRun,
  type TextPoint,
} from './logdir-index.js';
export { type BoardArgs, parseBoardArgs } from './parse-board-args.js';
export { type BoardValue, boardValue, type HistogramRows } from './run-values.js';
export { smooth } from './smoothing.js';
