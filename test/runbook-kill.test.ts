/**
 * Runbooks killed at any step converge (real PostgreSQL 15, pg_ctl layout, loopback).
 *
 * For the primary's `prepare` step and the standby's `standby` step, the runbook runs with its
 * output piped and is killed (SIGKILL to its whole process group, as a dropped SSH session or
 * an OOM kill would) right after its k-th progress line `[node phase] …`, for k = 1, 2, … until
 * a run finishes before its k-th line. Then the whole plan runs again, as written, and must
 * converge: every step exits 0, the standby streams with its slot, no directory the kill left
 * behind was deleted (moved aside is fine), and one more run of the plan changes nothing.
 *
 * Each kill point starts from the state a first run meets: for `prepare`, the primary's data
 * directory as initdb left it (restored from a copy) and no standby; for `standby`, a prepared
 * primary and no standby (its directory, passfile and slot removed by the test).
 *
 * The `sync` step (of the same nodes with the standby synchronous) is killed the same way, each
 * time from a primary and standby streaming asynchronously; the plan run again must make the
 * standby synchronous, and a further run change nothing. `verify` changes nothing to kill.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { initPrimary, localNodes, nodeLine, PG15_BIN, runAsPostgres } from "./support/pg.js";
import { type PlanStep, readPlan, runStep, sql, waitFor } from "./support/plan.js";

const PASSWORD = "kill-Secret:with\\odd'chars é";
const ENV = { PGREPL_KILL_PASSWORD: PASSWORD };
const PROGRESS = /^\[(\w+) (\w+)\] /;

let root = "";
let out = "";
let sock = "";
const ports: Record<string, number> = {};
const data: Record<string, string> = {};
let pristine = "";
/** the same two nodes with the standby synchronous: a plan with a `sync` step */
let outSync = "";
let passfile = "";
const timings: string[] = [];
const started = Date.now();

const q = (node: string, query: string) => sql(sock, ports[node] as number, query);
const pgCtl = (args: string[]) => runAsPostgres(join(PG15_BIN, "pg_ctl"), args);
const running = (node: string) => pgCtl(["-D", data[node] as string, "status"]).status === 0;

function stop(node: string): void {
  if (running(node)) expect(pgCtl(["-D", data[node] as string, "-m", "fast", "-w", "stop"]).status).toBe(0);
}

function start(node: string): void {
  const s = pgCtl(["-D", data[node] as string, "-w", "-l", `${data[node]}.log`, "start"]);
  expect(s.status, s.stderr).toBe(0);
}

beforeAll(async () => {
  const local = await localNodes("pgrepl-kill-", ["p", "s"]);
  ({ root, sock } = local);
  Object.assign(ports, local.ports);
  Object.assign(data, local.dataDirs);
  passfile = `${data.s}.pgpass`;
  out = join(root, "out");
  const node = (name: string, fields: string) => nodeLine(local, name, fields);
  const spec = join(root, "spec.yaml");
  writeFileSync(
    spec,
    `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication: { user: repl_kill, password: { env: PGREPL_KILL_PASSWORD } }
nodes:
${node("p", "role: primary")}${node("s", "role: standby")}`,
  );
  const io = bufferIO({ cwd: root });
  expect(await main(["render", spec, "--out", out], io)).toBe(0);
  const specSync = join(root, "spec-sync.yaml");
  writeFileSync(
    specSync,
    `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication:
  user: repl_kill
  password: { env: PGREPL_KILL_PASSWORD }
  synchronous: { method: first, num_sync: 1 }
nodes:
${node("p", "role: primary")}${node("s", "role: standby, sync: true")}`,
  );
  outSync = join(root, "out-sync");
  expect(await main(["render", specSync, "--out", outSync], bufferIO({ cwd: root }))).toBe(0);

  // What a DBA has before the runbooks: an initdb'd primary with some data.
  const p = data.p as string;
  initPrimary(p, { port: ports.p as number, sock });
  q("p", "CREATE TABLE ballast AS SELECT g, repeat(md5(g::text), 8) AS pad FROM generate_series(1, 50000) g");
  stop("p");
  pristine = join(root, "pristine");
  expect(runAsPostgres("cp", ["-a", p, pristine]).status).toBe(0);
}, 300_000);

afterAll(() => {
  if (!root) return;
  for (const d of readdirSync(root)) {
    const dir = join(root, d);
    if (existsSync(join(dir, "postmaster.pid")))
      runAsPostgres(join(PG15_BIN, "pg_ctl"), ["-D", dir, "-m", "immediate", "-w", "stop"]);
  }
  rmSync(root, { recursive: true, force: true });
  if (timings.length > 0) process.stdout.write(`runbook-kill timings:\n${timings.join("\n")}\n`);
});

