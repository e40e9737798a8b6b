import type { Finding } from "../model.js";

/** One JSON array; line/column 1-based or null (CONTRACT.md section 4). */
export function formatJson(findings: readonly Finding[]): string {
  const out = findings.map((f) => {
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
  });
  return `${JSON.stringify(out, null, 2)}\n`;
}
