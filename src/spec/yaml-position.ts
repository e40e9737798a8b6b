/**
 * Where a YAML syntax error is, said where the offending token is (as PyYAML and yamllint say
 * it), not where the yaml library's parser noticed it. test/yaml-positions.test.ts compares with
 * Debian's yamllint on the mistakes people make.
 */
import type { YAMLError } from "yaml";

/**
 * The offset of the token at fault for the first of yaml's errors:
 * - a mapping where a scalar was (`BLOCK_AS_IMPLICIT_KEY`, "nested mappings are not allowed in
 *   compact mappings"): the `:` that starts it. yaml reports the start of the scalar before, which
 *   for a line indented one space too far is the previous line (`  postgres: 15` then
 *   `   layout: debian` was reported at the 15);
 * - an error at the start of an indented line (bad indentation, a missing `-`): its first
 *   character that is not a space, where the misplaced key begins;
 * - a flow collection (`[`, `{`) left open: the `:` on the line where yaml noticed, which cannot
 *   be inside it, with a note saying where the collection opened.
 */
export function syntaxErrorOffset(
  errors: readonly YAMLError[],
  text: string,
): { offset: number; opened?: number } {
  const first = errors[0] as YAMLError;
  let at = first.pos[0];
  if (first.code === "BAD_INDENT" && /^Flow (sequence|mapping)/i.test(first.message)) {
    const lineEnd = text.indexOf("\n", at);
    const colon = nextMappingColon(text, text.lastIndexOf("\n", at - 1) + 1);
    const opened = openBracket(text, at);
    if (colon !== undefined && (lineEnd < 0 || colon < lineEnd)) {
      return opened === undefined ? { offset: colon } : { offset: colon, opened };
    }
  }
  if (first.code === "BLOCK_AS_IMPLICIT_KEY") {
    // yaml's follow-up error spans from that scalar to the `:` when the key is on a later line
    const multi = errors.find((e) => e.code === "MULTILINE_IMPLICIT_KEY" && e.pos[0] === at);
    const colon = multi !== undefined ? multi.pos[1] : nextMappingColon(text, at);
    if (colon !== undefined && text[colon] === ":") at = colon;
  }
  if (first.code !== "TAB_AS_INDENT") {
    const lineStart = text.lastIndexOf("\n", at - 1) + 1;
    if (/^ *$/.test(text.slice(lineStart, at))) {
      const indent = /^ */.exec(text.slice(lineStart))?.[0].length ?? 0;
      const end = text.indexOf("\n", lineStart);
      if (lineStart + indent < (end < 0 ? text.length : end)) at = lineStart + indent;
    }
  }
  return { offset: at };
}

/** The offset of the last `[` or `{` before `to` that no bracket closes, outside quotes and comments. */
function openBracket(text: string, to: number): number | undefined {
  const open: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < to; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1] ?? ""))) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? to : nl;
    } else if (c === "[" || c === "{") open.push(i);
    else if (c === "]" || c === "}") open.pop();
    else if (c === "\n") quote = undefined;
  }
  return open.at(-1);
}

/** The next `:` followed by a space, a tab or the end of a line, outside quotes and comments. */
function nextMappingColon(text: string, from: number): number | undefined {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1] ?? ""))) {
      const nl = text.indexOf("\n", i);
      if (nl < 0) return undefined;
      i = nl;
    } else if (c === ":" && /^[ \t\r\n]?$/.test(text[i + 1] ?? "")) return i;
  }
  return undefined;
}
