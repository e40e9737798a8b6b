/**
 * End to end, pg_ctl layout, with the distribution's binaries (Debian's PostgreSQL 15 in
 * /usr/lib/postgresql/15/bin, whose compiled-in socket directory is /var/run/postgresql) and no
 * `socket_directory` in the spec: the primary's host as the manual's plain `initdb -D
 * /usr/local/pgsql/data` and `pg_ctl -D … -l logfile start` leave it, one standby host with the same
 * fresh server running, the others with the binaries and no data directory. Each runbook is copied
 * to the database user's home on its host and run as that user, as the README says. Then quorum
 * commit with a standby step killed after its slot appeared, run again to convergence.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./hosts/harness.js";
import { secondRun, waitUntil } from "./hosts/observe.js";

const PASSWORD = "e2e-Secret:with\\odd'chars \u00e9";
const ENV = { PGREPL_E2E_PASSWORD: PASSWORD };
const BIN = "/usr/lib/postgresql/15/bin";

const node = (name: string, host: string, extra = "") =>
  `  - { name: ${name}, host: ${host}, bin_directory: ${BIN}${extra} }\n`;

describe("e2e: primary, sync + async standbys, a cascaded standby (pg_ctl, distribution binaries)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness([
      { name: "pg_a", address: "10.30.0.1", state: "pg_ctl" },
      { name: "sync_b", address: "10.30.0.2", state: "pg_ctl" },
      { name: "async_c", address: "10.30.0.3", state: "pg_ctl-nodata" },
      { name: "cascade_d", address: "10.30.0.4", state: "pg_ctl-nodata" },
    ]);
    await h.render(`version: 1
cluster:
  postgres: 15
  layout: pg_ctl
replication:
  user: repl_e2e
  password: { env: PGREPL_E2E_PASSWORD }
  synchronous: { method: first, num_sync: 1 }
nodes:
${node("pg_a", "10.30.0.1", ", role: primary")}${node("sync_b", "10.30.0.2", ", role: standby, sync: true")}${node("async_c", "10.30.0.3", ", role: standby")}${node("cascade_d", "10.30.0.4", ", role: standby, upstream: sync_b")}`);
    h.install();
  }, 300_000);
  afterAll(async () => {
    await h?.destroy();
  });

  it("runs every step of plan.json on its host as the database user", () => {
    expect(h.runPlan(ENV).map((r) => `${r.step.node}:${r.step.args[1]}`)).toEqual([
      "pg_a:prepare",
      "sync_b:standby",
      "async_c:standby",
      "cascade_d:standby",
      "pg_a:sync",
      "pg_a:verify",
      "sync_b:verify",
      "async_c:verify",
      "cascade_d:verify",
    ]);
  });

  it("the socket stays in the binaries' compiled-in directory on every host", () => {
    for (const x of h.hosts()) {
      expect(x.psql("SHOW unix_socket_directories"), x.name).toBe("/var/run/postgresql");
      expect(
        x.sh("grep -rs unix_socket_directories /usr/local/pgsql/data/conf.d || true").trim(),
        x.name,
      ).toBe("");
    }
  });

  it("the primary sees both standbys streaming, sync_state as specified, slots active", () => {
    const pg = h.host("pg_a");
    expect(
      pg.psql("SELECT application_name, state, sync_state FROM pg_stat_replication ORDER BY 1").split("\n"),
    ).toEqual(["async_c|streaming|async", "sync_b|streaming|sync"]);
    expect(pg.psql("SELECT slot_name, active FROM pg_replication_slots ORDER BY 1").split("\n")).toEqual([
      "async_c|t",
      "sync_b|t",
    ]);
    expect(pg.psql("SHOW synchronous_standby_names")).toBe('FIRST 1 ("sync_b")');
  });

  it("the cascaded standby streams from its upstream standby, with its slot there", () => {
    expect(
      h.host("sync_b").psql("SELECT application_name, state, client_addr FROM pg_stat_replication"),
    ).toBe("cascade_d|streaming|10.30.0.4");
    expect(h.host("sync_b").psql("SELECT slot_name, active FROM pg_replication_slots")).toBe("cascade_d|t");
    expect(h.host("cascade_d").psql("SELECT status, sender_host FROM pg_stat_wal_receiver")).toBe(
      "streaming|10.30.0.2",
    );
  });

  it("a table created on the primary appears on every standby, which refuse writes", async () => {
    h.host("pg_a").psql("CREATE DATABASE e2e_probe");
    h.host("pg_a").psql("CREATE TABLE t AS SELECT 42 AS answer", { db: "e2e_probe" });
    for (const n of ["sync_b", "async_c", "cascade_d"]) {
      await waitUntil(
        `${n} to have the table`,
        () => h.host(n).psql("SELECT answer FROM t", { db: "e2e_probe" }) === "42",
      );
      expect(h.host(n).psql("SELECT pg_is_in_recovery()")).toBe("t");
      const w = h.host(n).tryPsql("CREATE TABLE nope ()");
      expect(w.ok).toBe(false);
      expect(w.out).toContain("25006");
    }
  });

  it("the password reached the server only as a SCRAM verifier, and no rendered file or log holds it", () => {
    expect(
      h
        .host("pg_a")
        .psql("SELECT rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid WHERE rolname = 'repl_e2e'"),
    ).toBe("t");
    const out = join(h.root, "out");
    expect(readdirSync(out, { recursive: true }).filter((f) => String(f).includes("e2e-Secret"))).toEqual([]);
    for (const x of h.hosts()) {
      const hit = x.exec("grep", ["-rl", "e2e-Secret", "/usr/local/pgsql", "/var/lib/postgresql/pgrepl"]);
      // the standbys' 0600 passfiles are where it is meant to be (test/secrets.test.ts checks them)
      expect(
        hit.stdout.split("\n").filter((f) => f && !f.endsWith(".pgpass")),
        x.name,
      ).toEqual([]);
    }
  });

  it("a second run of the whole plan changes no file, restarts nothing, keeps sync on at every step", () => {
    const r = secondRun(h, ENV, "pg_a");
    expect(r.failed).toEqual([]);
    expect(r.after).toEqual(r.before);
    expect(new Set(r.sync)).toEqual(new Set(['FIRST 1 ("sync_b")']));
  });
});

describe("e2e: quorum commit (ANY 2 of 3) and a standby step killed after its slot was created (pg_ctl)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness([
      { name: "qp", address: "10.31.0.1", state: "pg_ctl" },
      { name: "q1", address: "10.31.0.2", state: "pg_ctl-nodata" },
      { name: "q2", address: "10.31.0.3", state: "pg_ctl-nodata" },
      { name: "q3", address: "10.31.0.4", state: "pg_ctl-nodata" },
    ]);
    await h.render(`version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication:
  user: repl_e2e
  password: { env: PGREPL_E2E_PASSWORD }
  synchronous: { method: any, num_sync: 2 }
nodes:
${node("qp", "10.31.0.1", ", role: primary")}${node("q1", "10.31.0.2", ", role: standby, sync: true")}${node("q2", "10.31.0.3", ", role: standby, sync: true")}${node("q3", "10.31.0.4", ", role: standby, sync: true")}`);
    h.install();
    // Enough data that the base backup takes a moment, so the interruption lands inside it.
    h.host("qp").psql(
      "CREATE TABLE ballast AS SELECT g, repeat(md5(g::text), 30) AS pad FROM generate_series(1, 250000) g",
    );
  }, 300_000);
  afterAll(async () => {
    await h?.destroy();
  });

  it("runs the plan with q3's standby step killed once after its slot appeared, and converges", async () => {
    const qp = h.host("qp");
    for (const step of h.plan()) {
      if (step.node === "q3" && step.args[1] === "standby") {
        const child = h.startStep(step, ENV);
        const exited = new Promise<void>((r) => child.on("exit", () => r()));
        await waitUntil(
          "the slot of q3 on the primary",
          () => qp.psql("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'q3'") === "1",
          60,
        );
        process.kill(-(child.pid as number), "SIGKILL");
        await exited;
        await waitUntil(
          "the killed step's processes to end",
          () => h.host("q3").sh("pgrep -u postgres pg_basebackup || true").trim() === "",
        );
        expect(qp.psql("SELECT active FROM pg_replication_slots WHERE slot_name = 'q3'")).toBe("f");
      }
      const r = h.runStep(step, ENV);
      expect(r.status, r.output).toBe(0);
    }
  });

  it("pg_stat_replication shows every candidate as quorum", () => {
    const qp = h.host("qp");
    expect(qp.psql("SHOW synchronous_standby_names")).toBe('ANY 2 ("q1", "q2", "q3")');
    expect(
      qp.psql("SELECT application_name, state, sync_state FROM pg_stat_replication ORDER BY 1").split("\n"),
    ).toEqual(["q1|streaming|quorum", "q2|streaming|quorum", "q3|streaming|quorum"]);
  });

  it("the interrupted standby has the whole table; its partial copy was not kept as if it were a cluster", () => {
    const q3 = h.host("q3");
    expect(q3.psql("SELECT count(*) FROM ballast")).toBe("250000");
    expect(
      q3
        .sh("find /usr/local/pgsql -mindepth 1 -maxdepth 1 -type d -name 'data.*'")
        .trim()
        .split("\n")
        .filter(Boolean).length,
    ).toBeLessThanOrEqual(1);
  });
});
