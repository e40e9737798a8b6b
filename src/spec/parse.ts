import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from "yaml";
import { charactersBetween } from "../util/columns.js";
import type { Position, Problem } from "../util/diagnostic.js";
import { syntaxErrorOffset } from "./yaml-position.js";

export type PathSeg = string | number;

/** A parsed spec document: the plain value plus a way back to positions in the user's file. */
export interface SourceDoc {
  file: string;
  value: unknown;
  /** Position of the value at `path` (or of its key, for "key"); falls back to the nearest parent. */
  locate(path: readonly PathSeg[], which?: "key" | "value"): Position;
}

/**
 * Parses YAML or JSON text keeping source ranges (yaml's parseDocument + LineCounter).
 * JSON files are checked with the strict JSON grammar first, so a trailing comma is an error there.
 */
export function parseSpecText(text: string, file: string): { doc?: SourceDoc; problems: Problem[] } {
  const problems: Problem[] = [];
  if (text.trim() === "") {
    return {
      problems: [
        { file, pos: null, message: "the spec is empty; see fixtures/specs/seed.yaml for an example" },
      ],
    };
  }
  if (/\.json$/i.test(file)) {
    const err = jsonSyntaxError(text);
    if (err) return { problems: [{ file, pos: err.pos, message: err.message }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    keepSourceTokens: false,
  });
  // Only the first syntax error: the ones after it are usually its echoes.
  const e = doc.errors[0];
  if (e) {
    const at = syntaxErrorOffset(doc.errors, text);
    let message = printable(yamlMessage(e.code, e.message, text, e.pos[0]), 300);
    if (at.opened !== undefined) {
      const o = positionAt(text, at.opened);
      message += `; note that the \`${text[at.opened]}\` at ${o.line}:${o.column} is not closed`;
    }
    // counted in the text itself: the line counter knows only the lines yaml's lexer reached
    problems.push({ file, pos: positionAt(text, at.offset), message });
  }
  if (problems.length > 0) return { problems };

  // yaml counts columns in UTF-16 units; count characters, as the other readers do
  const toPos = (offset: number): Position => positionAt(text, offset, lineCounter);
  const root = doc.contents as Node | null;
  const locate = (path: readonly PathSeg[], which: "key" | "value" = "value"): Position => {
    let node: unknown = root;
    let best: Position = root?.range ? toPos(root.range[0]) : { line: 1, column: 1 };
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) return best;
        const key = pair.key as Node;
        if (last && which === "key" && key.range) return toPos(key.range[0]);
        const val = pair.value as Node | null;
        if (val?.range) best = toPos(val.range[0]);
        else if (key.range) best = toPos(key.range[0]);
        node = val;
      } else if (isSeq(node) && typeof seg === "number") {
        const item = node.items[seg] as Node | undefined;
        if (!item) return best;
        if (item.range) best = toPos(item.range[0]);
        node = item;
      } else {
        return best;
      }
    }
    return best;
  };
  // An alias inside the node it names makes a cyclic value; a spec is a tree.
  let cyclic: number | undefined;
  visit(doc, {
    Alias(_, node, path) {
      const target = node.resolve(doc);
      if (cyclic === undefined && target !== undefined && path.includes(target))
        cyclic = node.range?.[0] ?? 0;
    },
  });
  if (cyclic !== undefined) {
    return {
      problems: [
        {
          file,
          pos: toPos(cyclic),
          message: "YAML: this alias is inside the node it names (a cycle); a spec is a tree",
        },
      ],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Aliases resolve here: one naming no earlier anchor, or too many expansions (billion laughs).
    let at: number | undefined;
    let first: number | undefined;
    visit(doc, {
      Alias(_, node) {
        first ??= node.range?.[0];
        if (at === undefined && node.resolve(doc) === undefined) at = node.range?.[0];
      },
    });
    const offset = at ?? first;
    const why = (err as Error).message.split("\n")[0] ?? "";
    return {
      problems: [
        {
          file,
          pos: offset === undefined ? toPos(0) : toPos(offset),
          message: `YAML: ${printable(why.charAt(0).toLowerCase() + why.slice(1), 200)}`,
        },
      ],
    };
  }
  return { doc: { file, value, locate }, problems };
}

