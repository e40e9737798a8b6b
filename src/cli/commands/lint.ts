import type { CliIO } from "../io.js";

export interface LintOptions {
  paths: string[];
  format: "text" | "json" | "sarif" | "github";
  failOn: "error" | "warning" | "info" | "never";
  postgres: number | undefined;
  fs: boolean;
  config: string | undefined;
}

export async function runLint(_opts: LintOptions, io: CliIO): Promise<number> {
  io.stderr("pgrepl-gen: lint is not available in this build yet\n");
  return 2;
}
