/**
 * The entry bundle (dist/cli.cjs, loaded by bin/pgrepl-gen.js): `run` is the only place that
 * touches `process`; `main` and `bufferIO` are exported for the build's warm-up run, which
 * compiles what the commands use into the V8 code caches shipped beside the bundles.
 */
import { fstatSync, statSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { bufferIO } from "./io.js";
import { main } from "./main.js";
import type { LoadModule } from "./modules.js";

export { bufferIO, main };

const closed = new Set<number>();

/**
 * Writes all of text to a file descriptor with blocking writes. Cheaper at start-up than
 * process.stdout (which loads and sets up the stream machinery, several ms of a lint run), and
 * nothing is left to flush at exit. A descriptor set non-blocking by whoever started us (EAGAIN)
 * is waited on; a reader that went away (EPIPE, `pgrepl-gen lint … | head`) ends the output.
 */
export function writeAll(fd: number, text: string): void {
  // in slices: a fleet's JSON is megabytes, and one Buffer of all of it doubles the output's memory
  for (let i = 0; i < text.length && !closed.has(fd); ) {
    let j = Math.min(text.length, i + WRITE_SLICE);
    const last = text.charCodeAt(j - 1);
    if (j < text.length && last >= 0xd800 && last <= 0xdbff) j++; // keep a surrogate pair whole
    writeBuffer(fd, Buffer.from(text.slice(i, j), "utf8"));
    i = j;
  }
}

/** UTF-16 units of output converted and written at a time. */
export const WRITE_SLICE = 256 * 1024;

function writeBuffer(fd: number, data: Buffer): void {
  let buf = data;
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
      else {
        // EPIPE or a closed descriptor: nobody reads what is left
        closed.add(fd);
        return;
      }
    }
  }
}

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
    },
    load,
  ).then((code) => {
    process.exitCode = code;
  });
}