function yamlMessage(code: string, raw: string, text: string, offset: number): string {
  switch (code) {
    case "DUPLICATE_KEY": {
      const key = /^[^\s:#]+/.exec(text.slice(offset))?.[0];
      return key ? `duplicate key \`${key}\`` : "duplicate key";
    }
    case "MULTIPLE_DOCS":
      return "more than one YAML document (`---`); a spec is one document";
    case "TAB_AS_INDENT":
      return "YAML syntax error: tabs are not allowed as indentation";
    default: {
      // yaml's messages end with " at line L, column C:" and an excerpt: keep the sentence.
      const sentence = (raw.split("\n")[0] ?? raw).replace(/ at line \d+, column \d+:?$/, "");
      return `YAML syntax error: ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`;
    }
  }
}

function jsonSyntaxError(text: string): { pos: Position; message: string } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    // V8 gives no position for an unexpected token, only a quote of the text around it (which
    // may hold anything, a password included): find the token ourselves and do not quote.
    const offset = m ? Number(m[1]) : /^Unexpected token/.test(msg) ? jsonErrorOffset(text) : text.length;
    const what = /^Unexpected token/.test(msg)
      ? offset < text.length
        ? `unexpected \`${printable(String.fromCodePoint(text.codePointAt(offset) ?? 0))}\``
        : "unexpected end of input"
      : msg.replace(/ in JSON at position \d+.*$/, "");
    return {
      pos: positionAt(text, offset),
      message: `JSON syntax error: ${printable(what.charAt(0).toLowerCase() + what.slice(1), 200)}`,
    };
  }
}

/** 1-based line and column (in characters, as every reader here counts them) of a UTF-16 offset. */
function positionAt(text: string, offset: number, lines?: LineCounter): Position {
  const end = Math.min(offset, text.length);
  let line = 1;
  let lineStart: number;
  if (lines) {
    const lp = lines.linePos(end);
    line = lp.line;
    lineStart = end - (lp.col - 1);
  } else {
    lineStart = text.lastIndexOf("\n", end - 1) + 1;
    for (let i = text.indexOf("\n"); i >= 0 && i < lineStart; i = text.indexOf("\n", i + 1)) line++;
  }
  return { line, column: 1 + charactersBetween(text, lineStart, end) };
}

/** Offset of the first character strict JSON does not accept; iterative, so nesting cannot overflow. */
function jsonErrorOffset(s: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < s.length && " \t\n\r".includes(s[i] as string)) i++;
  };
  // what may come next: a value, or after a value inside a container `,` or its close
  const open: string[] = [];
  let expectValue = true;
  for (;;) {
    ws();
    if (expectValue) {
      const c = s[i];
      if (c === "{" || c === "[") {
        open.push(c === "{" ? "}" : "]");
        i++;
        ws();
        if (s[i] === open.at(-1)) {
          open.pop();
          i++;
          expectValue = false;
          continue;
        }
        if (c === "{") {
          if (s[i] !== '"') return i;
          i = jsonString(s, i);
          if (i < 0) return -i - 1;
          ws();
          if (s[i] !== ":") return i;
          i++;
        }
        continue;
      }
      if (c === '"') {
        i = jsonString(s, i);
        if (i < 0) return -i - 1;
      } else {
        const lit = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
          s.slice(i, i + 400),
        );
        if (!lit) return i;
        i += lit[0].length;
      }
      expectValue = false;
      continue;
    }
    const close = open.at(-1);
    if (close === undefined) return i < s.length ? i : -1;
    if (s[i] === close) {
      open.pop();
      i++;
      continue;
    }
    if (s[i] !== ",") return i;
    i++;
    if (close === "}") {
      ws();
      if (s[i] !== '"') return i;
      i = jsonString(s, i);
      if (i < 0) return -i - 1;
      ws();
      if (s[i] !== ":") return i;
      i++;
    }
    expectValue = true;
  }
}

/** The offset after a JSON string starting at i, or -(offset of its first bad character) - 1. */
function jsonString(s: string, start: number): number {
  let i = start + 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -i - 1;
    if (c === 0x5c) {
      const e = s[i + 1] ?? "";
      if (e === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return -i - 1;
        i += 6;
      } else if ('"\\/bfnrt'.includes(e) && e !== "") i += 2;
      else return -i - 1;
    } else i++;
  }
  return -s.length - 1;
}

/** A user-provided name, safe to print on one line: control characters escaped, long ones cut. */
export function printable(s: string, max = 40): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    // C0, DEL and C1 (U+0080–U+009F: a terminal reads U+009B as CSI, like ESC [)
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
  }
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/** `nodes[1].upstream` */
export function displayPath(path: readonly PathSeg[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? printable(seg) : `.${printable(seg)}`;
  }
  return out === "" ? "the spec" : out;
}
