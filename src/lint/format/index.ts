/**
 * Output formats. Each formatter turns the sorted findings into the whole of stdout (as a string or
 * in pieces); the rules' metadata is there for formats that describe rules (SARIF).
 */
import type { FormatName, Formatter } from "./context.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";

export type { FormatContext, FormatName, Formatter } from "./context.js";

export const FORMATTERS: Partial<Record<FormatName, Formatter>> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
};
