import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Position, Problem } from "../util/diagnostic.js";

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
    const lp = lineCounter.linePos(e.pos[0]);
    problems.push({
      file,
      pos: { line: lp.line, column: lp.col },
      message: yamlMessage(e.code, e.message, text, e.pos[0]),
    });
  }
  if (problems.length > 0) return { problems };

  const toPos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
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
  return { doc: { file, value: doc.toJS({ maxAliasCount: 100 }), locate }, problems };
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
    const offset = m ? Number(m[1]) : text.length;
    let line = 1;
    let col = 1;
    for (let i = 0; i < offset && i < text.length; i++) {
      if (text[i] === "\n") {
        line++;
        col = 1;
      } else col++;
    }
    const what = msg.replace(/ in JSON at position \d+.*$/, "");
    return {
      pos: { line, column: col },
      message: `JSON syntax error: ${what.charAt(0).toLowerCase()}${what.slice(1)}`,
    };
  }
}

/** A user-provided name, safe to print on one line: control characters escaped, long ones cut. */
export function printable(s: string, max = 40): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    out += c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
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
