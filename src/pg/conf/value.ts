/**
 * The value of a quoted postgresql.conf string, as the server's DeescapeQuotedString (called
 * GUC_scanstr before 16) computes it: `''` is one quote; `\b \f \n \r \t` are control
 * characters; `\` and up to three octal digits is that byte; `\` before anything else is that
 * character. The server keeps C strings, so a `\0` byte ends the value there.
 */

export interface DecodedValue {
  value: string;
  /**
   * For each UTF-16 unit of `value`, its offset inside the raw token (quotes included);
   * one extra entry at the end for the closing quote.
   */
  offsets: number[];
}

export function decodeQuoted(raw: string): DecodedValue {
  // raw is a whole STRING token: it starts and ends with a quote
  const body = raw.slice(1, -1);
  const out: string[] = [];
  const offsets: number[] = [];
  let bytes: number[] | null = null; // set once an octal escape yields a byte ≥ 0x80
  const push = (text: string, at: number): void => {
    out.push(text);
    for (let k = 0; k < text.length; k++) offsets.push(at + 1);
  };
  let i = 0;
  let ended = false;
  while (i < body.length && !ended) {
    const c = body[i] as string;
    if (c === "\\") {
      const e = body[i + 1] ?? "";
      const at = i;
      i += 2;
      switch (e) {
        case "b":
          push("\b", at);
          break;
        case "f":
          push("\f", at);
          break;
        case "n":
          push("\n", at);
          break;
        case "r":
          push("\r", at);
          break;
        case "t":
          push("\t", at);
          break;
        default:
          if (e >= "0" && e <= "7") {
            let v = 0;
            let k = 0;
            const d = i - 1;
            while (k < 3 && (body[d + k] ?? "") >= "0" && (body[d + k] ?? "") <= "7") {
              v = (v << 3) + (body.charCodeAt(d + k) - 48);
              k++;
            }
            i = d + k;
            const b = v & 0xff;
            if (b === 0) ended = true;
            else if (b < 0x80) push(String.fromCharCode(b), at);
            else {
              bytes ??= [];
              push(`\u0000${String.fromCharCode(b)}`, at); // placeholder, resolved below
            }
          } else {
            push(e, at);
          }
      }
      continue;
    }
    if (c === "'" && body[i + 1] === "'") {
      push("'", i);
      i += 2;
      continue;
    }
    push(c, i);
    i++;
  }
  if (bytes !== null) {
    // Rebuild through bytes: the octal escapes were raw bytes inside a UTF-8 string.
    const buf: number[] = [];
    for (const piece of out) {
      if (piece.length === 2 && piece.charCodeAt(0) === 0) buf.push(piece.charCodeAt(1));
      else for (const b of Buffer.from(piece, "utf8")) buf.push(b);
    }
    const value = new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(buf));
    return { value, offsets: [...new Array<number>(value.length).fill(0), raw.length - 1] };
  }
  offsets.push(raw.length - 1);
  return { value: out.join(""), offsets };
}
