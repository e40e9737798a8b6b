import { createHash } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { filePatch } from "./patch.js";
import type { RenderedFile } from "./render.js";

/** render's record of what it wrote, so it never overwrites or deletes anything else. */
export const MANIFEST = ".pgrepl-gen-manifest.json";

interface Manifest {
  generator: "pgrepl-gen";
  spec: string;
  files: Record<string, { sha256: string; mode: string }>;
}

export interface WriteOptions {
  force: boolean;
  prune: boolean;
}

export interface WriteReport {
  written: string[];
  unchanged: string[];
  removed: string[];
  /** Files of nodes no longer in the spec, kept because --prune was not given. */
  kept: string[];
  /** Files render refused to touch (exit 2); nothing was written when this is non-empty. */
  refused: { path: string; reason: string }[];
}

/** Of a string: its UTF-8 bytes (hashed without making a Buffer of them). */
const sha256 = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");
const octal = (m: number) => `0${(m & 0o777).toString(8)}`;

function readManifest(dir: string): Manifest | undefined {
  const p = join(dir, MANIFEST);
  if (!existsSync(p)) return undefined;
  try {
    const m = JSON.parse(readFileSync(p, "utf8")) as Manifest;
    if (m.generator !== "pgrepl-gen" || typeof m.files !== "object" || m.files === null) return undefined;
    // The manifest is a file in the user's repository: anyone can edit it. Only the paths render
    // itself writes count (`../x`, `/x`, `a/./b` are none of them).
    const files = fileTable();
    for (const [path, entry] of Object.entries(m.files)) if (isOwnPath(path)) files[path] = entry;
    return { ...m, files };
  } catch {
    return undefined;
  }
}

/**
 * An empty table of files by path: without a prototype, so that a path such as `__proto__` is a
 * key like any other. (Also much faster to fill with a large topology's 1 600 paths than an object
 * literal or Object.fromEntries, which build a hidden class per property until they give up.)
 */
function fileTable(): Manifest["files"] {
  return Object.create(null) as Manifest["files"];
}

/** A path render writes: relative, every segment a plain name. */
function isOwnPath(p: string): boolean {
  return (
    p !== "" &&
    !p.startsWith("/") &&
    !p.includes("\0") &&
    p.split("/").every((s) => s !== "" && s !== "." && s !== "..")
  );
}

/**
 * What lies between the output directory and a file: plain directories, a directory that does not
 * exist (yet: then neither does the file), or something else (a symbolic link).
 */
type Way = "plain" | "absent" | "link";

/**
 * The directories between dir and path, each looked at once per render: a topology's files share
 * a few hundred directories, and into a new output directory every file's first directory is
 * absent (each was lstat'ed once per file, and then the file).
 */
class Ways {
  private readonly plain = new Set<string>();
  private readonly absent = new Set<string>();
  constructor(private readonly dir: string) {}

  to(path: string): Way {
    const segs = path.split("/").slice(0, -1);
    let at = this.dir;
    for (const s of segs) {
      at = join(at, s);
      if (this.plain.has(at)) continue;
      if (this.absent.has(at)) return "absent";
      try {
        if (!lstatSync(at).isDirectory()) return "link";
      } catch {
        this.absent.add(at);
        return "absent";
      }
      this.plain.add(at);
    }
    return "plain";
  }
}

/**
 * What is at path now: its hash (a marker for anything but a regular file) and its permission
 * bits, or undefined when nothing is. `same`/`sameHash`: rendered text and its hash; a file that
 * holds exactly that text gets that hash without hashing it again (a render of unchanged output
 * mostly meets its own files). The file is compared as decoded UTF-8 (cheaper than hashing its
 * bytes, and than turning every rendered text into a Buffer).
 */
function current(path: string, same?: string, sameHash?: string): { hash: string; perm: number } | undefined {
  try {
    const st = lstatSync(path);
    const perm = st.mode & 0o777;
    if (!st.isFile()) return { hash: `not-a-file:${st.mode}`, perm };
    const bytes = readFileSync(path);
    // Equal decoded text means equal bytes only when nothing decoded to U+FFFD: bytes that are
    // not UTF-8 decode to it (F0 9F 98 at the end of a file is one U+FFFD, like EF BF BD).
    if (
      same !== undefined &&
      sameHash !== undefined &&
      bytes.length === Buffer.byteLength(same) &&
      !same.includes("\uFFFD") &&
      bytes.toString("utf8") === same
    )
      return { hash: sameHash, perm };
    return { hash: sha256(bytes), perm };
  } catch {
    return undefined;
  }
}

function currentHash(path: string): string | undefined {
  return current(path)?.hash;
}

/**
 * Writes via a temporary file and rename: a reader never sees half a file, and an interrupted render
 * leaves the old file. (No fsync per file: rendered output can be rendered again; an fsync for each of
 * a large topology's files cost seconds.)
 */