/** Runs a step with its output piped; kills its process group right after its k-th progress line. */
async function runKilledAfter(
  step: PlanStep,
  k: number,
  dir = out,
): Promise<{ killed: boolean; lines: string[] }> {
  const child: ChildProcess = spawn(
    "runuser",
    ["-u", "postgres", "--", join(dir, step.run), ...step.args, "--yes"],
    { cwd: dir, env: { ...process.env, ...ENV }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines: string[] = [];
  let killed = false;
  let buf = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (d: string) => {
    buf += d;
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (killed || !PROGRESS.test(line)) continue;
      lines.push(line);
      if (lines.length === k) {
        killed = true;
        try {
          process.kill(-(child.pid as number), "SIGKILL");
        } catch {
          // it finished between printing and the signal
        }
      }
    }
  });
  child.stderr?.resume();
  const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
  if (!killed) expect(code, `${step.run} ${step.args.join(" ")} ran to its end`).toBe(0);
  return { killed, lines };
}

function hashFile(p: string): string {
  return existsSync(p) ? createHash("sha256").update(readFileSync(p)).digest("hex") : "-";
}

/** What a run of the plan could change: server starts, config files, slots, directories. */
function snapshot(): string {
  const files = (d: string) =>
    [
      "postgresql.conf",
      "pg_hba.conf",
      "postgresql.auto.conf",
      "conf.d/pgrepl-gen.conf",
      "standby.signal",
    ].map((f) => `${f}=${hashFile(join(d, f))}`);
  return JSON.stringify({
    starts: ["p", "s"].map((n) => q(n, "SELECT pg_postmaster_start_time()")),
    files: ["p", "s"].map((n) => files(data[n] as string)),
    passfile: hashFile(passfile),
    slots: q("p", "SELECT slot_name, active FROM pg_replication_slots ORDER BY 1"),
    role: q("p", "SELECT rolreplication, rolpassword FROM pg_authid WHERE rolname = 'repl_kill'"),
    dirs: readdirSync(root).sort(),
  });
}

/** Every directory under root, by inode: none may disappear during a run of the plan. */
function directories(): Map<number, string> {
  const m = new Map<number, string>();
  for (const d of readdirSync(root)) {
    const st = statSync(join(root, d));
    if (st.isDirectory()) m.set(st.ino, d);
  }
  return m;
}

function runPlanExpectingSuccess(what: string, dir = out): void {
  for (const step of readPlan(dir)) {
    const r = runStep(dir, step, ENV, "postgres");
    expect(r.status, `${what}: ${step.run} ${step.args.join(" ")} failed:\n${r.output}`).toBe(0);
  }
}

/** The whole plan again: it converges, and then a further run changes nothing. */
async function expectConvergence(what: string, marker?: string): Promise<void> {
  const before = directories();
  runPlanExpectingSuccess(what);
  await waitFor(
    "the standby to stream",
    () =>
      q("p", "SELECT string_agg(application_name || ':' || state, ',') FROM pg_stat_replication") ===
      "s:streaming",
  );
  expect(q("p", "SELECT slot_name || ':' || active FROM pg_replication_slots"), what).toBe("s:true");
  expect(q("s", "SELECT pg_is_in_recovery()"), what).toBe("t");
  expect(q("p", "SELECT count(*) FROM ballast"), what).toBe("50000");
  expect(q("s", "SELECT count(*) FROM ballast"), what).toBe("50000");
  const after = directories();
  for (const [ino, name] of before)
    expect(after.has(ino), `${what}: the directory ${name} was deleted`).toBe(true);
  if (marker) {
    const holders = readdirSync(root).filter((d) => existsSync(join(root, d, marker)));
    expect(holders.length, `${what}: the data the kill left (${marker}) is gone`).toBe(1);
    expect(
      holders[0] === "s" || holders[0]?.startsWith("s.pgrepl-gen-moved-"),
      `${what}: ${holders[0]}`,
    ).toBe(true);
  }
  expect(
    existsSync(join(data.p as string, "pgrg-primary-marker")),
    `${what}: the primary's data directory was replaced`,
  ).toBe(true);
  const settled = snapshot();
  runPlanExpectingSuccess(`${what}, run again`);
  expect(snapshot(), `${what}: a further run of the plan changed something`).toBe(settled);
}

function freshPrimary(): void {
  for (const n of ["s", "p"]) stop(n);
  for (const d of readdirSync(root)) {
    if (d === "p" || d === "s" || d.startsWith("s.pgrepl-gen-moved-") || d.startsWith("p.pgrepl-gen-moved-"))
      rmSync(join(root, d), { recursive: true, force: true });
  }
  rmSync(passfile, { force: true });
  expect(runAsPostgres("cp", ["-a", pristine, data.p as string]).status).toBe(0);
  runAsPostgres("touch", [join(data.p as string, "pgrg-primary-marker")]);
  start("p");
}

