/**
 * How the CLI writes to stdout and stderr: blocking writes of whole strings, in slices. Cheaper at
 * start-up than process.stdout (which loads and sets up the stream machinery, several ms of a
 * lint run), and nothing is left to flush at exit.
 */
import { writeSync } from "node:fs";

const closed = new Set<number>();

/**
 * Writes all of text to a file descriptor. A descriptor set non-blocking by whoever started us (EAGAIN)
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
