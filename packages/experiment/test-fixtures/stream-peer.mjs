// A replica in its own process for collective-all-reduce-thread.test.ts: joins the cluster (threaded transport, the
// built dist), opens step 0's streamed all-reduce, adds the first half of its vector, says so on stdout and waits,
// so the test can kill -9 it while the overlap is in flight.
// Usage: node stream-peer.mjs <clusterSpec JSON> <type> <index> <numValues>
import { CollectiveAllReduce } from '../dist/node/index.js';

const [spec, type, index, numArg] = process.argv.slice(2);
const numValues = Number(numArg);
const replica = new CollectiveAllReduce({
  clusterSpec: JSON.parse(spec),
  taskType: type,
  taskId: Number(index),
  thread: true,
  log: () => {},
});
await replica.start({ globalStep: 0, numValues, weightsDigest: 1 });
const exchange = replica.beginAllReduce(numValues, 0);
const half = Math.floor(numValues / 2); // at least 16 384 values: swapped as soon as added
exchange.add(0, new Float32Array(half).fill(1));
console.log('added');
setInterval(() => {}, 1000);
