/**
 * A standby host where the DBA already did the tutorial's step "stop the standby's cluster", then
 * copied the node's directory to /root (0700, as on most hosts) and ran the standby step from there,
 * as the README says. Commands the runbook runs as postgres must start from a directory postgres can
 * enter, and psql's output must be read from stdout only (on the old runbooks psql's "could not
 * change directory" warning landed in an arithmetic test and bash exited without a message, after
 * the passfile was written). The stopped cluster is this host's own fresh one: it is moved aside,
 * not deleted, and the runbook says where.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./hosts/harness.js";

const ENV = { PGREPL_PASSWORD: "fresh-hosts-pw" };
let h: Harness;

beforeAll(async () => {
  h = await createHarness([
    { name: "db1", address: "10.70.0.1", state: "debian" },
    { name: "db2", address: "10.70.0.2", state: "debian" },
  ]);
  await h.render(`version: 1
cluster: { postgres: 15, layout: debian }
replication: { user: repl_user, password: { env: PGREPL_PASSWORD } }
nodes:
  - { name: db1, role: primary, host: 10.70.0.1 }
  - { name: db2, role: standby, host: 10.70.0.2 }
`);
  h.install();
  h.host("db2").sh("pg_ctlcluster 15 main stop");
}, 300_000);

afterAll(async () => {
  await h?.destroy();
});

describe("a standby step run from /root (0700) on a host whose fresh cluster was stopped by hand", () => {
  it("the runbook's directory is where the README puts it, and postgres cannot enter it", () => {
    expect(h.dest("db2")).toBe("/root/pgrepl/db2");
    expect(h.host("db2").sh("stat -c %a /root").trim()).toBe("700");
    expect(h.host("db2").exec("bash", ["-c", "cd /root/pgrepl"], { user: "postgres" }).status).not.toBe(0);
  });

  it("runs the plan: psql's warnings are not parsed as output, the standby streams", () => {
    const runs = h.runPlan(ENV);
    for (const r of runs)
      expect(r.output, `${r.step.node} ${r.step.args[1]}`).not.toMatch(/could not change directory/);
    expect(h.host("db1").psql("SELECT application_name, state FROM pg_stat_replication")).toBe(
      "db2|streaming",
    );
  });

  it("the stopped cluster was moved aside, not deleted, and the runbook said where", () => {
    const db2 = h.host("db2");
    const moved = db2
      .sh("find /var/lib/postgresql/15 -mindepth 1 -maxdepth 1 -type d -name 'main.*'")
      .trim()
      .split("\n")
      .filter(Boolean);
    expect(moved).toHaveLength(1);
    expect(db2.sh(`cat ${moved[0]}/PG_VERSION`).trim()).toBe("15");
  });
});
