/**
 * End to end on real PostgreSQL 15, pg_ctl layout, loopback: render a spec, initdb and start the
 * primary the way a DBA would, then run the steps of plan.json exactly as written as the `postgres`
 * OS user, and ask the servers themselves whether replication is what the spec says.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { initPrimary, type LocalNodes, localNodes, PG15_BIN, runAsPostgres } from "./support/pg.js";
import { readPlan, runPlan, runStep, sql, startStep, trySql, waitFor } from "./support/plan.js";

const PASSWORD = "e2e-Secret:with\\odd'chars \u00e9";
const ENV = { PGREPL_E2E_PASSWORD: PASSWORD };

interface Cluster extends LocalNodes {
  out: string;
}

const clusters: Cluster[] = [];

async function newCluster(nodes: string[]): Promise<Cluster> {
  const local = await localNodes("pgrepl-e2e-", nodes);
  const c = { ...local, out: join(local.root, "out") };
  clusters.push(c);
  return c;
}

function nodeYaml(c: Cluster, name: string, extra: string): string {
  return `  - name: ${name}
    host: 127.0.0.1
    port: ${c.ports[name]}
    data_directory: ${c.dataDirs[name]}
    bin_directory: ${PG15_BIN}
    socket_directory: ${c.sock}
${extra}`;
}

async function render(c: Cluster, spec: string): Promise<void> {
  const specFile = join(c.root, "spec.yaml");
  writeFileSync(specFile, spec);
  const io = bufferIO({ cwd: c.root });
  const code = await main(["render", specFile, "--out", c.out], io);
  expect(io.err()).toBe("");
  expect(code).toBe(0);
}

/** What a DBA has before the runbooks (see initPrimary), on this cluster's port and socket. */
function initClusterPrimary(c: Cluster, name: string): void {
  initPrimary(c.dataDirs[name] as string, { port: c.ports[name] as number, sock: c.sock });
}

const q = (c: Cluster, node: string, query: string, db?: string) =>
  sql(c.sock, c.ports[node] as number, query, db);

function hashTree(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) h.update(p).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex");
}

function configFingerprint(c: Cluster, node: string): string {
  const d = c.dataDirs[node] as string;
  return ["postgresql.conf", "pg_hba.conf", "postgresql.auto.conf", "conf.d/pgrepl-gen.conf"]
    .map((f) =>
      existsSync(join(d, f))
        ? createHash("sha256")
            .update(readFileSync(join(d, f)))
            .digest("hex")
        : "-",
    )
    .join(",");
}

afterAll(() => {
  for (const c of clusters) {
    for (const d of Object.values(c.dataDirs)) {
      if (existsSync(join(d, "postmaster.pid")))
        runAsPostgres(join(PG15_BIN, "pg_ctl"), ["-D", d, "-m", "immediate", "-w", "stop"]);
    }
    rmSync(c.root, { recursive: true, force: true });
  }
});

