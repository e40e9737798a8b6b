/**
 * End to end on RHEL hosts as PGDG's packages leave them: binaries under /usr/pgsql-15/bin (here
 * Debian's PostgreSQL 15 bound there on each host), `postgresql-15-setup initdb` run (initdb
 * --auth=ident into /var/lib/pgsql/15/data) and the server started, on the standby's host too.
 * systemd does not run here, so the RHEL runbooks control the server with pg_ctl, as they do on
 * hosts without it. The plan runs as root from /root/pgrepl on each host, as the README says.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./hosts/harness.js";
import { secondRun, waitUntil } from "./hosts/observe.js";

const ENV = { PGREPL_PASSWORD: "rhel-e2e-pw" };
let h: Harness;
let standbyOut = "";

beforeAll(async () => {
  h = await createHarness([
    { name: "pg1", address: "10.50.0.1", state: "rhel" },
    { name: "pg2", address: "10.50.0.2", state: "rhel" },
  ]);
  await h.render(`version: 1
cluster: { postgres: 15, layout: rhel }
replication: { user: repl_user, password: { env: PGREPL_PASSWORD } }
nodes:
  - { name: pg1, role: primary, host: 10.50.0.1 }
  - { name: pg2, role: standby, host: 10.50.0.2 }
`);
  h.install();
}, 300_000);

afterAll(async () => {
  await h?.destroy();
});

describe("e2e: RHEL (PGDG) layout on hosts without systemd (PostgreSQL 15)", () => {
  it("starts from PGDG's layout: the binaries in /usr/pgsql-15/bin, a running server in /var/lib/pgsql/15/data", () => {
    for (const n of ["pg1", "pg2"]) {
      expect(h.host(n).psql("SHOW data_directory")).toBe("/var/lib/pgsql/15/data");
      expect(h.host(n).sh("test -x /usr/pgsql-15/bin/pg_ctl && echo yes").trim()).toBe("yes");
    }
  });

  it("runs every step of plan.json on its host as root", () => {
    const runs = h.runPlan(ENV);
    standbyOut = runs.find((r) => r.step.args[1] === "standby")?.output ?? "";
    expect(runs.map((r) => `${r.step.node}:${r.step.args[1]}`)).toEqual([
      "pg1:prepare",
      "pg2:standby",
      "pg1:verify",
      "pg2:verify",
    ]);
  });

  it("the standby streams from the primary through its slot", () => {
    expect(h.host("pg1").psql("SELECT application_name, state, client_addr FROM pg_stat_replication")).toBe(
      "pg2|streaming|10.50.0.2",
    );
    expect(h.host("pg1").psql("SELECT slot_name, active FROM pg_replication_slots")).toBe("pg2|t");
    expect(h.host("pg2").psql("SELECT status, sender_host FROM pg_stat_wal_receiver")).toBe(
      "streaming|10.50.0.1",
    );
  });

  it("the standby's fresh PGDG cluster was moved aside, not deleted; the new one is postgres-owned 0700", () => {
    const pg2 = h.host("pg2");
    const moved = pg2
      .sh("ls -d /var/lib/pgsql/15/data.* 2>/dev/null || true")
      .trim()
      .split("\n")
      .filter(Boolean);
    expect(moved.filter((m) => !m.endsWith(".log") && !m.endsWith(".pgpass"))).toHaveLength(1);
    expect(standbyOut).toContain("/var/lib/pgsql/15/data");
    expect(pg2.sh("stat -c '%U %a' /var/lib/pgsql/15/data").trim()).toBe("postgres 700");
    expect(pg2.sh("test -f /var/lib/pgsql/15/data/standby.signal && echo yes").trim()).toBe("yes");
  });

  it("replicates and refuses writes on the standby", async () => {
    h.host("pg1").psql("CREATE DATABASE rhel_probe");
    await waitUntil(
      "pg2 to replay",
      () => h.host("pg2").psql("SELECT count(*) FROM pg_database WHERE datname = 'rhel_probe'") === "1",
    );
    const w = h.host("pg2").tryPsql("CREATE TABLE nope ()");
    expect(w.ok).toBe(false);
    expect(w.out).toContain("25006");
  });

  it("a second run of the whole plan changes no file and restarts nothing", () => {
    const r = secondRun(h, ENV, "pg1");
    expect(r.failed).toEqual([]);
    expect(r.after).toEqual(r.before);
  });
});
