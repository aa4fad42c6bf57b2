// Preloaded (node -r) into a process whose peak RSS bench/train/overhead-report.mjs reports: at exit, writes
// { maxRssMB } (the kernel's high-water mark of the whole process, worker threads included) to the file named by
// ESTIMATORJS_BENCH_RSS_FILE.
const { writeFileSync } = require('node:fs');

const file = process.env.ESTIMATORJS_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  });
}
