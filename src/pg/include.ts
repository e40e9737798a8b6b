import { posix } from "node:path";
import { type ConfFs, type FsError, isFsError } from "./conf/fs.js";

/**
 * The include and path rules postgresql.conf and pg_hba.conf share: the server reads both through
 * the same code (AbsoluteConfigLocation, join_path_components, canonicalize_path,
 * ParseConfigDirectory's listing in guc-file.l, conffiles.c from 16), so conf/parse.ts and
 * hba/parse.ts take them from here.
 */

/** The server's CONF_FILE_MAX_DEPTH: the main file is depth 0, an include of depth 11 fails. */
export const CONF_FILE_MAX_DEPTH = 10;
/**
 * Includes one tree may follow (ours, not the server's): real trees follow a handful, and a cycle
 * that branches would otherwise open k^10 files and exhaust memory.
 */
export const MAX_FILE_READS = 10_000;
/** Text one tree may read through includes, all files together (a single file is at most 16 MiB). */
export const MAX_TEXT_READ = 64 * 1024 * 1024;
/** What a parser says when it stops following includes for MAX_FILE_READS or MAX_TEXT_READ. */
export const BUDGET_SPENT = `more than ${MAX_FILE_READS} includes or ${MAX_TEXT_READ / (1024 * 1024)} MiB of text read (an include cycle that branches?)`;

/** The includes one tree has followed and the text it has read, against MAX_FILE_READS and MAX_TEXT_READ. */
export class IncludeBudget {
  private reads = 0;
  private chars = 0;
  /** Counts one more file to open; false once past MAX_FILE_READS. */
  open(): boolean {
    return ++this.reads <= MAX_FILE_READS;
  }
  /** Counts `length` more characters read; false once past MAX_TEXT_READ. */
  read(length: number): boolean {
    this.chars += length;
    return this.chars <= MAX_TEXT_READ;
  }
}

/** An include's file or directory name the server calls empty: nothing but blanks. */
export function isBlankName(s: string): boolean {
  return /^[ \t\r\n]*$/.test(s);
}

/**
 * The server's AbsoluteConfigLocation: absolute paths as given, relative ones joined to the
 * directory of the calling file (or the data directory) and canonicalized as `major` does.
 */
export function absoluteConfigLocation(
  location: string,
  callingFile: string | null,
  dataDir: string,
  major: number,
): string {
  if (location.startsWith("/")) return location;
  const base = callingFile !== null ? posix.dirname(callingFile) : dataDir;
  return joinPath(base, location, major);
}

/** join_path_components + canonicalize_path of the given major. */
export function joinPath(head: string, tail: string, major: number): string {
  if (major >= 15) return canonicalizePath(posix.join(head, tail));
  // Before 15, join_path_components dropped leading "./" and canonicalize_path only resolved
  // "." and ".." at the end of a path: "/data/../x.conf" stays as written.
  let t = tail;
  while (t.startsWith("./")) t = t.slice(2);
  return canonicalizePathPre15(t === "" ? head : `${head}/${t}`);
}

function canonicalizePath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, "") : n;
}

/** trim_directory: drop the last path component and the separators before it (never the root). */
function trimDirectory(p: string): string {
  let i = p.length - 1;
  while (i > 0 && p[i] === "/") i--;
  while (i > 0 && p[i] !== "/") i--;
  while (i > 0 && p[i - 1] === "/") i--;
  if (i === 0 && p[0] === "/") i = 1;
  return p.slice(0, i);
}

/** canonicalize_path of PostgreSQL 12–14. */
function canonicalizePathPre15(path: string): string {
  let p = path.replace(/\/{2,}/g, "/");
  if (p.length > 1) p = p.replace(/\/+$/, "");
  let pending = 0;
  for (let guard = 0; guard < 4096; guard++) {
    if (p.length >= 2 && p.endsWith("/.")) p = trimDirectory(p);
    else if (p === ".") {
      if (pending > 0) p = "";
      break;
    } else if ((p.length >= 3 && p.endsWith("/..")) || p === "..") {
      p = trimDirectory(p);
      pending++;
    } else if (pending > 0 && p !== "" && p !== "/") {
      p = trimDirectory(p);
      pending--;
      if (p === "") p = ".";
    } else break;
  }
  return p;
}

/** strcmp order over UTF-8 bytes, as the server sorts include_dir entries. */
export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** What an include_dir reads, or where listing it failed. */
export type IncludeDirListing =
  | { files: string[] }
  | { listError: FsError }
  | { statError: FsError; path: string };

/**
 * ParseConfigDirectory's listing: the files of the directory `dir` (absolute) in the order the
 * server reads them. Only names ending in ".conf" with at least one character before it and not
 * starting with "." count; subdirectories are skipped; one entry that cannot be stat'ed fails it all.
 */
export function includeDirFiles(fs: ConfFs, dir: string, major: number): IncludeDirListing {
  const names = fs.listDir(dir);
  if (isFsError(names)) return { listError: names.error };
  const files: string[] = [];
  for (const name of names) {
    if (name.length < 6 || name.startsWith(".") || !name.endsWith(".conf")) continue;
    const path = joinPath(dir, name, major);
    const st = fs.stat(path);
    if (isFsError(st)) return { statError: st.error, path };
    if (st.type !== "directory") files.push(path);
  }
  return { files: files.sort(byteCompare) };
}
