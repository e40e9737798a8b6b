/**
 * What a conninfo string may show in a message: its passwords (keyword `password=`, a URI's user
 * info and `password` query parameter, and whatever a stray character moved out of the user
 * info) as ****, wherever libpq's or our message quotes them.
 */
import { replaceWord } from "../util/words.js";

/** %XX decoded where well-formed, the rest as written (to look at text, never to use it). */
export function uriDecodeLenient(text: string): string {
  try {
    return decodeURIComponent(text.replace(/%(?![0-9a-fA-F]{2})/g, "%25"));
  } catch {
    return text;
  }
}

/** The URI with the password of its user info and of any `password=` query parameter as ****. */
export function maskUriPasswords(uri: string, prefixLength: number): string {
  let out = uri;
  // user info: up to the first `@` before any `/`, the password after its first `:`
  let p = prefixLength;
  while (p < uri.length && uri[p] !== "@" && uri[p] !== "/") p++;
  if (uri[p] === "@") {
    const colon = uri.indexOf(":", prefixLength);
    if (colon >= 0 && colon < p) out = `${uri.slice(0, colon + 1)}****${uri.slice(p)}`;
  }
  const q = out.indexOf("?");
  if (q < 0) return out;
  const query = out
    .slice(q + 1)
    .split("&")
    .map((kv) => {
      const eq = kv.indexOf("=");
      if (eq >= 0) return uriDecodeLenient(kv.slice(0, eq)) === "password" ? `${kv.slice(0, eq)}=****` : kv;
      return /password/i.test(uriDecodeLenient(kv)) ? "password…" : kv;
    });
  return `${out.slice(0, q + 1)}${query.join("&")}`;
}

/** `password=x` and URI user info `u:x@` in a message, with x as ****. Linear in the text. */
export function hidePasswords(text: string, input: string): string {
  let t = text;
  // what the input gives as a password, wherever the message quotes it (as a word of its own)
  for (const secret of passwordsIn(input)) t = replaceWord(t, secret, "****", isEdge);
  t = t.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&'"`]+)/gi, "$1****");
  let out = "";
  let done = 0;
  let prevAt = -1;
  for (let at = t.indexOf("@"); at >= 0; prevAt = at, at = t.indexOf("@", at + 1)) {
    // the user info: back to a quote, a backtick or the previous @; after a `//` when there is one
    let start = at;
    while (start > prevAt + 1 && !'`"'.includes(t[start - 1] as string)) start--;
    const slashes = t.lastIndexOf("//", at);
    if (slashes >= start) start = slashes + 2;
    const colon = t.indexOf(":", start);
    if (colon < 0 || colon >= at || colon < done || t.slice(colon + 1, at) === "****") continue;
    out += `${t.slice(done, colon + 1)}****`;
    done = at;
  }
  return out + t.slice(done);
}

/**
 * Each `quoted` text of a message longer than 60 characters, clipped to 60 and an ellipsis: after
 * hidePasswords, which needs to see where a password ends.
 */
export function clipQuoted(message: string): string {
  return message.replace(/`([^`]{61,})`/g, (whole, inner: string) => {
    const chars = [...inner];
    return chars.length > 60 ? `\`${chars.slice(0, 60).join("")}…\`` : whole;
  });
}

/** Every text the input holds after `password=` or in a URI's user info, raw and decoded. */
function passwordsIn(input: string): string[] {
  const out = new Set<string>();
  // a keyword/value ends at a blank, a URI query value at & too
  for (const m of input.matchAll(/password\s*=\s*(?:'((?:[^'\\]|\\.)*)'?|([^\s]+))/gi)) {
    const v = m[1] ?? m[2] ?? "";
    for (const w of [v, v.split("&")[0] ?? ""]) {
      out.add(w);
      out.add(w.replace(/\\(.)/g, "$1"));
      out.add(uriDecodeLenient(w));
    }
  }
  // (bounded, so that a long line of `//x:` without an @ stays linear)
  for (const m of input.matchAll(/\/\/[^/@\s:]{0,256}:([^@]{0,1024})@/g)) {
    out.add(m[1] ?? "");
    out.add(uriDecodeLenient(m[1] ?? ""));
  }
  // what a stray `@`, `:` or `/` moved out of the user info (`//@u:PW@h`, `//u:@PW@h`,
  // `//u:/PW@h`): libpq then reads it as a port or a database name, and quotes it. Any run of
  // text before an `@` that follows `:`, `:/` or `:@` is taken for a password. Linear: each
  // backward scan stops at the previous `@`.
  for (let at = input.indexOf("@"); at >= 0; at = input.indexOf("@", at + 1)) {
    let j = at;
    while (j > 0 && at - j < 1024 && !/[:/@\s]/.test(input[j - 1] as string)) j--;
    const run = input.slice(j, at);
    const before = input[j - 1];
    if (run && (before === ":" || ((before === "/" || before === "@") && input[j - 2] === ":"))) {
      out.add(run);
      out.add(uriDecodeLenient(run));
    }
  }
  out.delete("");
  return [...out].sort((a, b) => b.length - a.length);
}

/** A secret stands alone between quotes, blanks, `=`, `:`, `@`, `/`, `&`, `?` or the ends. */
const isEdge = (c: string | undefined): boolean => c === undefined || /[\s"'`=:@/&?]/.test(c);
