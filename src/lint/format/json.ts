import type { Finding } from "../model.js";

/** Characters of JSON handed over at a time. */
export const JSON_PIECE = 256 * 1024;

/**
 * One JSON array; line/column 1-based or null (docs/contract.md section 4). The text is exactly
 * `JSON.stringify(records, null, 2)` and a newline, made one finding at a time and handed over in
 * pieces of about JSON_PIECE characters: a fleet's findings are megabytes of JSON, and the whole
 * string (with a copy of every finding to stringify) was the largest thing lint held at its end.
 */
export function* formatJson(findings: readonly Finding[]): Generator<string> {
  if (findings.length === 0) {
    yield "[]\n";
    return;
  }
  let piece = "[\n  ";
  for (let i = 0; i < findings.length; i++) {
    if (i > 0) piece += ",\n  ";
    // one level deeper than on its own: JSON.stringify escapes the line breaks inside strings, so
    // every line break in its output starts a line of the layout
    piece += JSON.stringify(record(findings[i] as Finding), null, 2).replace(/\n/g, "\n  ");
    if (piece.length >= JSON_PIECE) {
      yield piece;
      piece = "";
    }
  }
  yield `${piece}\n]\n`;
}

function record(f: Finding): Record<string, unknown> {
  const o: Record<string, unknown> = {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
  };
  if (f.node !== undefined) o.node = f.node;
  return o;
}