function writeAtomic(path: string, content: string, mode: number, madeDirs: Set<string>): void {
  const dir = dirname(path);
  if (!madeDirs.has(dir)) {
    mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const tmp = join(dir, `.${Math.random().toString(36).slice(2)}.pgrepl-gen.tmp`);
  const fd = openSync(tmp, "wx", mode);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

export function writeRendered(
  dir: string,
  spec: string,
  files: RenderedFile[],
  opts: WriteOptions,
): WriteReport {
  const report: WriteReport = { written: [], unchanged: [], removed: [], kept: [], refused: [] };
  const old = readManifest(dir);
  const owned = old?.files ?? fileTable();
  const plan: RenderedFile[] = [];

  // the new manifest's entries, in the order of files (a file refused ends the render before it is written)
  const entries = fileTable();
  const ways = new Ways(dir);
  for (const f of files) {
    const target = join(dir, f.path);
    const way = ways.to(f.path);
    // never write through a symbolic link out of the directory, not even with --force
    if (way === "link") {
      report.refused.push({ path: f.path, reason: "a directory on its path is a symbolic link" });
      continue;
    }
    const want = sha256(f.content);
    entries[f.path] = { sha256: want, mode: octal(f.mode) };
    const found = way === "absent" ? undefined : current(target, f.content, want);
    if (found === undefined) {
      plan.push(f);
      continue;
    }
    const now = found.hash;
    if (now === want) {
      if (owned[f.path]?.mode !== octal(f.mode) || found.perm !== f.mode) plan.push(f);
      else report.unchanged.push(f.path);
      continue;
    }
    const mine = owned[f.path];
    if (mine && mine.sha256 === now) plan.push(f);
    else if (opts.force) plan.push(f);
    else {
      report.refused.push({
        path: f.path,
        reason: mine ? "edited since pgrepl-gen wrote it" : "not written by pgrepl-gen",
      });
    }
  }

  const rendered = new Set(files.map((f) => f.path));
  const stale = Object.keys(owned).filter((p) => !rendered.has(p));
  const toRemove: string[] = [];
  for (const p of stale) {
    const now = currentHash(join(dir, p));
    if (now === undefined) continue;
    // Only a regular file reached through plain directories can be ours: a link or a directory
    // where our file was is someone else's, and stays (even with --force).
    if (!opts.prune || now.startsWith("not-a-file:") || ways.to(p) === "link") {
      report.kept.push(p);
      continue;
    }
    if (now === owned[p]?.sha256 || opts.force) toRemove.push(p);
    else report.refused.push({ path: p, reason: "edited since pgrepl-gen wrote it; not removed" });
  }

  if (report.refused.length > 0) return report;

  const madeDirs = new Set<string>();
  for (const f of plan) {
    writeAtomic(join(dir, f.path), f.content, f.mode, madeDirs);
    report.written.push(f.path);
  }
  for (const p of toRemove) {
    unlinkSync(join(dir, p));
    report.removed.push(p);
    removeEmptyParents(dir, dirname(join(dir, p)));
  }
  const manifest: Manifest = { generator: "pgrepl-gen", spec, files: entries };
  for (const p of report.kept) {
    const entry = owned[p];
    if (entry) manifest.files[p] = entry;
  }
  writeAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, 0o644, madeDirs);
  return report;
}

function removeEmptyParents(root: string, dir: string): void {
  let d = dir;
  while (relative(root, d) !== "" && !relative(root, d).startsWith("..")) {
    try {
      if (readdirSync(d).length > 0) return;
      rmdirSync(d);
    } catch {
      return;
    }
    d = dirname(d);
  }
}

export interface DriftReport {
  /** Unified diffs, one per drifted file, paths relative to the output dir. */
  diffs: string[];
  /** One line per drift that a diff cannot show (mode, stale file). */
  notes: string[];
}

/** `render --check`: what differs between DIR and what would be rendered. Reads only. */
export function checkRendered(dir: string, files: RenderedFile[]): DriftReport {
  const diffs: string[] = [];
  const notes: string[] = [];
  for (const f of files) {
    const target = join(dir, f.path);
    // one lstat: the kind of file, and its mode when the text is as rendered
    let text: string | undefined;
    let mode = 0;
    try {
      const st = lstatSync(target);
      mode = st.mode;
      if (st.isFile()) text = readFileSync(target, "utf8");
    } catch {
      text = undefined;
    }
    if (text !== f.content) diffs.push(filePatch(f.path, text, f.content));
    else if ((mode & 0o777) !== f.mode)
      notes.push(`${f.path}: mode ${octal(mode)}, expected ${octal(f.mode)}`);
  }
  const rendered = new Set(files.map((f) => f.path));
  for (const p of Object.keys(readManifest(dir)?.files ?? {})) {
    if (!rendered.has(p) && existsSync(join(dir, p)))
      notes.push(`${p}: no longer rendered (a node left the spec); \`render --prune\` removes it`);
  }
  return { diffs, notes };
}
