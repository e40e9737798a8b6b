import type { Finding } from "../model.js";

/** `FILE:LINE:COL: severity: message [rule]`; `FILE:` alone for a finding about a whole file. */
export function formatFinding(f: Finding): string {
  const pos = f.line === null ? "" : f.column === null ? `:${f.line}` : `:${f.line}:${f.column}`;
  return `${f.file}${pos}: ${f.severity}: ${f.message} [${f.rule}]`;
}

export function formatText(findings: readonly Finding[]): string {
  return findings.map((f) => `${formatFinding(f)}\n`).join("");
}
