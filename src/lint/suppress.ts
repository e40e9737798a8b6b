/**
 * Suppression comments (docs/contract.md section 4):
 *   `# pgrepl-gen: disable=RULE[,RULE] -- reason`   at the end of a line, or alone on the line before it
 *   `# pgrepl-gen: disable-file=RULE[,RULE] -- reason`   anywhere in the file
 * Users suppress by rule name, never by message text.
 */
import type { SourceText } from "./model.js";

export interface Directive {
  /** absolute path of the file holding the comment */
  file: string;
  /** line and column of the comment's `#` */
  line: number;
  column: number;
  kind: "disable" | "disable-file";
  rules: string[];
  /** the text after ` -- `, trimmed; "" when missing */
  reason: string;
  /** the line it applies to (disable), or null (disable-file) */
  target: number | null;
  /** text after `pgrepl-gen:` that is not a directive we understand */
  malformed?: string;
  /** a `disable` alone on its line followed by a blank line, a comment or the end of the file */
  orphan?: boolean;
}

const MARK = /^#\s*pgrepl-gen\s*:\s*/;
const DIRECTIVE = /^(disable|disable-file)\s*=\s*(.*)$/;

/** The `#` that starts the comment of a line, outside quoted strings; -1 when none. */
export function commentStart(line: string, syntax: SourceText["syntax"]): number {
  // postgresql.conf quotes with '…' ('' and backslash escapes); pg_hba.conf with "…" ("" inside)
  const quote = syntax === "conf" ? "'" : syntax === "hba" ? '"' : null;
  let inQuote = false;
  let yamlQuote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (syntax === "yaml") {
      if (yamlQuote !== null) {
        if (c === "\\" && yamlQuote === '"') i++;
        else if (c === yamlQuote) yamlQuote = null;
        continue;
      }
      if ((c === "'" || c === '"') && (i === 0 || /[\s:[{,-]/.test(line[i - 1] ?? ""))) {
        yamlQuote = c;
        continue;
      }
      if (c === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return i;
      continue;
    }
    if (inQuote) {
      if (syntax === "conf" && c === "\\") i++;
      else if (c === quote) {
        if (line[i + 1] === quote) i++;
        else inQuote = false;
      }
      continue;
    }
    if (c === quote) inQuote = true;
    else if (c === "#") return i;
  }
  return -1;
}

/** 1-based column in characters of a UTF-16 offset. */
function columnAt(line: string, offset: number): number {
  return [...line.slice(0, offset)].length + 1;
}

/** Every suppression directive of a file, with the line each one applies to. */
export function parseDirectives(src: SourceText): Directive[] {
  const lines = src.text.split("\n");
  const out: Directive[] = [];
  /** directives alone on their line, waiting for the line they apply to */
  let pending: Directive[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, "");
    const lineNo = i + 1;
    const at = commentStart(line, src.syntax);
    const comment = at >= 0 ? line.slice(at) : "";
    const alone = at >= 0 && line.slice(0, at).trim() === "";
    const mark = MARK.exec(comment);
    if (!mark) {
      // A line that is not a directive: pending directives apply to it. A blank line or a
      // plain comment ends them: they apply to nothing.
      const empty = (at >= 0 ? line.slice(0, at) : line).trim() === "";
      for (let k = 0; k < pending.length; k++) {
        const d = pending[k] as Directive;
        d.target = lineNo;
        if (empty) d.orphan = true;
      }
      if (pending.length > 0) pending = [];
      continue;
    }
    const body = comment.slice(mark[0].length).trim();
    // `RULES -- reason`: the reason starts after the first ` --`
    const sep = body.search(/\s--(\s|$)/);
    const head = (sep >= 0 ? body.slice(0, sep) : body).trim();
    const m = DIRECTIVE.exec(head);
    const d: Directive = {
      file: src.path,
      line: lineNo,
      column: columnAt(line, at),
      kind: m ? (m[1] as Directive["kind"]) : "disable",
      rules: (m?.[2] ?? "")
        .split(",")
        .map((r) => r.trim())
        .filter((r) => r !== ""),
      reason: sep >= 0 ? body.slice(sep + 3).trim() : "",
      target: null,
    };
    if (!m || d.rules.length === 0) d.malformed = body;
    out.push(d);
    if (d.kind === "disable" && d.malformed === undefined) {
      if (alone) pending.push(d);
      else d.target = lineNo;
    }
  }
  for (const d of pending) d.orphan = true;
  return out;
}

/** Answers "is this rule suppressed at file:line?" from every directive found. */
export class Suppressions {
  private readonly byFile = new Map<string, Directive[]>();
  constructor(directives: readonly Directive[]) {
    for (const d of directives) {
      if (d.malformed !== undefined) continue;
      const list = this.byFile.get(d.file) ?? [];
      list.push(d);
      this.byFile.set(d.file, list);
    }
  }

  suppressed(rule: string, file: string, line: number | null): boolean {
    const list = this.byFile.get(file);
    if (!list) return false;
    return list.some(
      (d) => d.rules.includes(rule) && (d.kind === "disable-file" || (line !== null && d.target === line)),
    );
  }
}
