import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { charactersBetween } from "./columns.js";
import type { Position } from "./diagnostic.js";

export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; reason: string; pos: Position | null; kind: "missing" | "unreadable" | "invalid" };

/** Whether readText reads a FIFO or character device (`/dev/stdin`, `<(…)`) to its end, or refuses it. */
export interface ReadTextOptions {
  /**
   * true for a path the user named: read a pipe to its end, as every text tool does. False inside
   * trees and for paths a spec names (a FIFO there would make the read wait for a writer).
   */
  streams?: boolean;
}

/**
 * Reads a file as UTF-8 text, read-only, refusing what is not a regular text file (or, with
 * `streams`, a FIFO or character device, read to its end).
 * Every failure is one human sentence (no errno codes, no stack).
 */
export function readText(path: string, maxBytes: number, opts: ReadTextOptions = {}): ReadResult {
  if (opts.streams && isStream(path)) {
    // opened blocking: a FIFO's reader waits for its writer, as `cat FIFO` does (opened
    // O_NONBLOCK, a read before the writer comes would be an end of file)
    let blocking: number;
    try {
      blocking = openSync(path, constants.O_RDONLY);
    } catch (e) {
      return fsFailure(e as NodeJS.ErrnoException);
    }
    try {
      return readStream(blocking, maxBytes);
    } finally {
      closeSync(blocking);
    }
  }
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would wait for a writer forever (it is then refused
    // as not a regular file); regular files read as usual.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return fsFailure(e as NodeJS.ErrnoException);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory())
      return { ok: false, reason: "is a directory, not a file", pos: null, kind: "unreadable" };
    if (!st.isFile()) return { ok: false, reason: "is not a regular file", pos: null, kind: "unreadable" };
    if (st.size > maxBytes) {
      return {
        ok: false,
        reason: `is ${formatSize(st.size)}; files larger than ${formatSize(maxBytes)} are not read`,
        pos: null,
        kind: "invalid",
      };
    }
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return decodeText(buf.subarray(0, off));
  } catch (e) {
    return fsFailure(e as NodeJS.ErrnoException);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads an open descriptor (standard input, a pipe) to its end, as UTF-8 text; more than maxBytes
 * is refused without reading further. A descriptor left non-blocking by whoever started us
 * (EAGAIN) is waited on.
 */
export function readStream(fd: number, maxBytes: number): ReadResult {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (code === "EOF") break; // Windows' end of a pipe
      return fsFailure(e as NodeJS.ErrnoException);
    }
    if (n === 0) break;
    total += n;
    if (total > maxBytes) {
      return {
        ok: false,
        reason: `is more than ${formatSize(maxBytes)}; larger input is not read`,
        pos: null,
        kind: "invalid",
      };
    }
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return decodeText(Buffer.concat(chunks, total));
}

function isStream(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFIFO() || st.isCharacterDevice();
  } catch {
    return false; // the open below says why
  }
}

export function decodeText(buf: Uint8Array): ReadResult {
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    return {
      ok: false,
      reason: "is not a text file (it contains NUL bytes)",
      pos: positionOf(buf, nul),
      kind: "invalid",
    };
  }
  const bad = firstInvalidUtf8(buf);
  if (bad >= 0) {
    const byte = (buf[bad] as number).toString(16).padStart(2, "0");
    return {
      ok: false,
      reason: `invalid UTF-8 (byte 0x${byte})`,
      pos: positionOf(buf, bad),
      kind: "invalid",
    };
  }
  let text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}

function fsFailure(e: NodeJS.ErrnoException): ReadResult {
  switch (e.code) {
    case "ENOENT":
      return { ok: false, reason: "no such file or directory", pos: null, kind: "missing" };
    case "EACCES":
    case "EPERM":
      return { ok: false, reason: "permission denied", pos: null, kind: "unreadable" };
    case "EISDIR":
      return { ok: false, reason: "is a directory, not a file", pos: null, kind: "unreadable" };
    case "ENOTDIR":
      return { ok: false, reason: "a component of the path is not a directory", pos: null, kind: "missing" };
    case "ELOOP":
      return { ok: false, reason: "too many levels of symbolic links", pos: null, kind: "unreadable" };
    default:
      return { ok: false, reason: `cannot be read (${e.code ?? e.message})`, pos: null, kind: "unreadable" };
  }
}

function formatSize(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round(n / (1024 * 1024))} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}

/** 1-based line and column (in characters of the valid prefix) of a byte offset. */
function positionOf(buf: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const prefix = Buffer.from(buf.buffer, buf.byteOffset + lineStart, offset - lineStart).toString("utf8");
  return { line, column: 1 + charactersBetween(prefix, 0, prefix.length) };
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
