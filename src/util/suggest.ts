/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/**
 * The closest candidate within a distance that still looks like a typo (a third of the word, at
 * least 2), or undefined; the first of equally close ones. Compared after `fold` (lowercase).
 */
export function closest(
  word: string,
  candidates: Iterable<string>,
  fold: (s: string) => string = (s) => s.toLowerCase(),
): string | undefined {
  const lower = fold(word);
  let best: string | undefined;
  let bestDist = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(lower, fold(c));
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** "; did you mean `x`?" or "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c !== undefined ? `; did you mean \`${c}\`?` : "";
}
