/**
 * PATHs that lint reads as a stream rather than a file: `-` (standard input) and FIFOs or
 * character devices named on the command line (`/dev/stdin`, `<(git show HEAD:pg_hba.conf)`),
 * read to their end before discovery. Each becomes an in-memory file (withStreams) under the name
 * findings show: for `-`, `--stdin-filename` or `<stdin>`. What it is (postgresql.conf syntax,
 * pg_hba.conf, a spec) follows from that name when it is one lint knows, else from the content:
 * a YAML/JSON mapping with `nodes` and `replication` is a spec, a first record starting with a
 * pg_hba.conf connection type is a pg_hba.conf, anything else is postgresql.conf syntax.
 */
import { statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { type ConfFs, MAX_CONFIG_BYTES } from "../pg/conf/index.js";
import { type ReadResult, readText } from "../util/read-text.js";

export interface Streamed {
  text: string;
  /** the file name that decides what lint takes it for (`pg_hba.conf`, `postgresql.conf`, `stdin.yaml`) */
  as: string;
}

export interface StreamOptions {
  cwd: string;
  /** the name `-` carries (--stdin-filename); default `<stdin>` */
  stdinFilename: string | undefined;
  readStdin: ((maxBytes: number) => ReadResult) | undefined;
}

export interface StreamedPaths {
  /** the PATHs for discovery: `-` replaced by its name */
  paths: string[];
  /** absolute path -> text, for discovery (DiscoverOptions.streams) */
  streams: Map<string, Streamed>;
  /** one line per stream that could not be read (exit 2) */
  errors: string[];
}

const KNOWN_NAME = /^(pg_hba.*\.conf|recovery\.conf|.*\.(conf|ya?ml|json))$/i;
/** the connection types a pg_hba.conf record starts with (PostgreSQL 12–18) */
const HBA_TYPE = /^(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)$/;

export function readStreams(given: readonly string[], opts: StreamOptions): StreamedPaths {
  const out: StreamedPaths = { paths: [], streams: new Map(), errors: [] };
  for (const path of given) {
    if (path === "-") {
      const name = opts.stdinFilename ?? "<stdin>";
      const r: ReadResult = opts.readStdin
        ? opts.readStdin(MAX_CONFIG_BYTES)
        : { ok: false, reason: "standard input cannot be read here", pos: null, kind: "unreadable" };
      take(out, name, resolve(opts.cwd, name), r);
      continue;
    }
    const abs = resolve(opts.cwd, path);
    let stream = false;
    try {
      const st = statSync(abs);
      stream = st.isFIFO() || st.isCharacterDevice();
    } catch {
      stream = false; // discovery says what is wrong with it
    }
    if (stream) take(out, path, abs, readText(abs, MAX_CONFIG_BYTES, { streams: true }));
    else out.paths.push(path);
  }
  return out;
}

function take(out: StreamedPaths, name: string, abs: string, r: ReadResult): void {
  if (!r.ok) {
    out.errors.push(r.pos ? `${name}:${r.pos.line}:${r.pos.column}: ${r.reason}` : `${name}: ${r.reason}`);
    return;
  }
  out.paths.push(name);
  out.streams.set(abs, { text: r.text, as: kindName(name, r.text) });
}

/** The name lint classifies a stream by: its own when lint knows it, else one for its content. */
export function kindName(name: string, text: string): string {
  const base = basename(name);
  if (KNOWN_NAME.test(base)) return base;
  return looksLikeSpec(text) ? "stdin.yaml" : looksLikeHba(text) ? "pg_hba.conf" : "postgresql.conf";
}

function looksLikeSpec(text: string): boolean {
  const yaml = /^"?nodes"?\s*:/m.test(text) && /^"?replication"?\s*:/m.test(text);
  const json = /^\s*\{[\s\S]*"nodes"\s*:/.test(text) && /"replication"\s*:/.test(text);
  return yaml || json;
}

function looksLikeHba(text: string): boolean {
  for (const line of text.split("\n")) {
    const first = line.replace(/#.*/, "").trim().split(/\s+/)[0] ?? "";
    if (first === "") continue;
    return HBA_TYPE.test(first);
  }
  return false;
}

/** A ConfFs that serves the streams' texts at their paths and everything else from `base`. */
export function withStreams(base: ConfFs, streams: ReadonlyMap<string, Streamed> | undefined): ConfFs {
  if (streams === undefined || streams.size === 0) return base;
  return {
    readFile: (path) => streams.get(path)?.text ?? base.readFile(path),
    listDir: (path) => base.listDir(path),
    stat: (path) => (streams.has(path) ? { type: "file" } : base.stat(path)),
  };
}
