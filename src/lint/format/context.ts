/**
 * What every output format is given and returns (the formatters import this; index.ts lists them).
 */
import type { Finding } from "../model.js";
import type { Rule } from "../rule.js";

export type FormatName = "text" | "json" | "sarif" | "github";

export interface FormatContext {
  rules: readonly Rule[];
  /** stdout is a terminal */
  isTTY: boolean;
  /** colours: stdout is a terminal and NO_COLOR is not set (text) */
  color?: boolean;
  /** the directory lint ran from: GitHub paths are relative to it */
  cwd?: string;
  /** the repository root (the git top level, else cwd): SARIF paths are relative to it */
  root?: string;
  /** the text of a file by the path findings show, for excerpts (text) */
  source?: (file: string) => string | undefined;
}

/** The whole output: one string, or pieces to write one after another (json). */
export type Formatter = (findings: readonly Finding[], ctx: FormatContext) => string | Iterable<string>;
