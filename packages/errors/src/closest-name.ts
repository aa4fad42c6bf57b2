/**
 * The candidate a mistyped name most likely meant, for "did you mean …?" in an error message (the one implementation:
 * CLI flags, option keys). First the same word in another spelling (case, `_` and `-` ignored: `model_dir` →
 * `modelDir`), then a candidate the name abbreviates (3 characters or more: `std` → `stddev`), else the closest by
 * optimal string alignment distance (insert, delete, replace, swap two neighbours) if it is close enough to be a
 * typo (at most 1 edit for names up to 4 characters, 2 up to 8, then a third of the length); on a tie, the first in
 * `candidates`. `undefined` when nothing is that close.
 *
 * @example
 * ```ts
 * import { closestName } from '@estimatorjs/errors';
 * closestName('train_step', ['train_steps', 'batch_size']); // 'train_steps'
 * ```
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const n = normalize(name);
  const sameWord = list.find((c) => normalize(c) === n);
  if (sameWord !== undefined) return sameWord;
  const abbreviated = n.length >= 3 ? list.find((c) => normalize(c).startsWith(n)) : undefined;
  if (abbreviated !== undefined) return abbreviated;
  const limit = n.length <= 4 ? 1 : n.length <= 8 ? 2 : Math.floor(n.length / 3);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of list) {
    const d = editDistance(n, normalize(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Lower case without `_` and `-`: `model_dir`, `ModelDir` and `modelDir` are the same word to a reader. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Optimal string alignment distance (Levenshtein plus transposition of adjacent characters). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
