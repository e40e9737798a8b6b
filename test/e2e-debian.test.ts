/**
 * End to end on Debian hosts as `apt install postgresql-15` leaves them: every host has the cluster
 * `main` created and running (port 5432, socket /var/run/postgresql, peer auth), the standbys' too.
 * A primary, a synchronous standby and an asynchronous one whose data directory is outside
 * /var/lib/postgresql (the seed's /opt/psql-replication case), each on its own harness host; the
 * steps of plan.json run on their hosts as root from /root/pgrepl, as the README says.
 * A second scenario: a standby host whose running server holds a user table is refused, and nothing
 * on that host changes (its files and its catalogue compared before and after).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./hosts/harness.js";
import { secondRun, snapshot, waitUntil } from "./hosts/observe.js";

const ENV = { PGREPL_PASSWORD: "debian-e2e-pw" };

const SPEC = `version: 1
cluster:
  postgres: 15
  layout: debian
replication:
  user: repl_user
  password: { env: PGREPL_PASSWORD }
  synchronous: { method: first, num_sync: 1 }
nodes:
  - { name: db1, role: primary, host: 10.20.0.1 }
  - { name: db2, role: standby, host: 10.20.0.2, sync: true, slot: slaveslot1 }
  - { name: db3, role: standby, host: 10.20.0.3, data_directory: /opt/psql-replication }
`;

describe("e2e: Debian hosts with a fresh `main` running on every host (PostgreSQL 15)", () => {
  let h: Harness;
  let standbyOut: Record<string, string> = {};
  beforeAll(async () => {
    h = await createHarness([
      { name: "db1", address: "10.20.0.1", state: "debian" },
      { name: "db2", address: "10.20.0.2", state: "debian" },
      { name: "db3", address: "10.20.0.3", state: "debian" },
    ]);
    await h.render(SPEC);
    h.install();
  }, 300_000);
  afterAll(async () => {
    await h?.destroy();
  });

  it("runs every step of plan.json on its host, as written", () => {
    const runs = h.runPlan(ENV);
    standbyOut = Object.fromEntries(
      runs.filter((r) => r.step.args[1] === "standby").map((r) => [r.step.node, r.output]),
    );
    expect(runs.map((r) => `${r.step.node}:${r.step.args[1]}`)).toEqual([
      "db1:prepare",
      "db2:standby",
      "db3:standby",
      "db1:sync",
      "db1:verify",
      "db2:verify",
      "db3:verify",
    ]);
  });

  it("both standbys stream from the primary over the network, with their slots active", () => {
    const db1 = h.host("db1");
    expect(
      db1
        .psql("SELECT application_name, state, sync_state, client_addr FROM pg_stat_replication ORDER BY 1")
        .split("\n"),
    ).toEqual(["db2|streaming|sync|10.20.0.2", "db3|streaming|async|10.20.0.3"]);
    expect(db1.psql("SELECT slot_name, active FROM pg_replication_slots ORDER BY 1").split("\n")).toEqual([
      "db3|t",
      "slaveslot1|t",
    ]);
    expect(db1.psql("SHOW synchronous_standby_names")).toBe('FIRST 1 ("db2")');
  });

  it("the server's socket stays where Debian put it, and the primary listens on its address", () => {
    for (const n of ["db1", "db2", "db3"]) {
      expect(h.host(n).psql("SHOW unix_socket_directories")).toBe("/var/run/postgresql");
    }
    expect(h.host("db1").psql("SHOW listen_addresses")).toContain("10.20.0.1");
  });

  it("db3 runs from its own data directory, set in its Debian postgresql.conf", () => {
    const db3 = h.host("db3");
    expect(db3.psql("SHOW data_directory")).toBe("/opt/psql-replication");
    expect(db3.sh("grep -E '^data_directory' /etc/postgresql/15/main/postgresql.conf")).toContain(
      "'/opt/psql-replication'",
    );
    expect(db3.sh("test -f /opt/psql-replication/standby.signal && echo yes").trim()).toBe("yes");
  });

  it("the fresh clusters the standbys had were stopped and moved aside, never deleted, and the runbook said where", () => {
    for (const n of ["db2", "db3"]) {
      const host = h.host(n);
      const moved = host
        .sh("find /var/lib/postgresql/15 -mindepth 1 -maxdepth 1 -type d -name 'main.*'")
        .trim()
        .split("\n")
        .filter(Boolean);
      expect(moved, n).toHaveLength(1);
      expect(host.sh(`cat ${moved[0]}/PG_VERSION`).trim()).toBe("15");
      expect(standbyOut[n]).toContain(moved[0]);
    }
  });

  it("replicates a new database and refuses writes on the standbys", async () => {
    h.host("db1").psql("CREATE DATABASE debian_probe");
    for (const n of ["db2", "db3"]) {
      await waitUntil(
        `${n} to replay`,
        () => h.host(n).psql("SELECT count(*) FROM pg_database WHERE datname = 'debian_probe'") === "1",
      );
      const w = h.host(n).tryPsql("CREATE TABLE nope ()");
      expect(w.ok).toBe(false);
      expect(w.out).toContain("25006");
    }
  });

  it("data directories are postgres-owned 0700, passfiles 0600", () => {
    expect(h.host("db2").sh("stat -c '%U %a' /var/lib/postgresql/15/main").trim()).toBe("postgres 700");
    expect(h.host("db3").sh("stat -c '%U %a' /opt/psql-replication").trim()).toBe("postgres 700");
    for (const n of ["db2", "db3"]) {
      expect(
        h
          .host(n)
          .sh("stat -c '%U %a' $(ls /var/lib/postgresql/15/*.pgpass /opt/*.pgpass 2>/dev/null)")
          .trim(),
      ).toBe("postgres 600");
    }
  });

  it("a second run of the whole plan changes no file, restarts nothing, keeps sync on at every step", () => {
    const r = secondRun(h, ENV, "db1");
    expect(r.failed).toEqual([]);
    expect(r.after).toEqual(r.before);
    expect(new Set(r.sync)).toEqual(new Set(['FIRST 1 ("db2")']));
  });
});

describe("e2e: a Debian standby host whose running server holds data is refused, and nothing changes", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness([
      { name: "db1", address: "10.20.1.1", state: "debian" },
      { name: "busy", address: "10.20.1.2", state: "debian" },
    ]);
    await h.render(`version: 1
cluster: { postgres: 15, layout: debian }
replication: { user: repl_user, password: { env: PGREPL_PASSWORD } }
nodes:
  - { name: db1, role: primary, host: 10.20.1.1 }
  - { name: busy, role: standby, host: 10.20.1.2 }
`);
    h.install();
    h.host("busy").psql("CREATE TABLE orders (id int); INSERT INTO orders VALUES (1)");
  }, 300_000);
  afterAll(async () => {
    await h?.destroy();
  });

  it("prepares the primary, then refuses the standby step naming the data directory and what it holds", () => {
    const [prepare, standby] = h.plan();
    if (!prepare || !standby) throw new Error("no plan");
    expect(h.runStep(prepare, ENV).status).toBe(0);
    const busy = h.host("busy");
    const before = snapshot(busy);
    const catalogue = busy.psql(
      "SELECT relname FROM pg_class WHERE relname = 'orders'; SELECT count(*) FROM orders",
    );
    const r = h.runStep(standby, ENV);
    expect(r.status).toBe(1);
    expect(r.output).toContain("/var/lib/postgresql/15/main");
    expect(r.output).toMatch(/1 table/);
    expect(snapshot(busy)).toEqual(before);
    expect(
      busy.psql("SELECT relname FROM pg_class WHERE relname = 'orders'; SELECT count(*) FROM orders"),
    ).toBe(catalogue);
    expect(h.host("db1").psql("SELECT count(*) FROM pg_replication_slots")).toBe("0");
  });
});
