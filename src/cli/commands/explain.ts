import type { CliIO } from "../io.js";

export async function runExplain(_rule: string, io: CliIO): Promise<number> {
  io.stderr("pgrepl-gen: explain is not available in this build yet\n");
  return 2;
}