function freshStandby(): void {
  stop("s");
  for (const d of readdirSync(root)) {
    if (d === "s" || d.startsWith("s.pgrepl-gen-moved-"))
      rmSync(join(root, d), { recursive: true, force: true });
  }
  rmSync(passfile, { force: true });
  q("p", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 's'");
}

describe("runbooks killed after each progress line converge when the plan runs again", () => {
  it("prepare on the primary", async () => {
    const step = readPlan(out).find((s) => s.node === "p" && s.args[1] === "prepare") as PlanStep;
    let k = 1;
    for (; k < 40; k++) {
      const t = Date.now();
      freshPrimary();
      const r = await runKilledAfter(step, k);
      if (r.killed) {
        const at = r.lines.at(-1) ?? "";
        await expectConvergence(`prepare killed after line ${k} (${at})`);
        timings.push(`prepare k=${k}: ${((Date.now() - t) / 1000).toFixed(1)} s  ${at}`);
      } else {
        await expectConvergence(`prepare run to its end (${r.lines.length} lines)`);
        timings.push(`prepare: ${r.lines.length} progress lines; kill points 1..${k - 1}`);
        break;
      }
    }
    expect(k, "prepare printed progress lines").toBeGreaterThan(3);
  }, 1_800_000);

  it("standby on the standby", async () => {
    const step = readPlan(out).find((s) => s.node === "s" && s.args[1] === "standby") as PlanStep;
    let k = 1;
    for (; k < 40; k++) {
      const t = Date.now();
      freshStandby();
      const r = await runKilledAfter(step, k);
      if (r.killed) {
        const at = r.lines.at(-1) ?? "";
        // Whatever the kill left in the standby's data directory must survive the re-run.
        const s = data.s as string;
        let marker: string | undefined;
        if (existsSync(s) && readdirSync(s).length > 0) {
          marker = `pgrg-kill-marker-${k}`;
          runAsPostgres("touch", [join(s, marker)]);
        }
        await expectConvergence(`standby killed after line ${k} (${at})`, marker);
        timings.push(`standby k=${k}: ${((Date.now() - t) / 1000).toFixed(1)} s  ${at}`);
      } else {
        await expectConvergence(`standby run to its end (${r.lines.length} lines)`);
        timings.push(`standby: ${r.lines.length} progress lines; kill points 1..${k - 1}`);
        break;
      }
    }
    expect(k, "standby printed progress lines").toBeGreaterThan(5);
    timings.push(`total: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }, 1_800_000);

  it("sync on the primary", async () => {
    // A primary and a streaming standby, as the plan without the sync step leaves them; then the
    // plan of the same nodes with the standby synchronous, its sync step killed after each line.
    freshPrimary(); // no standby, no passfile, the primary as before any plan ran (no slot)
    runPlanExpectingSuccess("the plan without the sync step");
    const step = readPlan(outSync).find((x) => x.node === "p" && x.args[1] === "sync") as PlanStep;
    expect(step, "the synchronous plan has a sync step on the primary").toBeDefined();
    const asyncPrepare = readPlan(out).find((x) => x.node === "p" && x.args[1] === "prepare") as PlanStep;
    const syncState = () =>
      q("p", "SELECT string_agg(application_name || ':' || sync_state, ',') FROM pg_stat_replication");
    let k = 1;
    for (; k < 20; k++) {
      const t = Date.now();
      // back to asynchronous: the first plan's prepare installs its drop-in again and reloads
      const back = runStep(out, asyncPrepare, ENV, "postgres");
      expect(back.status, back.output).toBe(0);
      await waitFor("the standby to stream asynchronously", () => syncState() === "s:async");
      const r = await runKilledAfter(step, k, outSync);
      const what = r.killed ? `sync killed after line ${k} (${r.lines.at(-1) ?? ""})` : "sync run to its end";
      runPlanExpectingSuccess(what, outSync);
      await waitFor(`${what}: the standby to be synchronous`, () => syncState() === "s:sync");
      expect(q("p", "SHOW synchronous_standby_names"), what).toMatch(/^(FIRST 1 )?\(?"?s"?\)?$/i);
      const settled = snapshot();
      runPlanExpectingSuccess(`${what}, run again`, outSync);
      expect(snapshot(), `${what}: a further run of the plan changed something`).toBe(settled);
      timings.push(
        `sync ${r.killed ? `k=${k}` : "end"}: ${((Date.now() - t) / 1000).toFixed(1)} s  ${r.lines.at(-1) ?? ""}`,
      );
      if (!r.killed) break;
    }
    expect(k, "sync printed progress lines").toBeGreaterThan(2);
  }, 1_800_000);
});
