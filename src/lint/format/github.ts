/**
 * GitHub Actions workflow commands: one `::error file=…,line=…,col=…,title=RULE::message`
 * per finding (`::warning`, `::notice` for info), which the runner turns into annotations on
 * the pull request. Escaping as the runner's toolkit does (actions/toolkit, command.ts):
 * `%`, CR and LF in the message; those and `:` and `,` in property values.
 */
import { isAbsolute, relative, resolve } from "node:path";
import type { Finding, Severity } from "../model.js";
import type { FormatContext } from "./context.js";

const COMMAND: Record<Severity, string> = { error: "error", warning: "warning", info: "notice" };

export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** The path relative to the working directory (the workspace in Actions), else as it is. */
export function relativeToCwd(file: string, cwd: string | undefined): string {
  if (cwd === undefined) return file;
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
}

export function formatGithub(findings: readonly Finding[], ctx?: Partial<FormatContext>): string {
  return findings
    .map((f) => {
      const props = [`file=${escapeProperty(relativeToCwd(f.file, ctx?.cwd))}`];
      if (f.line !== null) props.push(`line=${f.line}`);
      if (f.column !== null) props.push(`col=${f.column}`);
      props.push(`title=${escapeProperty(f.rule)}`);
      return `::${COMMAND[f.severity]} ${props.join(",")}::${escapeData(`${f.message} [${f.rule}]`)}\n`;
    })
    .join("");
}
