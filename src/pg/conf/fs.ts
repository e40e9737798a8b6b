import { isUtf8 } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";

/**
 * The little of a filesystem the config parsers need. Pure parsers take one of these, so
 * tests can hand them a Map and lint hands them the real, read-only one.
 */
export interface ConfFs {
  /** The whole file as text, or why it cannot be read. Never blocks on a FIFO. */
  readFile(path: string): string | { error: FsError };
  /** Names in a directory (no `.`/`..`), in no particular order. */
  listDir(path: string): string[] | { error: FsError };
  /** What is at path, following symbolic links (as stat(2)). */
  stat(path: string): { type: FileType } | { error: FsError };
}

export type FileType =
  | "file"
  | "directory"
  | "fifo"
  | "socket"
  | "character-device"
  | "block-device"
  | "other";

export interface FsError {
  kind: "missing" | "permission" | "is-directory" | "not-regular" | "not-directory" | "too-large" | "other";
  /** one lowercase phrase: "no such file or directory", "permission denied", … */
  message: string;
}

export function isFsError<T>(r: T | { error: FsError }): r is { error: FsError } {
  return typeof r === "object" && r !== null && "error" in r;
}

/** Files larger than this are refused (a config file is kilobytes; this guards against /dev/zero-likes). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * The real filesystem, strictly read-only: files are opened with O_RDONLY|O_NONBLOCK (so a
 * FIFO cannot hang us), checked to be regular files, and read whole. Text is UTF-8; bytes
 * that are not UTF-8 become U+FFFD (the server reads bytes and does not care, and every byte
 * ≥ 0x80 is a letter to its scanner as U+FFFD is to ours).
 */
export function nodeConfFs(maxBytes = MAX_CONFIG_BYTES): ConfFs {
  return {
    readFile(path) {
      let fd: number;
      try {
        fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      } catch (e) {
        return { error: fsError(e) };
      }
      try {
        const st = fstatSync(fd);
        if (st.isDirectory()) return { error: { kind: "is-directory", message: "is a directory" } };
        if (!st.isFile())
          return { error: { kind: "not-regular", message: `is not a regular file (${typeOf(st)})` } };
        if (st.size > maxBytes) {
          return { error: { kind: "too-large", message: `is larger than ${maxBytes} bytes` } };
        }
        const buf = Buffer.alloc(st.size);
        let off = 0;
        while (off < st.size) {
          const n = readSync(fd, buf, off, st.size - off, off);
          if (n === 0) break;
          off += n;
        }
        const bytes = buf.subarray(0, off);
        // valid UTF-8 (nearly every file) decodes the same either way, and toString is cheaper
        return isUtf8(bytes)
          ? bytes.toString("utf8")
          : new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
      } catch (e) {
        return { error: fsError(e) };
      } finally {
        closeSync(fd);
      }
    },
    listDir(path) {
      try {
        return readdirSync(path);
      } catch (e) {
        return { error: fsError(e) };
      }
    },
    stat(path) {
      try {
        return { type: typeOf(statSync(path)) };
      } catch (e) {
        return { error: fsError(e) };
      }
    },
  };
}

function typeOf(st: {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): FileType {
  if (st.isFile()) return "file";
  if (st.isDirectory()) return "directory";
  if (st.isFIFO()) return "fifo";
  if (st.isSocket()) return "socket";
  if (st.isCharacterDevice()) return "character-device";
  if (st.isBlockDevice()) return "block-device";
  return "other";
}

function fsError(e: unknown): FsError {
  const code = (e as { code?: string }).code;
  switch (code) {
    case "ENOENT":
      return { kind: "missing", message: "no such file or directory" };
    case "EACCES":
    case "EPERM":
      return { kind: "permission", message: "permission denied" };
    case "EISDIR":
      return { kind: "is-directory", message: "is a directory" };
    case "ENOTDIR":
      return { kind: "not-directory", message: "not a directory" };
    case "ELOOP":
      return { kind: "other", message: "too many levels of symbolic links" };
    default:
      return { kind: "other", message: `cannot be read (${code ?? "unknown error"})` };
  }
}

/**
 * An in-memory ConfFs for tests and for rendered output: paths are keys, directories implied;
 * `{ type }` stands for a special file, `{ denied: true }` for one that cannot be read.
 */
export function memoryConfFs(files: Record<string, string | { type: FileType } | { denied: true }>): ConfFs {
  const norm = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, "") : p);
  const entries = new Map(Object.entries(files).map(([k, v]) => [norm(k), v]));
  const isDir = (p: string): boolean => {
    const e = entries.get(p);
    if (e !== undefined && typeof e !== "string") return "type" in e && e.type === "directory";
    const prefix = p === "/" ? "/" : `${p}/`;
    for (const k of entries.keys()) if (k.startsWith(prefix)) return true;
    return false;
  };
  return {
    readFile(path) {
      const p = norm(path);
      const e = entries.get(p);
      if (typeof e === "string") return e;
      if (e !== undefined && "denied" in e)
        return { error: { kind: "permission", message: "permission denied" } };
      if (e !== undefined) {
        if (e.type === "directory") return { error: { kind: "is-directory", message: "is a directory" } };
        return { error: { kind: "not-regular", message: `is not a regular file (${e.type})` } };
      }
      if (isDir(p)) return { error: { kind: "is-directory", message: "is a directory" } };
      return { error: { kind: "missing", message: "no such file or directory" } };
    },
    listDir(path) {
      const p = norm(path);
      if (!isDir(p)) {
        return entries.has(p)
          ? { error: { kind: "not-directory", message: "not a directory" } }
          : { error: { kind: "missing", message: "no such file or directory" } };
      }
      const prefix = p === "/" ? "/" : `${p}/`;
      const names = new Set<string>();
      for (const k of entries.keys()) {
        if (k.startsWith(prefix)) {
          const rest = k.slice(prefix.length);
          const name = rest.split("/")[0];
          if (name) names.add(name);
        }
      }
      return [...names];
    },
    stat(path) {
      const p = norm(path);
      const e = entries.get(p);
      if (typeof e === "string" || (e !== undefined && "denied" in e)) return { type: "file" };
      if (e !== undefined) return { type: e.type };
      if (isDir(p)) return { type: "directory" };
      return { error: { kind: "missing", message: "no such file or directory" } };
    },
  };
}
