import { loadSpec } from "../../spec/load.js";
import { formatProblem } from "../../util/diagnostic.js";
import type { CliIO } from "../io.js";

/**
 * validate SPEC…: 0 all valid, 1 any invalid, 2 any unreadable. Valid specs print nothing.
 * `-` is standard input, its problems named `stdinFilename` (default `<stdin>`).
 */
export async function runValidate(specs: string[], io: CliIO, stdinFilename?: string): Promise<number> {
  let invalid = false;
  let unreadable = false;
  for (const spec of specs) {
    const r = loadSpec(spec, io.cwd, { read: io.readStdin, name: stdinFilename });
    if (r.ok) continue;
    for (const p of r.problems) io.stdout(`${formatProblem(p)}\n`);
    if (r.unreadable) unreadable = true;
    else invalid = true;
  }
  return unreadable ? 2 : invalid ? 1 : 0;
}
