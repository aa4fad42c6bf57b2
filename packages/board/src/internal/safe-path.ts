/**
 * Maps a URL path to a file under a root directory, or to nothing: `..` segments (raw or percent-encoded), NUL
 * bytes, absolute paths and symbolic links that lead outside the root all give `undefined` (the server answers 404).
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';

/** The real path of the regular file `urlPath` names under `root`, or undefined. `urlPath` is still encoded. */
export async function fileUnder(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((part) => part === '..')) return undefined;
  const realRoot = await realpath(root).catch(() => undefined);
  if (realRoot === undefined) return undefined;
  const candidate = resolve(realRoot, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  if (!inside(realRoot, candidate)) return undefined;
  const real = await realpath(candidate).catch(() => undefined);
  if (real === undefined || !inside(realRoot, real)) return undefined;
  const info = await stat(real).catch(() => undefined);
  return info?.isFile() ? real : undefined;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
