/**
 * File-name globbing for `Dataset.listFiles()` in Node, with TF's `tf.io.gfile.glob` rules: `*` and `?` match
 * within one path segment (never across `/`), `[...]` is a character class, `\` escapes; results are sorted.
 * Owns: walking the directories a pattern can reach. Does not own: shuffling the result (dataset.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/** True when `segment` has a wildcard that must be matched against directory entries. */
function hasMagic(segment: string): boolean {
  return /[*?[]/.test(segment.replace(/\\./g, ''));
}

/** A RegExp matching exactly `segment` under glob rules. */
function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\' && i + 1 < segment.length) re += `\\${segment[++i]}`;
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let cls = segment.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (cls.startsWith('!') || cls.startsWith('^')) cls = `^${cls.slice(1)}`;
        re += `[${cls}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The paths matching `pattern` (absolute patterns give absolute paths, relative ones relative paths), sorted. */
export async function matchFiles(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/') || /^[A-Za-z]:[\\/]/.test(pattern);
  const parts = pattern.split(/[\\/]+/).filter((p, i) => p !== '' || i === 0);
  if (!parts.some(hasMagic)) return (await exists(pattern)) ? [pattern] : [];
  // the fixed prefix is one directory; each wildcard segment fans out over its entries
  const first = parts.findIndex(hasMagic);
  let prefixes = [parts.slice(0, first).join('/') || (absolute ? '/' : '')];
  for (let i = first; i < parts.length; i++) {
    const seg = parts[i]!;
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const dir of prefixes) {
      if (!hasMagic(seg)) {
        const p = dir ? join(dir, seg) : seg;
        if (last ? await exists(p) : await isDir(p)) next.push(p);
        continue;
      }
      const re = segmentRegExp(seg);
      let names: string[];
      try {
        names = await readdir(resolve(dir || '.'));
      } catch {
        continue;
      }
      for (const name of names) {
        // as in a shell, a leading dot is matched only by a pattern that starts with one
        if (!re.test(name) || (name.startsWith('.') && !seg.startsWith('.'))) continue;
        const p = dir ? join(dir, name) : name;
        if (last || (await isDir(p))) next.push(p);
      }
    }
    prefixes = next;
  }
  return prefixes.map((p) => p.split(sep).join('/')).sort();
}
