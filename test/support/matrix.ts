/**
 * Helpers for the version matrix (test/matrix.test.ts): asynchronous processes (several majors
 * run at once, so nothing may block the event loop), the pinned server binaries of every major,
 * a bin_directory per major, and comparing a rendered value with what a server shows.
 * Servers run as the `postgres` OS user (runuser), like everywhere in the test harness.
 */
import { spawn } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { getParam, parseBool } from "../../src/pg/catalog/index.js";
import { PG15_BIN } from "./pg.js";

const ROOT = join(import.meta.dirname, "..", "..");
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

export interface PgBinaries {
  major: number;
  /** initdb, pg_ctl, postgres (no psql, no pg_basebackup) */
  binDir: string;
  /** what `postgres --version` says, e.g. "16.14" */
  serverVersion: string;
}

/** The pinned server binaries of a major (scripts/pg-binaries.mjs downloads them once into .cache/pg). */
export async function pgBinaries(major: number): Promise<PgBinaries> {
  const url = pathToFileURL(join(ROOT, "scripts", "pg-binaries.mjs")).href;
  const mod = (await import(url)) as { ensurePgBinaries(major: number): Promise<PgBinaries> };
  return await mod.ensurePgBinaries(major);
}

export interface ExecResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** run as the `postgres` OS user (runuser) when the test runs as root */
  asPostgres?: boolean;
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
}

/** Runs a command without blocking the event loop. */
export function exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const [file, argv] =
    opts.asPostgres && isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      cwd: opts.cwd ?? "/tmp",
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", (e) => reject(new Error(`cannot run \`${cmd}\`: ${e.message}`)));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    // A command that exits without reading its input (postgres -C) closes the pipe first: EPIPE on
    // our side is expected then, not an error of the test.
    child.stdin.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") reject(e);
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** exec, throwing with the command's output when it fails. */
export async function execOk(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await exec(cmd, args, opts);
  if (r.status !== 0) {
    throw new Error(`\`${[cmd, ...args].join(" ")}\` failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  return r;
}

/** SQL through Debian's psql 15 (it talks to every server 12–18) over the node's socket, as postgres. */
export async function psql(socketDir: string, port: number, sql: string, db = "postgres"): Promise<string> {
  const r = await trySql(socketDir, port, sql, db);
  if (!r.ok) throw new Error(`psql on port ${port}: ${r.out}`);
  return r.out.trim();
}

/**
 * Several queries in one psql session (a process per query is what makes a busy CI slow):
 * each query's unaligned, tuples-only output, in order. Fails on the first error.
 */
export async function psqlBatch(socketDir: string, port: number, queries: string[]): Promise<string[]> {
  const marker = "__pgrg_matrix_next__";
  const args = [
    "-X",
    "-At",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    "-h",
    socketDir,
    "-p",
    String(port),
    "-d",
    "postgres",
  ];
  for (const q of queries) args.push("-c", q, "-c", `\\echo ${marker}`);
  const r = await exec(join(PG15_BIN, "psql"), args, { asPostgres: true });
  if (r.status !== 0) throw new Error(`psql on port ${port}: ${r.stdout}${r.stderr}`);
  const parts = r.stdout.split(`${marker}\n`);
  if (parts.length !== queries.length + 1)
    throw new Error(`psql on port ${port}: unexpected output ${r.stdout}`);
  return parts.slice(0, queries.length).map((p) => p.replace(/\n$/, ""));
}

export async function trySql(
  socketDir: string,
  port: number,
  sql: string,
  db = "postgres",
): Promise<{ ok: boolean; out: string }> {
  const r = await exec(
    join(PG15_BIN, "psql"),
    [
      "-X",
      "-At",
      "-q",
      "-v",
      "ON_ERROR_STOP=1",
      "-v",
      "VERBOSITY=verbose",
      "-h",
      socketDir,
      "-p",
      String(port),
      "-d",
      db,
      "-c",
      sql,
    ],
    { asPostgres: true },
  );
  return { ok: r.status === 0, out: r.status === 0 ? r.stdout : `${r.stdout}${r.stderr}` };
}

export async function waitFor(what: string, check: () => Promise<boolean>, seconds = 60): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

/**
 * A bin_directory for a spec of one major: links to that major's server binaries, Debian's psql 15,
 * and Debian's pg_basebackup 15 when it can copy the major (a client copies servers of its own
 * major and older). The runbooks find everything there; postgres resolves its own share and lib
 * directories through the link, so the server is the pinned build.
 */
export function makeBinDirectory(dir: string, bin: PgBinaries): { hasBasebackup: boolean } {
  mkdirSync(dir, { mode: 0o755 });
  for (const tool of ["initdb", "pg_ctl", "postgres"]) {
    if (!existsSync(join(bin.binDir, tool)))
      throw new Error(`PostgreSQL ${bin.major}: ${tool} missing in ${bin.binDir}`);
    symlinkSync(join(bin.binDir, tool), join(dir, tool));
  }
  const clients = bin.major <= 15 ? ["psql", "pg_basebackup"] : ["psql"];
  for (const tool of clients) {
    if (!existsSync(join(PG15_BIN, tool))) {
      throw new Error(
        `${tool} missing in ${PG15_BIN}: install it with \`apt-get update && apt-get install -y postgresql-15\``,
      );
    }
    symlinkSync(join(PG15_BIN, tool), join(dir, tool));
  }
  return { hasBasebackup: clients.includes("pg_basebackup") };
}

