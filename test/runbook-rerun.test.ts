/**
 * Issue 16 on real PostgreSQL 15 (pg_ctl layout, loopback): the runbooks re-run as a DBA re-runs
 * them — after the primary restarted, with a mistyped password, without the password, on the wrong
 * node — change nothing that works. Each case starts from a plan that ran to the end (a primary and
 * a synchronous standby streaming), and asserts from the servers and the files.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import {
  freePorts,
  initPrimary,
  type LocalNodes,
  localNodes,
  PG15_BIN,
  runAsPostgres,
} from "./support/pg.js";
import { type PlanStep, readPlan, runPlan, runStep, sql } from "./support/plan.js";

const PASSWORD = "rerun-Secret:odd'\\chars";
const ENV = { PGREPL_RERUN_PASSWORD: PASSWORD };
const WRONG = { PGREPL_RERUN_PASSWORD: "rerun-Secret:typo" };
let c: LocalNodes;
let out = "";
const pgDirs: string[] = [];

const q = (node: string, query: string) => sql(c.sock, c.ports[node] as number, query);
const step = (node: string, phase: string, dir = out): PlanStep => {
  const s = readPlan(dir).find((x) => x.node === node && x.args[1] === phase);
  if (!s) throw new Error(`no ${phase} step for ${node}`);
  return s;
};
const run = (node: string, phase: string, env: Record<string, string>, dir = out) =>
  runStep(dir, step(node, phase, dir), env, "postgres");

function fingerprint(dir: string, files: string[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(f).update(existsSync(join(dir, f)) ? readFileSync(join(dir, f)) : "-");
  h.update(
    readdirSync(dir)
      .filter((f) => f.startsWith(".pgrepl-gen"))
      .join(","),
  );
  return h.digest("hex");
}
const CONFIG = ["postgresql.conf", "pg_hba.conf", "postgresql.auto.conf", "conf.d/pgrepl-gen.conf"];
const movedAside = () => readdirSync(c.root).filter((f) => f.includes("pgrepl-gen-moved"));

async function render(spec: string, dir: string): Promise<void> {
  const file = join(c.root, `${dir}.yaml`);
  writeFileSync(file, spec);
  const io = bufferIO({ cwd: c.root });
  expect(await main(["render", file, "--out", join(c.root, dir)], io), io.err()).toBe(0);
}

beforeAll(async () => {
  c = await localNodes("pgrepl-rerun-", ["p", "s", "p2", "s2"]);
  out = join(c.root, "out");
  const node = (name: string, fields: string, host = "127.0.0.1") =>
    `  - { name: ${name}, host: ${host}, port: ${c.ports[name]}, data_directory: ${c.dataDirs[name]}, bin_directory: ${PG15_BIN}, socket_directory: ${c.sock}, ${fields} }\n`;
  await render(
    `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication:
  user: repl_rerun
  password: { env: PGREPL_RERUN_PASSWORD }
  synchronous: { method: first, num_sync: 1 }
nodes:
${node("p", "role: primary")}${node("s", "role: standby, sync: true")}`,
    "out",
  );
  // The same standby's data directory named as a primary: prepare run on the wrong node.
  await render(
    `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication: { user: repl_rerun, password: { env: PGREPL_RERUN_PASSWORD } }
nodes:
  - { name: wrong, role: primary, host: 127.0.0.1, port: ${c.ports.s}, data_directory: ${c.dataDirs.s}, bin_directory: ${PG15_BIN}, socket_directory: ${c.sock} }
  - { name: other, role: standby, host: 127.0.0.3, port: ${c.ports.s2}, data_directory: ${c.dataDirs.s2}, bin_directory: ${PG15_BIN}, socket_directory: ${c.sock} }
`,
    "wrong",
  );
  // A primary on 127.0.0.2 (item 9), its standby on 127.0.0.1.
  await render(
    `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication: { user: repl_rerun, password: { env: PGREPL_RERUN_PASSWORD } }
nodes:
${node("p2", "role: primary", "127.0.0.2")}${node("s2", "role: standby")}`,
    "loop2",
  );
  pgDirs.push(...Object.values(c.dataDirs));
  initPrimary(c.dataDirs.p as string, { port: c.ports.p as number, sock: c.sock });
  runPlan(out, ENV, "postgres");
  expect(q("p", "SHOW synchronous_standby_names")).toBe('FIRST 1 ("s")');
}, 180_000);

afterAll(() => {
  for (const d of pgDirs) {
    if (existsSync(join(d, "postmaster.pid")))
      runAsPostgres(join(PG15_BIN, "pg_ctl"), ["-D", d, "-m", "immediate", "-w", "stop"]);
  }
  if (c) rmSync(c.root, { recursive: true, force: true });
});

describe("issue 16: re-runs change nothing that works", () => {
  it("1: a re-run of prepare keeps synchronous replication on", () => {
    const r = run("p", "prepare", ENV);
    expect(r.status, r.output).toBe(0);
    expect(q("p", "SHOW synchronous_standby_names")).toBe('FIRST 1 ("s")');
    expect(q("p", "SELECT sync_state FROM pg_stat_replication WHERE application_name = 's'")).toBe("sync");
  });

  it("2: the standby step right after the primary restarted waits for streaming, rebuilds nothing", () => {
    const started = q("s", "SELECT pg_postmaster_start_time()");
    const system = q("s", "SELECT system_identifier FROM pg_control_system()");
    const rs = runAsPostgres(join(PG15_BIN, "pg_ctl"), [
      "-D",
      c.dataDirs.p as string,
      "-m",
      "fast",
      "-w",
      "-l",
      `${c.dataDirs.p}.log`,
      "restart",
    ]);
    expect(rs.status, rs.stderr).toBe(0);
    // the WAL receiver reconnects after wal_retrieve_retry_interval (5 s): it is not streaming now
    expect(q("s", "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'")).toBe("0");
    const r = run("s", "standby", ENV);
    expect(r.status, r.output).toBe(0);
    expect(movedAside()).toEqual([]);
    expect(q("s", "SELECT pg_postmaster_start_time()")).toBe(started);
    expect(q("s", "SELECT system_identifier FROM pg_control_system()")).toBe(system);
    expect(q("s", "SELECT status FROM pg_stat_wal_receiver")).toBe("streaming");
  });

  it("3: a mistyped password keeps the standby's working passfile and the role's verifier", () => {
    const passfile = `${c.dataDirs.s}.pgpass`;
    const before = readFileSync(passfile, "utf8");
    const r = run("s", "standby", WRONG);
    expect(r.status).toBe(1);
    expect(r.output).toContain("password authentication failed");
    expect(r.output).toContain(`the passfile ${passfile} was left as it was`);
    expect(readFileSync(passfile, "utf8")).toBe(before);
    expect(readdirSync(c.root).filter((f) => f.startsWith(".pgrepl-gen"))).toEqual([]);

    const verifier = q("p", "SELECT rolpassword FROM pg_authid WHERE rolname = 'repl_rerun'");
    const conf = fingerprint(c.dataDirs.p as string, CONFIG);
    const p = run("p", "prepare", WRONG);
    expect(p.status).toBe(1);
    expect(p.output).toContain("--rotate-password");
    expect(q("p", "SELECT rolpassword FROM pg_authid WHERE rolname = 'repl_rerun'")).toBe(verifier);
    expect(fingerprint(c.dataDirs.p as string, CONFIG)).toBe(conf);
    expect(q("s", "SELECT status FROM pg_stat_wal_receiver")).toBe("streaming");
  });

  it("7: prepare checks its inputs and the node's role before the first change", () => {
    const conf = fingerprint(c.dataDirs.p as string, CONFIG);
    const started = q("p", "SELECT pg_postmaster_start_time()");
    const unset = run("p", "prepare", { PGREPL_RERUN_PASSWORD: "" });
    expect(unset.status).toBe(1);
    expect(unset.output).toContain("the replication password is empty");
    expect(fingerprint(c.dataDirs.p as string, CONFIG)).toBe(conf);
    expect(q("p", "SHOW synchronous_standby_names")).toBe('FIRST 1 ("s")');

    const standbyConf = fingerprint(c.dataDirs.s as string, CONFIG);
    const standbyStart = q("s", "SELECT pg_postmaster_start_time()");
    const wrong = run("wrong", "prepare", ENV, join(c.root, "wrong"));
    expect(wrong.status).toBe(1);
    expect(wrong.output).toContain("is in recovery: this node is a standby");
    expect(fingerprint(c.dataDirs.s as string, CONFIG)).toBe(standbyConf);
    expect(q("s", "SELECT pg_postmaster_start_time()")).toBe(standbyStart);
    expect(q("p", "SELECT pg_postmaster_start_time()")).toBe(started);
  });

  it("9: a primary on 127.0.0.2 listens there, and its standby streams from it", () => {
    expect(readFileSync(join(c.root, "loop2/p2/conf.d/pgrepl-gen.conf"), "utf8")).toContain(
      "listen_addresses = 'localhost,127.0.0.2'",
    );
    initPrimary(c.dataDirs.p2 as string, { port: c.ports.p2 as number, sock: c.sock });
    runPlan(join(c.root, "loop2"), ENV, "postgres");
    const ss = spawnSync("ss", ["-Hltn", `sport = :${c.ports.p2}`], { encoding: "utf8" });
    expect(ss.stdout).toContain(`127.0.0.2:${c.ports.p2}`);
    expect(q("s2", "SELECT status, sender_host FROM pg_stat_wal_receiver")).toBe("streaming|127.0.0.2");
  });
});
