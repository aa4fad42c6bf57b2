import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStale, SameHostFiles } from './same-host-files.js';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'same-host-files-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SameHostFiles (in a temporary directory standing in for /dev/shm)', () => {
  it('a peer reads back the probe of the incarnation it was told, and nothing else', () => {
    const dir = freshDir();
    const a = SameHostFiles.open('incarnation-a', dir)!;
    const b = SameHostFiles.open('incarnation-b', dir)!;
    expect(b.canRead(a.probePath!, 'incarnation-a')).toBe(true);
    // A probe holding another incarnation (a task replaced on another host with the same path), a path outside the
    // directory, or none at all: the payloads stay in the RPC.
    expect(b.canRead(a.probePath!, 'incarnation-c')).toBe(false);
    expect(b.canRead(join(freshDir(), 'estimatorjs-collective-1-x-probe'), 'incarnation-a')).toBe(false);
    expect(b.canRead(undefined, 'incarnation-a')).toBe(false);
    a.removeProbe();
    expect(b.canRead(join(dir, 'gone'), 'incarnation-a')).toBe(false);
    expect(a.probePath).toBeNull();
    a.close();
    b.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes a payload that the peer reads back byte for byte; after its first read the name goes, the file stays', () => {
    const dir = freshDir();
    const a = SameHostFiles.open('a', dir)!;
    const b = SameHostFiles.open('b', dir)!;
    a.removeProbe();
    b.removeProbe();
    const first = Float32Array.from({ length: 70_000 }, (_, i) => i * 0.5 - 3);
    const file = a.write(1, first);
    expect(readdirSync(dir)).toEqual([file.name.slice(dir.length + 1)]);
    const got = b.read(0, file.name, file.byteLength);
    expect(Array.from(new Float32Array(got.buffer, got.byteOffset, 70_000))).toEqual(Array.from(first));
    b.recycle(got);
    a.release(1, file);
    expect(readdirSync(dir)).toEqual([]);
    // The next payload of that size reuses the file; the peer reads it through the descriptor it kept.
    const second = new Float32Array(70_000).fill(7.25);
    const again = a.write(1, second);
    expect(again).toBe(file);
    const got2 = b.read(0, again.name, again.byteLength);
    expect(got2).toBe(got);
    expect(new Float32Array(got2.buffer, 0, 70_000).every((x) => x === 7.25)).toBe(true);
    // A payload of another size, or for another peer, gets its own file.
    expect(a.write(1, new Float32Array(10))).not.toBe(file);
    expect(a.write(2, second)).not.toBe(file);
    a.close();
    b.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to read a file outside its directory or of another prefix', () => {
    const dir = freshDir();
    const b = SameHostFiles.open('b', dir)!;
    writeFileSync(join(dir, 'other'), 'x');
    expect(() => b.read(0, join(dir, 'other'), 1)).toThrow(/not a file of/);
    expect(() => b.read(0, '/etc/passwd', 1)).toThrow(/not a file of/);
    b.close();
  });

  it('removes what killed tasks left: a gone process after a minute, any after an hour, never a live one', () => {
    const dir = freshDir();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const now = Date.now();
    const file = (pid: number, ageMs: number, tail: string) => {
      const name = `estimatorjs-collective-${pid}-${tail}`;
      writeFileSync(join(dir, name), 'x');
      const t = (now - ageMs) / 1000;
      utimesSync(join(dir, name), t, t);
      return name;
    };
    file(gone, 2 * 60_000, 'old-probe');
    const young = file(gone, 10_000, 'young-0');
    const live = file(process.pid, 30 * 60_000, 'live-0');
    file(process.pid, 2 * 60 * 60_000, 'ancient-0');
    const other = 'someone-else';
    writeFileSync(join(dir, other), 'x');
    utimesSync(join(dir, other), 0, 0);
    removeStale(dir, now);
    expect(readdirSync(dir).sort()).toEqual([live, other, young].sort());
  });
});
