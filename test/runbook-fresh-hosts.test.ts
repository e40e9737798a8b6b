/**
 * Issue 15's runbook defects, on real PostgreSQL 15 servers as a new user's host has them (loopback
 * until the host harness is on main):
 * - a pg_ctl primary initdb'd and started with Debian's binaries and nothing else listens on their
 *   compiled-in socket directory /var/run/postgresql, and a spec without socket_directory;
 * - a Debian standby host as `apt install postgresql` leaves it: cluster created by
 *   pg_createcluster and running, holding nothing else (stopped and moved aside after the one
 *   confirmation), or holding a user table (refused, nothing changed);
 * - the rendered directory copied under /root (mode 0700) and run from there, as the README says;
 * - the patch headers name the initdb whose files they apply to.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { freePorts, makeTempDir, PG15_BIN, runAsPostgres } from "./support/pg.js";
import { readPlan, runPlan, runStep, sql } from "./support/plan.js";

const DEFAULT_SOCKET = "/var/run/postgresql";
const ENV = { PGREPL_FRESH_PASSWORD: "fresh-Secret:odd'\\chars" };
const roots: string[] = [];
const clusters: string[] = [];
const pgCtlDirs: string[] = [];

function sh(cmd: string, args: string[], opts: { cwd?: string } = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: opts.cwd ?? "/tmp" });
  if (r.error) throw new Error(`${cmd} is not available (scripts/install-test-deps.sh): ${r.error.message}`);
  return r;
}

async function render(root: string, spec: string): Promise<string> {
  const specFile = join(root, "spec.yaml");
  writeFileSync(specFile, spec);
  const out = join(root, "out");
  const io = bufferIO({ cwd: root });
  expect(await main(["render", specFile, "--out", out], io), io.err()).toBe(0);
  return out;
}

/** The rendered directory where the README tells a user to put it: under /root (mode 0700). */
function copyUnderRoot(out: string): string {
  const dir = mkdtempSync("/root/pgrepl-fresh-");
  roots.push(dir);
  expect(statSync("/root").mode & 0o777).toBe(0o700);
  cpSync(out, join(dir, "pgrepl"), { recursive: true });
  return join(dir, "pgrepl");
}

/** postmaster.pid's socket directory (line 5) and port (line 4) of a running server. */
function pidfileSocket(dataDir: string): { port: string; socket: string } {
  const lines = readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n");
  return { port: lines[3] as string, socket: lines[4] as string };
}

