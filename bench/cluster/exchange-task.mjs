// One replica of the cluster bench's exchange-only run: all-reduces a vector of `numValues` float32 values `reps`
// times back to back (the ring keeps the replicas in step), after one unmeasured warm-up all-reduce.
// Usage: node bench/cluster/exchange-task.mjs <experiment dist/node/index.js> <clusterSpec JSON> <type> <index>
//        <numValues> <reps> [pipelineChunkBytes, 0: the default] [heapGrowingPercent, 0: V8's default]
//        [sameHostFiles, 0: through the loopback socket; else the default]. Last stdout
// line: JSON with the wall and CPU ms of each all-reduce and the bytes sent.
import { setFlagsFromString } from 'node:v8';

const [dist, spec, type, index, numArg, repsArg, chunkArg, growingArg, filesArg] = process.argv.slice(2);
if (Number(growingArg) > 0) setFlagsFromString(`--heap-growing-percent=${Number(growingArg)}`);
const { CollectiveAllReduce } = await import(dist);
const numValues = Number(numArg);
const reps = Number(repsArg);
const replica = new CollectiveAllReduce({
  clusterSpec: JSON.parse(spec),
  taskType: type,
  taskId: Number(index),
  log: () => {},
  ...(Number(chunkArg) > 0 ? { pipelineChunkBytes: Number(chunkArg) } : {}),
  ...(filesArg === '0' ? { sameHostFiles: false } : {}),
});
await replica.start({ globalStep: 0, numValues, weightsDigest: 0 });
const input = new Float32Array(numValues).fill(replica.replicaIndex + 1);
const wallMs = [];
const cpuMs = [];
for (let i = 0; i <= reps; i++) {
  // The all-reduce writes the mean into its input: start every repetition from the replica's own values.
  input.fill(replica.replicaIndex + 1);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await replica.allReduceMean(input, i);
  const t1 = performance.now();
  const c = process.cpuUsage(c0);
  if (out[0] !== 1.5 || out[numValues - 1] !== 1.5) throw new Error(`wrong mean ${out[0]}, ${out[numValues - 1]}`);
  if (i > 0) {
    wallMs.push(t1 - t0);
    cpuMs.push((c.user + c.system) / 1000);
  }
}
const { bytesSent, bytesSentThroughFiles, steps } = replica.stats();
await replica.end();
console.log(
  JSON.stringify({
    task: `${type}:${index}`,
    wallMs,
    cpuMs,
    bytesSentPerStep: bytesSent / steps,
    bytesThroughFilesPerStep: (bytesSentThroughFiles ?? 0) / steps,
  }),
);
