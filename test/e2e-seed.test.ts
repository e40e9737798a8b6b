/**
 * The seed tutorial, literally: fixtures/specs/seed.yaml unchanged (PostgreSQL 14, Debian, source
 * 192.168.1.4, replica 192.168.1.5, slot slaveslot1, /opt/psql-replication) on two harness hosts as
 * `apt install postgresql-14` leaves them (cluster `main` created and running on each). PostgreSQL 14
 * is not packaged for this Debian: the pinned 14 server binaries appear where postgresql-common
 * expects them (/usr/lib/postgresql/14, /usr/share/postgresql/14), so pg_createcluster and
 * pg_ctlcluster work as on a real host. Each node's directory is copied to /root/pgrepl on its host
 * (0700, as on most hosts) and plan.json's steps run there as the README says. Then what the tutorial
 * checks by hand, and the whole plan a second time changing nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./hosts/harness.js";
import { snapshot, waitUntil } from "./hosts/observe.js";

const ENV = { PGREPL_PASSWORD: "seed-tutorial-pw" };
const SEED = readFileSync(join(import.meta.dirname, "..", "fixtures", "specs", "seed.yaml"), "utf8");
let h: Harness;
let standbyOutput = "";

beforeAll(async () => {
  h = await createHarness([
    { name: "source", address: "192.168.1.4", state: "debian", major: 14 },
    { name: "replica", address: "192.168.1.5", state: "debian", major: 14 },
  ]);
  await h.render(SEED);
  h.install();
}, 300_000);

afterAll(async () => {
  await h?.destroy();
});

describe("the seed tutorial on two fresh Debian hosts (PostgreSQL 14, spec unchanged)", () => {
  it("starts from what apt leaves: 14/main running on both hosts", () => {
    for (const n of ["source", "replica"]) {
      expect(h.host(n).psql("SELECT current_setting('server_version_num')::int / 10000")).toBe("14");
      expect(h.host(n).psql("SELECT pg_is_in_recovery()")).toBe("f");
    }
  });

  it("runs every step of plan.json on its host, as written", () => {
    const runs = h.runPlan(ENV);
    standbyOutput = runs.find((r) => r.step.node === "replica" && r.step.args[1] === "standby")?.output ?? "";
    const steps = runs.map((r) => `${r.step.node}:${r.step.args[1]}`);
    expect(steps).toEqual(["source:prepare", "replica:standby", "source:verify", "replica:verify"]);
  });

  it("the primary has the slot, active, and pg_stat_replication shows the standby streaming", () => {
    const src = h.host("source");
    expect(src.psql("SELECT slot_name, slot_type, active FROM pg_replication_slots")).toBe(
      "slaveslot1|physical|t",
    );
    expect(src.psql("SELECT application_name, state, client_addr FROM pg_stat_replication")).toBe(
      "replica|streaming|192.168.1.5",
    );
  });

  it("the standby's WAL receiver streams from 192.168.1.4 through the slot", () => {
    expect(
      h.host("replica").psql("SELECT status, slot_name, sender_host, sender_port FROM pg_stat_wal_receiver"),
    ).toBe("streaming|slaveslot1|192.168.1.4|5432");
  });

  it("the standby runs from /opt/psql-replication, owned by postgres, mode 0700", () => {
    const r = h.host("replica");
    expect(r.psql("SHOW data_directory")).toBe("/opt/psql-replication");
    expect(r.sh("stat -c '%U %a' /opt/psql-replication").trim()).toBe("postgres 700");
  });

  it("Debian's old data directory of the standby was moved aside, not deleted, and the runbook said where", () => {
    const r = h.host("replica");
    expect(r.sh("test -e /var/lib/postgresql/14/main && echo present || echo gone").trim()).toBe("gone");
    const moved = r
      .sh("ls -d /var/lib/postgresql/14/main.* 2>/dev/null || true")
      .trim()
      .split("\n")
      .filter(Boolean);
    expect(moved).toHaveLength(1);
    expect(r.sh(`cat ${moved[0]}/PG_VERSION`).trim()).toBe("14");
    expect(standbyOutput).toContain(moved[0]);
  });

  it("CREATE DATABASE test1 is refused on the standby; a database made on the primary appears there", async () => {
    const w = h.host("replica").tryPsql("CREATE DATABASE test1");
    expect(w.ok).toBe(false);
    expect(w.out).toContain("25006");
    h.host("source").psql("CREATE DATABASE test2");
    await waitUntil(
      "test2 on the standby",
      () => h.host("replica").psql("SELECT count(*) FROM pg_database WHERE datname = 'test2'") === "1",
    );
  });

  it("the whole plan a second time changes no file, restarts nothing, rebuilds nothing", () => {
    const before = h.hosts().map((x) => snapshot(x));
    const runs = h.runPlan(ENV, (r) => expect(r.status, r.output).toBe(0));
    expect(runs).toHaveLength(4);
    const after = h.hosts().map((x) => snapshot(x));
    expect(after).toEqual(before);
  });
});