/** chown to postgres (when root), so the server and the runbooks may read and write it. */
export function givePostgres(path: string): void {
  if (!isRoot) return;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const f = line?.split(":");
  if (!f || f.length < 4)
    throw new Error("there is no `postgres` OS user (apt-get install -y postgresql-15)");
  chownSync(path, Number(f[2]), Number(f[3]));
}

// ---------------------------------------------------------------------------------------
// Values as the server shows them

const MEMORY_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  kB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};
const TIME_UNITS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Bytes or milliseconds per unit of a pg_settings unit ("8kB", "MB", "s", …). */
function unitSize(unit: string): number {
  const m = /^(\d*)([A-Za-z]+)$/.exec(unit);
  const base = m ? (MEMORY_UNITS[m[2] as string] ?? TIME_UNITS[m[2] as string]) : undefined;
  if (!m || base === undefined) throw new Error(`unknown pg_settings unit ${unit}`);
  return (m[1] ? Number(m[1]) : 1) * base;
}

/** A number with an optional unit, in bytes or milliseconds (or plain, for a parameter without unit). */
function inAbsoluteUnits(value: string, unit: string | undefined): number | undefined {
  const m = /^\s*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const u = m[2] as string;
  if (u === "") return unit === undefined ? n : n * unitSize(unit);
  const f = MEMORY_UNITS[u] ?? TIME_UNITS[u];
  return f === undefined ? undefined : n * f;
}

/**
 * Whether what a server shows for a parameter (SHOW, `postgres -C`) is the value rendered:
 * booleans by meaning (on = true = yes), enums case-insensitively, numbers with units by
 * amount (10GB = 10240MB), strings exactly.
 */
export function sameSetting(major: number, name: string, rendered: string, shown: string): boolean {
  const p = getParam(major, name);
  if (!p) return rendered === shown;
  switch (p.type) {
    case "bool":
      return parseBool(rendered) !== undefined && parseBool(rendered) === parseBool(shown);
    case "enum":
      return rendered.toLowerCase() === shown.toLowerCase();
    case "integer":
    case "real": {
      const a = inAbsoluteUnits(rendered, p.unit);
      const b = inAbsoluteUnits(shown, p.unit);
      return a !== undefined && b !== undefined && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
    }
    case "string":
      return rendered === shown;
  }
}

// ---------------------------------------------------------------------------------------
// What the runbook's standby phase does to the files of a copy, for the path that cannot run it

/** ensure_hba_block with a block present: the lines from `# BEGIN pgrepl-gen` to `# END pgrepl-gen` replaced. */
export function replaceHbaBlock(hba: string, block: string): string {
  const lines = hba.split(/(?<=\n)/);
  const begin = lines.findIndex((l) => l.startsWith("# BEGIN pgrepl-gen"));
  const end = lines.findIndex((l, i) => i > begin && l.startsWith("# END pgrepl-gen"));
  if (begin < 0 || end < 0) throw new Error("pg_hba.conf holds no pgrepl-gen block");
  return [...lines.slice(0, begin), block, ...lines.slice(end + 1)].join("");
}

/** set_replication_keys: inherited primary_conninfo/primary_slot_name dropped, the rendered keys appended. */
export function withReplicationKeys(autoConf: string, renderedAuto: string): string {
  const kept = autoConf
    .split(/(?<=\n)/)
    .filter((l) => !/^\s*(primary_conninfo|primary_slot_name)\s*(=|\s)/i.test(l));
  const keys = renderedAuto.split(/(?<=\n)/).filter((l) => !l.startsWith("#"));
  return [...kept, ...keys].join("");
}

/** Runs jobs with at most `limit` at once; each result is the job's own promise. */
export function limiter(limit: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= limit) return;
    const start = queue.shift();
    if (start) {
      active++;
      start();
    }
  };
  return <T>(job: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        job()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}
