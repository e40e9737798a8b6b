/**
 * End to end on this machine's Debian PostgreSQL 15 (postgresql-common): clusters made with
 * pg_createcluster, a primary and two standbys on one host (own cluster names and ports), one
 * standby with a data directory outside /var/lib/postgresql (the seed's /opt/psql-replication
 * case). The steps of plan.json run as written, as root, as the Debian layout's runbooks expect.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { freePorts, makeTempDir } from "./support/pg.js";
import { readPlan, runPlan, runStep, sql, trySql, waitFor } from "./support/plan.js";

const ENV = { PGREPL_PASSWORD: "debian-e2e-pw" };
const SOCK = "/var/run/postgresql";
const tag = `pgrg${Math.random().toString(36).slice(2, 7)}`;
const names = { p: `${tag}_p`, s1: `${tag}_s1`, s2: `${tag}_s2` };
const ports: Record<string, number> = {};
let root = "";
let out = "";
let s2Data = "";

function sh(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) throw new Error(`${cmd} is not available (install postgresql-common): ${r.error.message}`);
  return r;
}

function createCluster(name: string, port: number): void {
  const r = sh("pg_createcluster", ["15", name, "-p", String(port), "--start-conf=manual"]);
  expect(r.status, r.stderr).toBe(0);
}

const q = (node: keyof typeof names, query: string, db?: string) =>
  sql(SOCK, ports[node] as number, query, db);

beforeAll(async () => {
  const free = await freePorts(Object.keys(names).length);
  Object.keys(names).forEach((k, i) => {
    ports[k] = free[i] as number;
  });
  root = await makeTempDir("pgrepl-debian-");
  out = join(root, "out");
  s2Data = join(root, "psql-replication");
  createCluster(names.p, ports.p as number);
  createCluster(names.s1, ports.s1 as number);
  createCluster(names.s2, ports.s2 as number);
  expect(sh("pg_ctlcluster", ["15", names.p, "start"]).status).toBe(0);
  const spec = join(root, "spec.yaml");
  writeFileSync(
    spec,
    `version: 1
cluster:
  postgres: 15
  layout: debian
replication:
  user: repl_user
  password: { env: PGREPL_PASSWORD }
nodes:
  - name: source
    role: primary
    host: 127.0.0.1
    port: ${ports.p}
    cluster: ${names.p}
  - name: replica
    role: standby
    host: 127.0.0.1
    port: ${ports.s1}
    cluster: ${names.s1}
    slot: slaveslot1
  - name: replica2
    role: standby
    host: 127.0.0.1
    port: ${ports.s2}
    cluster: ${names.s2}
    data_directory: ${s2Data}
`,
  );
  const io = bufferIO({ cwd: root });
  expect(await main(["render", spec, "--out", out], io), io.err()).toBe(0);
}, 120_000);

afterAll(() => {
  for (const n of Object.values(names)) {
    sh("pg_dropcluster", ["--stop", "15", n]);
    // pg_dropcluster leaves a config directory holding files it does not know (the drop-in, backups).
    rmSync(`/etc/postgresql/15/${n}`, { recursive: true, force: true });
  }
  for (const n of Object.values(names)) {
    for (const f of readdirSync("/var/lib/postgresql/15")) {
      if (f === n || f.startsWith(`${n}.`))
        rmSync(join("/var/lib/postgresql/15", f), { recursive: true, force: true });
    }
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("e2e: Debian layout with pg_createcluster clusters (PostgreSQL 15, runbooks as root)", () => {
  it("refuses to touch a standby host whose cluster runs as a primary holding data, and changes nothing", () => {
    expect(sh("pg_ctlcluster", ["15", names.s1, "start"]).status).toBe(0);
    // (a cluster holding nothing but what initdb made would be stopped and moved aside: issue 15)
    q("s1", "CREATE TABLE kept ()");
    const before = readdirSync(`/var/lib/postgresql/15/${names.s1}`).sort();
    const step = readPlan(out).find((s) => s.node === "replica" && s.args[1] === "standby");
    if (!step) throw new Error("no standby step for replica");
    const r = runStep(out, step, ENV);
    expect(r.status).toBe(1);
    expect(r.output).toContain(`a running server owns /var/lib/postgresql/15/${names.s1} and holds 1 table;`);
    expect(readdirSync(`/var/lib/postgresql/15/${names.s1}`).sort()).toEqual(before);
    expect(q("s1", "SELECT pg_is_in_recovery()")).toBe("f");
    expect(sh("pg_ctlcluster", ["15", names.s1, "stop"]).status).toBe(0);
  });

  it("runs every step of plan.json as written", () => {
    const results = runPlan(out, ENV);
    expect(results.map((r) => `${r.step.node}:${r.step.args[1]}`)).toEqual([
      "source:prepare",
      "replica:standby",
      "replica2:standby",
      "source:verify",
      "replica:verify",
      "replica2:verify",
    ]);
  }, 300_000);

  it("both standbys stream from the primary with their slots active", () => {
    expect(
      q("p", "SELECT application_name, state, sync_state FROM pg_stat_replication ORDER BY 1").split("\n"),
    ).toEqual(["replica|streaming|async", "replica2|streaming|async"]);
    expect(q("p", "SELECT slot_name, active FROM pg_replication_slots ORDER BY 1").split("\n")).toEqual([
      "replica2|t",
      "slaveslot1|t",
    ]);
  });

  it("the second standby runs from its own data directory, set in its Debian postgresql.conf", () => {
    expect(q("s2", "SHOW data_directory")).toBe(s2Data);
    expect(readFileSync(`/etc/postgresql/15/${names.s2}/postgresql.conf`, "utf8")).toContain(
      `data_directory = '${s2Data}'`,
    );
    expect(existsSync(join(s2Data, "standby.signal"))).toBe(true);
    // pg_createcluster's own data directory of that cluster was moved aside, not deleted (issue 15).
    expect(existsSync(`/var/lib/postgresql/15/${names.s2}`)).toBe(false);
    const moved = readdirSync("/var/lib/postgresql/15").filter((f) =>
      f.startsWith(`${names.s2}.pgrepl-gen-moved-`),
    );
    expect(moved.map((m) => existsSync(join("/var/lib/postgresql/15", m, "PG_VERSION")))).toEqual([true]);
  });

  it("the first standby's old data directory was moved aside, not deleted", () => {
    const moved = readdirSync("/var/lib/postgresql/15").filter((f) =>
      f.startsWith(`${names.s1}.pgrepl-gen-moved-`),
    );
    expect(moved).toHaveLength(1);
    expect(existsSync(join("/var/lib/postgresql/15", moved[0] as string, "PG_VERSION"))).toBe(true);
  });

  it("replicates a new database and refuses writes on the standbys", async () => {
    q("p", "CREATE DATABASE debian_probe");
    for (const n of ["s1", "s2"] as const) {
      await waitFor(
        `${n} to replay`,
        () => q(n, "SELECT count(*) FROM pg_database WHERE datname = 'debian_probe'") === "1",
      );
      const w = trySql(SOCK, ports[n] as number, "CREATE TABLE nope ()");
      expect(w.ok).toBe(false);
      expect(w.out).toContain("25006");
    }
  });

  it("files owned by postgres, data directories 0700, passfiles 0600", () => {
    for (const d of [`/var/lib/postgresql/15/${names.s1}`, s2Data]) {
      const st = spawnSync("stat", ["-c", "%U %a", d], { encoding: "utf8" }).stdout.trim();
      expect(st).toBe("postgres 700");
    }
    for (const f of [`/var/lib/postgresql/15/${names.s1}.pgpass`, `${s2Data}.pgpass`]) {
      expect(spawnSync("stat", ["-c", "%U %a", f], { encoding: "utf8" }).stdout.trim()).toBe("postgres 600");
    }
  });

  it("a second run of every step restarts nothing and fails nothing", () => {
    const starts = (["p", "s1", "s2"] as const).map((n) => q(n, "SELECT pg_postmaster_start_time()"));
    for (const step of readPlan(out)) {
      const r = runStep(out, step, ENV);
      expect(r.status, r.output).toBe(0);
    }
    expect((["p", "s1", "s2"] as const).map((n) => q(n, "SELECT pg_postmaster_start_time()"))).toEqual(
      starts,
    );
  });
});
