/**
 * The text format. Each finding's first line is `FILE:LINE:COL: severity: message [rule]`
 * (`FILE:` alone for a whole file), so scripts can grep it; under it, indented, the source
 * line with a caret under the offending value. Findings are grouped by file (a blank line
 * between files), and a summary line ends the output. Colours only when asked for (a
 * terminal without NO_COLOR); nothing at all when there is nothing to report.
 */
import type { Finding, Severity } from "../model.js";
import type { FormatContext } from "./context.js";

/** `FILE:LINE:COL: severity: message [rule]`; `FILE:` alone for a finding about a whole file. */
export function formatFinding(f: Finding): string {
  const pos = f.line === null ? "" : f.column === null ? `:${f.line}` : `:${f.line}:${f.column}`;
  return `${f.file}${pos}: ${f.severity}: ${f.message} [${f.rule}]`;
}

const SGR = {
  bold: "\u001b[1m",
  dim: "\u001b[2m",
  red: "\u001b[31m",
  yellow: "\u001b[33m",
  cyan: "\u001b[36m",
  green: "\u001b[32m",
  reset: "\u001b[0m",
} as const;

const SEVERITY_COLOR: Record<Severity, string> = { error: SGR.red, warning: SGR.yellow, info: SGR.cyan };

/** Longest excerpt shown; longer lines are cut around the column. */
const MAX_EXCERPT = 120;

/** A control character would garble the terminal: shown as \xNN, as messages are. */
function printable(c: string): string {
  const n = c.charCodeAt(0);
  return (n < 0x20 && n !== 0x09) || n === 0x7f ? `\\x${n.toString(16).padStart(2, "0")}` : c;
}

/** How many characters the value at `start` spans: a quoted string to its closing quote, else to the next blank. */
function valueLength(chars: readonly string[], start: number): number {
  const first = chars[start];
  if (first === undefined) return 1;
  if (first === "'" || first === '"') {
    for (let i = start + 1; i < chars.length; i++) {
      if (chars[i] === "\\" || (chars[i] === first && chars[i + 1] === first && first === "'")) {
        i++;
        continue;
      }
      if (chars[i] === first) return i - start + 1;
    }
    return chars.length - start;
  }
  let i = start;
  while (i < chars.length && !/[\s,]/.test(chars[i] as string)) i++;
  return Math.max(1, i - start);
}

/**
 * Passwords never reach the output: a conninfo's `password=VALUE`, a URI's `user:VALUE@`, and
 * everything after a YAML/JSON `password:` key (a spec with a literal password, which the
 * spec check rejects without repeating it) are shown as `*` of the same length, so the caret
 * stays in place.
 */
export function redact(line: string): string {
  const stars = (v: string) => "*".repeat([...v].length);
  return line
    .replace(/(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s']+)/gi, (_m, k: string, v: string) => k + stars(v))
    .replace(
      /(\bpostgres(?:ql)?:\/\/[^:@/\s']*:)([^@/\s']+)(@)/gi,
      (_m, a: string, v: string, b: string) => a + stars(v) + b,
    )
    .replace(/(\bpassword["']?\s*:)(.*)$/i, (_m, k: string, v: string) => k + v.replace(/\S/g, "*"));
}

/**
 * The source line and a caret line under the value at `column` (1-based, in characters).
 * Tabs before the column are copied into the caret line so the caret stays aligned.
 */
export function excerpt(lineText: string, column: number | null): { source: string; caret: string | null } {
  let chars = [...redact(lineText.replace(/\r$/, ""))];
  let col = column === null ? null : Math.min(column - 1, chars.length);
  let lead = "";
  let tail = "";
  if (chars.length > MAX_EXCERPT) {
    const from = col === null ? 0 : Math.max(0, Math.min(col - 20, chars.length - MAX_EXCERPT));
    if (from > 0) lead = "…";
    if (from + MAX_EXCERPT < chars.length) tail = "…";
    chars = chars.slice(from, from + MAX_EXCERPT);
    if (col !== null) col -= from;
  }
  const shown = chars.map(printable);
  const source = lead + shown.join("") + tail;
  if (col === null) return { source, caret: null };
  const pad = [...lead].map(() => " ").join("");
  const before = shown
    .slice(0, col)
    .map((c) => (c === "\t" ? "\t" : " ".repeat(c.length)))
    .join("");
  const len = col < chars.length ? valueLength(chars, col) : 1;
  const under = shown.slice(col, col + len).reduce((n, c) => n + c.length, 0);
  return { source, caret: `${pad}${before}^${"~".repeat(Math.max(0, under - 1))}` };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function formatText(findings: readonly Finding[], ctx?: Partial<FormatContext>): string {
  if (findings.length === 0) return "";
  const color = ctx?.color === true;
  const paint = (code: string, s: string) => (color ? `${code}${s}${SGR.reset}` : s);
  // findings come sorted by file: only the current file's lines are kept (a fleet has thousands)
  let linesFile: string | undefined;
  let lines: string[] | null = null;
  const linesOf = (file: string): string[] | null => {
    if (file !== linesFile) {
      linesFile = file;
      lines = ctx?.source?.(file)?.split("\n") ?? null;
    }
    return lines;
  };

  const out: string[] = [];
  let previousFile: string | undefined;
  for (const f of findings) {
    if (previousFile !== undefined && f.file !== previousFile) out.push("");
    previousFile = f.file;
    if (color) {
      const pos = f.line === null ? "" : f.column === null ? `:${f.line}` : `:${f.line}:${f.column}`;
      out.push(
        `${paint(SGR.bold, `${f.file}${pos}:`)} ${paint(SEVERITY_COLOR[f.severity], `${f.severity}:`)} ${f.message} ${paint(SGR.dim, `[${f.rule}]`)}`,
      );
    } else out.push(formatFinding(f));
    const text = f.line === null ? undefined : linesOf(f.file)?.[f.line - 1];
    if (text === undefined || f.line === null || text.trim() === "") continue;
    const ex = excerpt(text, f.column);
    const gutter = String(f.line);
    out.push(`  ${paint(SGR.dim, `${gutter} |`)} ${ex.source}`);
    if (ex.caret !== null) {
      out.push(
        `  ${paint(SGR.dim, `${" ".repeat(gutter.length)} |`)} ${paint(SEVERITY_COLOR[f.severity], ex.caret)}`,
      );
    }
  }
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const files = new Set(findings.map((f) => f.file)).size;
  out.push("");
  out.push(
    paint(
      SGR.bold,
      `${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${plural(count("info"), "info")} in ${plural(files, "file")}`,
    ),
  );
  return `${out.join("\n")}\n`;
}
