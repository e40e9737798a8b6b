import { gucString } from "./quote.js";

/**
 * The two edits pgrepl-gen makes to a postgresql.conf, as text transformations. The runbook
 * template makes the same edits on the host (ensure_include, ensure_data_directory).
 */
const INCLUDE_RE = /^[ \t]*include_dir[ \t]*=?[ \t]*'(\.\/)?conf\.d\/?'/m;
export const INCLUDE_LINES =
  "\n# Added by pgrepl-gen: load the replication drop-in (conf.d/pgrepl-gen.conf).\ninclude_dir = 'conf.d'\n";

export function hasConfDInclude(text: string): boolean {
  return INCLUDE_RE.test(text);
}

export function ensureConfDInclude(text: string): string {
  return hasConfDInclude(text) ? text : `${text}${INCLUDE_LINES}`;
}

export function setDataDirectory(text: string, dir: string): string {
  const line = `data_directory = ${gucString(dir)}\t\t# set by pgrepl-gen`;
  const lines = text.split("\n");
  const i = lines.findIndex((l) => /^[ \t]*data_directory[ \t]*(=|[ \t])/.test(l));
  if (i >= 0) {
    if (lines[i] === line) return text;
    lines[i] = line;
    return lines.join("\n");
  }
  return `${text}${text.endsWith("\n") || text === "" ? "" : "\n"}${line}\n`;
}
