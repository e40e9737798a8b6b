import type { CliIO } from "../io.js";

export async function runValidate(_specs: string[], io: CliIO): Promise<number> {
  io.stderr("pgrepl-gen: validate is not available in this build yet\n");
  return 2;
}
