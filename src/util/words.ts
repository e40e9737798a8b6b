/**
 * `s` with `word` replaced by `by` wherever it stands alone: where `isEdge` accepts the character
 * before it (after = false) and the one after it (after = true; undefined at either end of `s`).
 * Linear in `s` for each word (the secret-masking callers run it once per secret).
 */
export function replaceWord(
  s: string,
  word: string,
  by: string,
  isEdge: (c: string | undefined, after: boolean) => boolean,
): string {
  let out = "";
  let i = 0;
  for (let j = s.indexOf(word); j >= 0; j = s.indexOf(word, j + 1)) {
    if (j < i || !isEdge(s[j - 1], false) || !isEdge(s[j + word.length], true)) continue;
    out += s.slice(i, j) + by;
    i = j + word.length;
  }
  return out + s.slice(i);
}
