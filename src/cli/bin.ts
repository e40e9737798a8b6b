/**
 * The entry bundle (dist/cli.cjs, loaded by bin/pgrepl-gen.js): `run` is the only place that
 * touches `process`; `main` and `bufferIO` are exported for the build's warm-up run, which
 * compiles what the commands use into the V8 code caches shipped beside the bundles.
 */
import { fstatSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { readStream } from "../util/read-text.js";
import { bufferIO } from "./io.js";
import { main } from "./main.js";
import type { LoadModule } from "./modules.js";
import { writeAll } from "./output.js";

export { bufferIO, main };

/**
 * Whether stdout is a terminal (colours, excerpts). node:tty costs ~5 ms to load, so it is asked
 * only about a character device that is not /dev/null: output to a pipe or a file (hooks, CI,
 * scripts) never loads it.
 */
function stdoutIsTTY(): boolean {
  try {
    const st = fstatSync(1);
    if (!st.isCharacterDevice() || st.rdev === statSync("/dev/null").rdev) return false;
  } catch {
    return false;
  }
  const tty = createRequire(import.meta.url)("node:tty") as typeof import("node:tty");
  return tty.isatty(1);
}

/** Runs the command line of this process, with the launcher's module loader; sets its exit code. */
export function run(load: LoadModule): void {
  void main(
    process.argv.slice(2),
    {
      stdout: (t) => writeAll(1, t),
      stderr: (t) => writeAll(2, t),
      cwd: process.cwd(),
      env: process.env,
      // (not process.stdout.isTTY, which would set the stream up)
      isTTY: stdoutIsTTY(),
      now: new Date(),
      // read only when a PATH or SPEC is `-`
      readStdin: (maxBytes) => readStream(0, maxBytes),
    },
    load,
  ).then((code) => {
    process.exitCode = code;
  });
}
