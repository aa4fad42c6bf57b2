import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';

/** True when `s` has a glob character (`*`, `?`, `[`). */
export function hasGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

/** A path segment's pattern as a regular expression: `*` any run, `?` one character, `[…]`/`[!…]` a class. */
function segmentRegExp(seg: string): RegExp {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end === -1) out += '\\[';
      else {
        let body = seg.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The files matching `pattern` (TF's `tf.io.gfile.glob`: `*`, `?` and `[…]` within a path segment), sorted. A
 * pattern without glob characters matches itself when it is a file.
 */
export async function globFiles(pattern: string): Promise<string[]> {
  const segs = pattern.split(/[\\/]/).filter((s, i) => s !== '' || i === 0);
  let bases: string[] = [isAbsolute(pattern) ? sep : '.'];
  if (segs[0] === '') segs.shift();
  for (const [k, seg] of segs.entries()) {
    const last = k === segs.length - 1;
    const next: string[] = [];
    for (const base of bases) {
      if (!hasGlob(seg)) {
        next.push(join(base, seg));
        continue;
      }
      const re = segmentRegExp(seg);
      let entries: string[];
      try {
        entries = await readdir(base);
      } catch {
        continue;
      }
      for (const e of entries) if (re.test(e)) next.push(join(base, e));
    }
    bases = [];
    for (const p of next) if (last || (await isDir(p))) bases.push(p);
  }
  const files: string[] = [];
  for (const p of bases) {
    try {
      if ((await stat(p)).isFile()) files.push(p);
    } catch {
      // not there: no match
    }
  }
  return files.sort();
}
