/**
 * Finding the runs of a logdir: every directory under it (itself included) that holds event files, named by its
 * path relative to the logdir. Symbolic links are not followed, so nothing outside the logdir is ever read.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** The run name of `dir`: its path relative to the logdir with `/` separators, `.` for the logdir itself. */
export function runName(logdir: string, dir: string): string {
  const rel = relative(logdir, dir);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/**
 * Directories under `root` (itself included) that hold event files, with those files in name order. Symbolic
 * links are not followed, so nothing outside the logdir is ever read.
 */
export async function findEventDirs(root: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    const files: string[] = [];
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') stack.push(join(dir, e.name));
      else if (e.isFile() && e.name.includes('tfevents')) files.push(join(dir, e.name));
    }
    if (files.length > 0) out.set(dir, files.sort());
  }
  return out;
}
