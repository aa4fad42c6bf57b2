/**
 * The worker thread of a threaded `CollectiveAllReduce` (collective-thread.ts starts it): runs a `CollectiveAllReduce`
 * on this thread's event loop, driven by the training thread's messages, so gRPC serves the peers and swaps each
 * gradient piece while the training thread computes. Owns nothing but the translation between messages and calls.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { GradientExchange } from '@estimatorjs/estimator';
import { CollectiveAllReduce } from '../collective-all-reduce.js';
import type { ThreadOptions, WorkerReply, WorkerRequest } from './collective-thread.js';

const port = parentPort!;
const reply = (m: WorkerReply) => port.postMessage(m);
const replica = new CollectiveAllReduce({
  ...(workerData as ThreadOptions),
  thread: false,
  onWorkerThread: true,
  log: (line) => reply({ log: line }),
});
let shared: Float32Array | null = null;
let exchange: GradientExchange | null = null;

/** Runs one call and answers it; errors cross as their code and message (the training thread rebuilds them). */
function answer(id: number, work: () => Promise<unknown>): void {
  work().then(
    () => {
      const { bytesSent, bytesSentThroughFiles } = replica.stats();
      reply({ id, bytesSent, bytesSentThroughFiles });
    },
    (e: unknown) => {
      const err = e as { code?: unknown; message?: unknown };
      reply({
        id,
        error: {
          code: typeof err?.code === 'string' ? err.code : 'CLUSTER_THREAD_FAILED',
          message: typeof err?.message === 'string' ? err.message : String(e),
        },
      });
    },
  );
}

port.on('message', (m: WorkerRequest) => {
  switch (m.op) {
    case 'buffer':
      shared = new Float32Array(m.buffer);
      return;
    case 'connect':
      return answer(m.id, () => replica.connect());
    case 'start':
      return answer(m.id, () => replica.start(m.context));
    case 'all':
      return answer(m.id, () => replica.allReduceMean(shared!.subarray(0, m.length), m.step));
    case 'begin':
      exchange = replica.streamAllReduce(m.numValues, m.step, shared!.subarray(0, m.numValues));
      return;
    case 'add':
      // The piece is in the shared buffer already; a bad offset was refused on the training thread.
      exchange!.add(m.offset, shared!.subarray(m.offset, m.offset + m.length));
      return;
    case 'mean': {
      const current = exchange;
      exchange = null;
      return answer(m.id, async () => {
        if (!current) throw new Error('CollectiveAllReduce: mean() without beginAllReduce()');
        await current.mean();
      });
    }
    case 'end':
      return answer(m.id, () => replica.end(m.reason ?? undefined));
  }
});
