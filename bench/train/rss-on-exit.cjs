// Preloaded (node -r) into a process whose peak RSS bench/train/overhead-report.mjs reports: at exit, writes one
// line `peak-rss-mb <MB>` (the kernel's high-water mark of the whole process, worker threads included) to stderr.
const { writeSync } = require('node:fs');

process.on('exit', () => {
  writeSync(2, `\npeak-rss-mb ${process.resourceUsage().maxRSS / 1024}\n`);
});
