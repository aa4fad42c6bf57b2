import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tar } from './tar.js';

describe('tar', () => {
  it('writes archives the system tar extracts, with directories and exact bytes', () => {
    const big = new Uint8Array(1300).map((_, i) => i % 251);
    const bytes = tar([
      { name: 'run/events.out.tfevents.1.browser', data: new Uint8Array([1, 2, 3]), mtime: 1_700_000_000 },
      { name: 'run/eval/events.out.tfevents.2.browser', data: big },
      { name: 'run/empty', data: new Uint8Array(0) },
    ]);
    expect(bytes.length % 512).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'mnist-browser-tar-'));
    try {
      writeFileSync(join(dir, 'a.tar'), bytes);
      const listing = execFileSync('tar', ['-tvf', join(dir, 'a.tar')], { encoding: 'utf8' });
      expect(listing).toMatch(/run\/events\.out\.tfevents\.1\.browser/);
      expect(listing).toMatch(/2023-11-1\d/); // mtime 1_700_000_000
      execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', dir]);
      expect(Array.from(readFileSync(join(dir, 'run/events.out.tfevents.1.browser')))).toEqual([1, 2, 3]);
      expect(new Uint8Array(readFileSync(join(dir, 'run/eval/events.out.tfevents.2.browser')))).toEqual(big);
      expect(readFileSync(join(dir, 'run/empty')).length).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses names longer than the ustar name field', () => {
    expect(() => tar([{ name: 'x'.repeat(101), data: new Uint8Array(1) }])).toThrow(/longer than 100 bytes/);
  });
});