afterAll(() => {
  for (const d of pgCtlDirs) {
    if (existsSync(join(d, "postmaster.pid")))
      runAsPostgres(join(PG15_BIN, "pg_ctl"), ["-D", d, "-m", "immediate", "-w", "stop"]);
  }
  for (const c of clusters) {
    sh("pg_dropcluster", ["--stop", "15", c]);
    rmSync(`/etc/postgresql/15/${c}`, { recursive: true, force: true });
    for (const f of readdirSync("/var/lib/postgresql/15")) {
      if (f === c || f.startsWith(`${c}.`))
        rmSync(join("/var/lib/postgresql/15", f), { recursive: true, force: true });
    }
  }
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe("pg_ctl layout with Debian's binaries and no socket_directory in the spec", () => {
  let root = "";
  let out = "";
  const data: Record<string, string> = {};
  const ports: Record<string, number> = {};
  beforeAll(async () => {
    root = await makeTempDir("pgrepl-fresh-pgctl-");
    roots.push(root);
    const [p, s] = await freePorts(2);
    ports.p = p as number;
    ports.s = s as number;
    data.p = join(root, "p");
    data.s = join(root, "s");
    pgCtlDirs.push(data.p, data.s);
    out = await render(
      root,
      `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication: { user: repl_fresh, password: { env: PGREPL_FRESH_PASSWORD } }
nodes:
  - { name: p, role: primary, host: 127.0.0.1, port: ${p}, data_directory: ${data.p}, bin_directory: ${PG15_BIN} }
  - { name: s, role: standby, host: 127.0.0.1, port: ${s}, data_directory: ${data.s}, bin_directory: ${PG15_BIN} }
`,
    );
    // What the DBA did: initdb and pg_ctl start, nothing else but the port (the host has others).
    const init = runAsPostgres(join(PG15_BIN, "initdb"), [
      "-D",
      data.p,
      "--auth-local=peer",
      "--auth-host=scram-sha-256",
      "--no-sync",
    ]);
    expect(init.status, init.stderr).toBe(0);
    appendFileSync(join(data.p, "postgresql.conf"), `port = ${p}\n`);
    const st = runAsPostgres(join(PG15_BIN, "pg_ctl"), ["-D", data.p, "-w", "-l", `${data.p}.log`, "start"]);
    expect(st.status, st.stderr).toBe(0);
    expect(pidfileSocket(data.p).socket).toBe(DEFAULT_SOCKET);
  }, 120_000);

  it("the drop-in leaves unix_socket_directories alone", () => {
    for (const n of ["p", "s"])
      expect(readFileSync(join(out, n, "conf.d/pgrepl-gen.conf"), "utf8")).not.toContain(
        "unix_socket_directories",
      );
  });

  it("the plan reaches both servers on the socket they really use, and the socket stays there", () => {
    const before = sql(DEFAULT_SOCKET, ports.p as number, "SELECT pg_postmaster_start_time()");
    const results = runPlan(out, ENV, "postgres");
    expect(results.map((r) => r.status)).toEqual(results.map(() => 0));
    // prepare restarted the primary (listen_addresses changed): the socket did not move.
    expect(sql(DEFAULT_SOCKET, ports.p as number, "SELECT pg_postmaster_start_time()")).not.toBe(before);
    expect(pidfileSocket(data.p as string)).toEqual({ port: String(ports.p), socket: DEFAULT_SOCKET });
    expect(pidfileSocket(data.s as string)).toEqual({ port: String(ports.s), socket: DEFAULT_SOCKET });
    expect(sql(DEFAULT_SOCKET, ports.s as number, "SELECT status FROM pg_stat_wal_receiver")).toBe(
      "streaming",
    );
  });
});

describe("a Debian standby host as `apt install postgresql` leaves it, run from a copy under /root", () => {
  const tag = `fresh${Math.random().toString(36).slice(2, 7)}`;
  const names = { p: `${tag}_p`, s: `${tag}_s`, u: `${tag}_u` };
  const ports: Record<string, number> = {};
  let root = "";
  let here = "";
  let newData = "";
  let userData = "";

  beforeAll(async () => {
    root = await makeTempDir("pgrepl-fresh-debian-");
    roots.push(root);
    const free = await freePorts(3);
    ports.p = free[0] as number;
    ports.s = free[1] as number;
    ports.u = free[2] as number;
    newData = join(root, "psql-replication");
    userData = join(root, "psql-replication-u");
    for (const k of ["p", "s", "u"] as const) {
      clusters.push(names[k]);
      // as apt leaves it: created and started, default socket, peer auth
      const c = sh("pg_createcluster", ["15", names[k], "-p", String(ports[k]), "--start"]);
      expect(c.status, c.stderr).toBe(0);
    }
    const node = (k: "s" | "u", dir: string) =>
      `  - { name: ${k === "s" ? "replica" : "replica_u"}, role: standby, host: 127.0.0.1, port: ${ports[k]}, cluster: ${names[k]}, slot: slot_${k}, data_directory: ${dir} }\n`;
    const out = await render(
      root,
      `version: 1
cluster: { postgres: 15, layout: debian }
replication: { user: repl_fresh, password: { env: PGREPL_FRESH_PASSWORD } }
nodes:
  - { name: source, role: primary, host: 127.0.0.1, port: ${ports.p}, cluster: ${names.p} }
${node("s", newData)}${node("u", userData)}`,
    );
    here = copyUnderRoot(out);
  }, 120_000);

  it("prepare and the standby step run from /root/…: the fresh cluster is stopped, moved aside, replaced", () => {
    const steps = readPlan(here);
    for (const step of steps.filter((s) => s.node !== "replica_u" && s.args[1] !== "verify")) {
      const r = spawnSync(join(here, step.run), [...step.args, "--yes"], {
        cwd: here,
        env: { ...process.env, ...ENV },
        encoding: "utf8",
      });
      expect(r.status, `${step.node} ${step.args[1]}:\n${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stderr).not.toContain("could not change directory");
      if (step.node === "replica") {
        const oldDir = `/var/lib/postgresql/15/${names.s}`;
        const moved = readdirSync("/var/lib/postgresql/15").filter((f) =>
          f.startsWith(`${names.s}.pgrepl-gen-moved-`),
        );
        expect(moved).toHaveLength(1);
        expect(existsSync(join("/var/lib/postgresql/15", moved[0] as string, "PG_VERSION"))).toBe(true);
        expect(existsSync(oldDir)).toBe(false);
        expect(r.stdout).toContain(`${oldDir} aside to /var/lib/postgresql/15/${moved[0]}`);
      }
    }
    expect(sql(DEFAULT_SOCKET, ports.s as number, "SHOW data_directory")).toBe(newData);
    expect(sql(DEFAULT_SOCKET, ports.s as number, "SELECT status FROM pg_stat_wal_receiver")).toBe(
      "streaming",
    );
    const st = statSync(newData);
    expect(st.mode & 0o777).toBe(0o700);
    expect(sh("stat", ["-c", "%U", newData]).stdout.trim()).toBe("postgres");
  });

  it("a standby host whose running server holds a user table is refused, nothing changed", () => {
    const liveDir = `/var/lib/postgresql/15/${names.u}`;
    sql(DEFAULT_SOCKET, ports.u as number, "CREATE TABLE precious AS SELECT 1 AS keep");
    const fingerprint = () => {
      const h = createHash("sha256");
      for (const dir of [`/etc/postgresql/15/${names.u}`]) {
        for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
          const p = join(dir, f);
          if (statSync(p).isFile()) h.update(p).update(readFileSync(p));
        }
      }
      h.update(readdirSync(liveDir).sort().join(","));
      h.update(String(existsSync(userData)));
      h.update(sql(DEFAULT_SOCKET, ports.u as number, "SELECT count(*), max(oid::bigint) FROM pg_class"));
      h.update(sql(DEFAULT_SOCKET, ports.u as number, "SELECT pg_postmaster_start_time()"));
      return h.digest("hex");
    };
    const before = fingerprint();
    const slotsBefore = sql(DEFAULT_SOCKET, ports.p as number, "SELECT count(*) FROM pg_replication_slots");
    const step = readPlan(here).find((s) => s.node === "replica_u" && s.args[1] === "standby");
    if (!step) throw new Error("no standby step for replica_u");
    const r = runStep(here, step, ENV);
    expect(r.status).toBe(1);
    expect(r.output).toContain(`a running server owns ${liveDir} and holds 1 table;`);
    expect(r.output).not.toContain("step failed at line");
    expect(fingerprint()).toBe(before);
    expect(sql(DEFAULT_SOCKET, ports.p as number, "SELECT count(*) FROM pg_replication_slots")).toBe(
      slotsBefore,
    );
    expect(sql(DEFAULT_SOCKET, ports.u as number, "SELECT keep FROM precious")).toBe("1");
  });
});

describe("patch headers name the initdb whose files they patch", () => {
  let root = "";
  let out = "";
  beforeAll(async () => {
    root = await makeTempDir("pgrepl-fresh-patch-");
    roots.push(root);
    out = await render(
      root,
      `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication: { user: repl_fresh, password: { env: PGREPL_FRESH_PASSWORD } }
nodes:
  - { name: p, role: primary, host: 10.9.0.1, data_directory: /srv/pg }
  - { name: s, role: standby, host: 10.9.0.2, data_directory: /srv/pg }
`,
    );
  });

  /** initdb as the header names it (its words, then -D DIR), or plain initdb */
  function initdbInto(dir: string, words: string[]): void {
    const [cmd, ...args] = words;
    const r = runAsPostgres(join(PG15_BIN, cmd as string), [...args, "-D", dir, "--no-sync"]);
    expect(r.status, r.stderr).toBe(0);
  }

  function applies(dir: string, patch: string): boolean {
    return sh("patch", ["-p1", "--dry-run", "-s", "-i", patch], { cwd: dir }).status === 0;
  }

  it("every header names one initdb command; its files take both patches, a plain initdb's do not", () => {
    const headers = ["p", "s"].flatMap((n) =>
      ["postgresql.conf.patch", "pg_hba.conf.patch"].map(
        (f) => readFileSync(join(out, n, f), "utf8").split("\n--- ")[0] as string,
      ),
    );
    const commands = headers.map((h) => /`(initdb[^`]*)`/.exec(h)?.[1]);
    expect(commands).toEqual(headers.map(() => "initdb --auth-local=peer --auth-host=scram-sha-256"));
    const named = join(root, "named");
    const plain = join(root, "plain");
    initdbInto(named, (commands[0] as string).split(" "));
    initdbInto(plain, ["initdb"]);
    for (const f of ["postgresql.conf.patch", "pg_hba.conf.patch"])
      expect(applies(named, join(out, "p", f)), f).toBe(true);
    expect(applies(plain, join(out, "p", "pg_hba.conf.patch"))).toBe(false);
    const readme = readFileSync(join(out, "README.md"), "utf8");
    expect(readme).toContain("initdb --auth-local=peer --auth-host=scram-sha-256");
    expect(readme).toMatch(/When your files differ[\s\S]*the runbooks[\s\S]*`base`/);
  });
});
