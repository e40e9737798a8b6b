/**
 * Output formats. Each formatter turns the sorted findings into the whole of stdout; the
 * rules' metadata is there for formats that describe rules (SARIF). sarif and github slot in
 * here as two more entries.
 */
import type { Finding } from "../model.js";
import type { Rule } from "../rule.js";
import { formatJson } from "./json.js";
import { formatText } from "./text.js";

export type FormatName = "text" | "json" | "sarif" | "github";

export interface FormatContext {
  rules: readonly Rule[];
  /** stdout is a terminal */
  isTTY: boolean;
}

export type Formatter = (findings: readonly Finding[], ctx: FormatContext) => string;

export const FORMATTERS: Partial<Record<FormatName, Formatter>> = {
  text: formatText,
  json: formatJson,
};
