import type { CliIO } from "../io.js";

export interface RenderOptions {
  spec: string;
  out: string;
  check: boolean;
  force: boolean;
  prune: boolean;
}

export async function runRender(_opts: RenderOptions, io: CliIO): Promise<number> {
  io.stderr("pgrepl-gen: render is not available in this build yet\n");
  return 2;
}