describe("e2e: primary, sync + async standbys, a cascaded standby (pg_ctl, PostgreSQL 15)", () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await newCluster(["pg_a", "sync_b", "async_c", "cascade_d"]);
    await render(
      c,
      `version: 1
cluster:
  postgres: 15
  layout: pg_ctl
replication:
  user: repl_e2e
  password: { env: PGREPL_E2E_PASSWORD }
  synchronous:
    method: first
    num_sync: 1
nodes:
${nodeYaml(c, "pg_a", "    role: primary\n")}${nodeYaml(c, "sync_b", "    role: standby\n    sync: true\n")}${nodeYaml(c, "async_c", "    role: standby\n")}${nodeYaml(c, "cascade_d", "    role: standby\n    upstream: sync_b\n")}`,
    );
    initClusterPrimary(c, "pg_a");
    runPlan(c.out, ENV, "postgres");
  }, 300_000);

  it("plan.json orders prepare, standbys upstream first, sync, then verify", () => {
    const steps = readPlan(c.out).map((s) => `${s.node}:${s.args[1]}`);
    expect(steps).toEqual([
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

  it("the primary sees both standbys streaming, with sync_state as specified and active slots", () => {
    const rows = q(
      c,
      "pg_a",
      "SELECT application_name, state, sync_state FROM pg_stat_replication ORDER BY 1",
    );
    expect(rows.split("\n")).toEqual(["async_c|streaming|async", "sync_b|streaming|sync"]);
    const slots = q(c, "pg_a", "SELECT slot_name, active FROM pg_replication_slots ORDER BY 1");
    expect(slots.split("\n")).toEqual(["async_c|t", "sync_b|t"]);
    expect(q(c, "pg_a", "SHOW synchronous_standby_names")).toBe('FIRST 1 ("sync_b")');
  });

  it("the cascaded standby streams from its upstream standby, with its slot there", () => {
    expect(q(c, "sync_b", "SELECT application_name, state FROM pg_stat_replication")).toBe(
      "cascade_d|streaming",
    );
    expect(q(c, "sync_b", "SELECT slot_name, active FROM pg_replication_slots")).toBe("cascade_d|t");
    expect(q(c, "cascade_d", "SELECT status, sender_port FROM pg_stat_wal_receiver")).toBe(
      `streaming|${c.ports.sync_b}`,
    );
  });

  it("a database created on the primary appears on every standby", async () => {
    q(c, "pg_a", "CREATE DATABASE e2e_probe");
    q(c, "pg_a", "CREATE TABLE t AS SELECT 42 AS answer", "e2e_probe");
    for (const n of ["sync_b", "async_c", "cascade_d"]) {
      await waitFor(
        `${n} to replay`,
        () => q(c, n, "SELECT count(*) FROM pg_database WHERE datname = 'e2e_probe'") === "1",
      );
      await waitFor(
        `${n} to have the table`,
        () =>
          trySql(c.sock, c.ports[n] as number, "SELECT 1").ok &&
          q(c, n, "SELECT answer FROM t", "e2e_probe") === "42",
      );
    }
  });

  it("standbys are in recovery and refuse writes", () => {
    for (const n of ["sync_b", "async_c", "cascade_d"]) {
      expect(q(c, n, "SELECT pg_is_in_recovery()")).toBe("t");
      const w = trySql(c.sock, c.ports[n] as number, "CREATE TABLE nope ()");
      expect(w.ok).toBe(false);
      expect(w.out).toContain("25006");
    }
  });

  it("the password reached the server only as a SCRAM verifier, and nowhere in the output", () => {
    expect(
      q(
        c,
        "pg_a",
        "SELECT rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid WHERE rolname = 'repl_e2e'",
      ),
    ).toBe("t");
    const rendered = readdirSync(c.out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const f of rendered)
      expect(readFileSync(join(f.parentPath, f.name), "utf8")).not.toContain("e2e-Secret");
    for (const n of ["pg_a", "sync_b", "async_c", "cascade_d"]) {
      expect(readFileSync(`${c.dataDirs[n]}.log`, "utf8")).not.toContain("e2e-Secret");
    }
  });

  it("a second run of every step changes nothing and fails nothing", () => {
    const before = Object.fromEntries(
      Object.keys(c.dataDirs).map((n) => [
        n,
        { start: q(c, n, "SELECT pg_postmaster_start_time()"), conf: configFingerprint(c, n) },
      ]),
    );
    const out = hashTree(c.out);
    for (const step of readPlan(c.out)) {
      const r = runStep(c.out, step, ENV, "postgres");
      expect(r.status, r.output).toBe(0);
    }
    for (const n of Object.keys(c.dataDirs)) {
      expect(q(c, n, "SELECT pg_postmaster_start_time()"), `${n} restarted`).toBe(before[n]?.start);
      expect(configFingerprint(c, n), `${n} config changed`).toBe(before[n]?.conf);
    }
    expect(hashTree(c.out)).toBe(out);
    expect(readdirSync(c.root).filter((f) => f.includes("pgrepl-gen-moved"))).toEqual([]);
  });
});

describe("e2e: quorum commit (ANY 2 of 3) and a standby step interrupted after its slot was created", () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await newCluster(["q_primary", "q1", "q2", "q3"]);
    await render(
      c,
      `version: 1
cluster:
  postgres: 15
  layout: pg_ctl
replication:
  user: repl_e2e
  password: { env: PGREPL_E2E_PASSWORD }
  synchronous:
    method: any
    num_sync: 2
nodes:
${nodeYaml(c, "q_primary", "    role: primary\n")}${nodeYaml(c, "q1", "    role: standby\n    sync: true\n")}${nodeYaml(c, "q2", "    role: standby\n    sync: true\n")}${nodeYaml(c, "q3", "    role: standby\n    sync: true\n")}`,
    );
    initClusterPrimary(c, "q_primary");
    // Enough data that the base backup takes a moment, so the interruption lands inside it.
    q(
      c,
      "q_primary",
      "CREATE TABLE ballast AS SELECT g, repeat(md5(g::text), 30) AS pad FROM generate_series(1, 250000) g",
    );
  }, 300_000);

  it("runs the plan with q3's standby step killed once after its slot appeared, and converges", async () => {
    const steps = readPlan(c.out);
    for (const step of steps) {
      if (step.node === "q3" && step.args[1] === "standby") {
        const child = startStep(c.out, step, ENV, "postgres");
        const exited = new Promise<void>((r) => child.on("exit", () => r()));
        await waitFor(
          "the slot of q3 on the primary",
          () => q(c, "q_primary", "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'q3'") === "1",
          60,
        );
        process.kill(-(child.pid as number), "SIGKILL");
        await exited;
        // Interrupted: the slot is left behind, the standby is not running.
        expect(q(c, "q_primary", "SELECT active FROM pg_replication_slots WHERE slot_name = 'q3'")).toBe("f");
        expect(
          existsSync(join(c.dataDirs.q3 as string, "standby.signal")) &&
            existsSync(join(c.dataDirs.q3 as string, "postmaster.pid")),
        ).toBe(false);
      }
      const r = runStep(c.out, step, ENV, "postgres");
      expect(r.status, r.output).toBe(0);
    }
  });

  it("pg_stat_replication shows every candidate as quorum", () => {
    expect(q(c, "q_primary", "SHOW synchronous_standby_names")).toBe('ANY 2 ("q1", "q2", "q3")');
    const rows = q(
      c,
      "q_primary",
      "SELECT application_name, state, sync_state FROM pg_stat_replication ORDER BY 1",
    );
    expect(rows.split("\n")).toEqual(["q1|streaming|quorum", "q2|streaming|quorum", "q3|streaming|quorum"]);
  });

  it("the interrupted standby's partial copy was moved aside, not deleted", () => {
    const moved = readdirSync(c.root).filter((f) => f.startsWith("q3.pgrepl-gen-moved-"));
    expect(moved.length).toBeLessThanOrEqual(1);
    expect(q(c, "q3", "SELECT count(*) FROM ballast")).toBe("250000");
  });
});
