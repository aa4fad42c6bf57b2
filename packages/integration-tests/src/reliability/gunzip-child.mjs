// Decodes one IDX file (plain or gzip) and prints one JSON line: the error (if any) and the process's peak RSS.
// Usage: node gunzip-child.mjs '"<path>"' (a JSON string, as runChild passes it). A separate process so the peak belongs to this decode alone.
import { readFileSync } from 'node:fs';
import { decodeIdx } from '@estimatorjs/data';

const bytes = new Uint8Array(readFileSync(JSON.parse(process.argv[2])));
let error = null;
try {
  await decodeIdx(bytes, 'bomb.gz');
} catch (e) {
  error = { code: e.code, message: e.message };
}
process.stdout.write(`${JSON.stringify({ error, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
