/**
 * The replication password, end to end on real PostgreSQL 15 (pg_ctl layout, loopback): a
 * primary, a synchronous standby and a standby cascaded from it, every step of plan.json run as
 * written. While the plan runs:
 * - a sampler process reads every process's argv (/proc/PID/cmdline) in a tight loop, and
 * - every step runs under `strace -f -e trace=execve`, which records the argv of every program
 *   any step starts (sampling can miss a process that lives a millisecond; the trace cannot).
 * Neither may ever see the password. Afterwards it is in no rendered file, no runbook output, no
 * server log (the primary logs every statement and connection), no shell or psql history, and on
 * disk only in the standbys' 0600 passfiles owned by postgres; the role's stored password is a
 * SCRAM-SHA-256 verifier of exactly that password.
 * And a spec holding a literal password is refused by validate and render without echoing it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { initPrimary, localNodes, nodeLine, PG15_BIN, runAsPostgres } from "./support/pg.js";
import { readPlan, sql, waitFor } from "./support/plan.js";

// Random, so that finding it anywhere means it leaked from this run; ASCII first, so that
// strace (which escapes bytes ≥ 0x80) and every file scan can look for it as is.
const NEEDLE = `pw${randomBytes(12).toString("hex")}`;
const PASSWORD = `${NEEDLE}-Sécret:with\\odd'chars`;
const ENV = { PGREPL_SECRET_PASSWORD: PASSWORD };
const started = Date.now();

let root = "";
let out = "";
let sock = "";
const ports: Record<string, number> = {};
const data: Record<string, string> = {};
const outputs: string[] = [];
const traces: string[] = [];
let sampler: ChildProcess | undefined;
let probeTraced = "";
let sampled:
  | { sweeps: number; ms: number; pids: number; commands: Record<string, number>; hits: string[] }
  | undefined;

const q = (node: string, query: string) => sql(sock, ports[node] as number, query);

/** Reads every /proc/PID/cmdline over and over until stdin closes; reports what it saw. */
const SAMPLER = `
import { readdirSync, readFileSync } from "node:fs";
const secret = Buffer.from(process.env.SAMPLE_SECRET ?? "", "utf8");
if (secret.length < 8) throw new Error("no secret to look for");
let stop = false, sweeps = 0;
const pids = new Set(), commands = {}, hits = [];
const t0 = Date.now();
process.stdin.on("end", () => (stop = true));
process.stdin.resume();
const sweep = () => {
  for (const pid of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(pid)) continue;
    let argv;
    try { argv = readFileSync("/proc/" + pid + "/cmdline"); } catch { continue; }
    if (argv.length === 0) continue;
    if (!pids.has(pid)) {
      pids.add(pid);
      const cmd = argv.subarray(0, argv.indexOf(0) < 0 ? argv.length : argv.indexOf(0)).toString().split("/").pop();
      commands[cmd] = (commands[cmd] ?? 0) + 1;
    }
    if (argv.includes(secret)) hits.push(argv.toString().replaceAll("\\0", " "));
  }
  sweeps++;
  if (stop) process.stdout.write(JSON.stringify({ sweeps, ms: Date.now() - t0, pids: pids.size, commands, hits }));
  else setImmediate(sweep);
};
sweep();
`;

function requireTool(name: string, pkg: string): void {
  if (spawnSync(name, ["--version"]).error)
    throw new Error(`${name} is missing: install it with \`apt-get install -y ${pkg}\``);
}

beforeAll(async () => {
  requireTool("strace", "strace");
  requireTool("runuser", "util-linux");
  const local = await localNodes("pgrepl-secrets-", ["p", "s", "c"]);
  ({ root, sock } = local);
  Object.assign(ports, local.ports);
  Object.assign(data, local.dataDirs);
  out = join(root, "out");
  const node = (name: string, fields: string) => nodeLine(local, name, fields);
  const spec = join(root, "spec.yaml");
  writeFileSync(
    spec,
    `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication:
  user: repl_secret
  password: { env: PGREPL_SECRET_PASSWORD }
  synchronous: { method: first, num_sync: 1 }
nodes:
${node("p", "role: primary")}${node("s", "role: standby, sync: true")}${node("c", "role: standby, upstream: s")}`,
  );
  const io = bufferIO({ cwd: root });
  expect(await main(["render", spec, "--out", out], io)).toBe(0);
  outputs.push(io.out(), io.err());

  // The primary logs every statement, connection and replication command: the password must
  // reach it in none of them.
  initPrimary(data.p as string, {
    port: ports.p as number,
    sock,
    extraConf:
      "log_statement = 'all'\nlog_connections = on\nlog_disconnections = on\nlog_replication_commands = on\n",
  });

  // The sampler runs as root (it reads every process's argv) with the secret in its environment.
  const dir = mkdtempSync(join(tmpdir(), "pgrepl-sampler-"));
  writeFileSync(join(dir, "sampler.mjs"), SAMPLER);
  sampler = spawn(process.execPath, [join(dir, "sampler.mjs")], {
    env: { ...process.env, SAMPLE_SECRET: NEEDLE },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const done = new Promise<string>((resolve) => {
    let s = "";
    sampler?.stdout?.on("data", (d) => (s += d));
    sampler?.on("exit", () => resolve(s));
  });

  for (const step of readPlan(out)) {
    const r = await tracedStep(join(out, step.run), [...step.args, "--yes"]);
    outputs.push(r.output);
    traces.push(r.trace);
    expect(r.status, `${step.run} ${step.args.join(" ")}:\n${r.output}`).toBe(0);
  }
  // The probe: a process that does hold the needle in its argv, run the same way, so that both
  // watchers are shown to catch a leak when there is one.
  const probeTrace = join(root, "strace-probe.txt");
  const probe = spawnSync("strace", [
    "-f",
    "-q",
    "-s",
    "100000",
    "-e",
    "trace=execve",
    "-o",
    probeTrace,
    "sh",
    "-c",
    "sleep 0.5",
    `probe-${NEEDLE}`,
  ]);
  expect(probe.status).toBe(0);
  probeTraced = readFileSync(probeTrace, "utf8");
  rmSync(probeTrace);
  sampler.stdin?.end();
  sampled = JSON.parse(await done);
  rmSync(dir, { recursive: true, force: true });
}, 600_000);

afterAll(() => {
  sampler?.kill();
  if (!root) return;
  for (const n of ["c", "s", "p"]) {
    const d = data[n] as string;
    if (existsSync(join(d, "postmaster.pid")))
      runAsPostgres(join(PG15_BIN, "pg_ctl"), ["-D", d, "-m", "immediate", "-w", "stop"]);
  }
  rmSync(root, { recursive: true, force: true });
});

/**
 * Runs a runbook as postgres under `strace -f -e trace=execve`. The servers a step starts are
 * traced too and outlive it: once the runbook itself has exited, strace is told to detach.
 */
async function tracedStep(
  runbook: string,
  args: string[],
): Promise<{ status: number | null; output: string; trace: string }> {
  const traceFile = join(root, `strace-${readdirSync(root).length}.txt`);
  const tracer = spawn(
    "strace",
    // -q, not -qq: the trace must keep the "+++ exited with N +++" lines (the runbook's exit code)
    [
      "-f",
      "-q",
      // -I2: run as `-o FILE PROG`, strace blocks fatal signals (-I3) and the SIGTERM below would
      // never end it; -I1 would let SIGTERM kill it before it flushes the trace. With -I2 it
      // detaches from the servers, writes the trace out and exits.
      "-I2",
      "-s",
      "100000",
      "-e",
      "trace=execve",
      "-o",
      traceFile,
      "runuser",
      "-u",
      "postgres",
      "--",
      runbook,
      ...args,
    ],
    { cwd: out, env: { ...process.env, ...ENV }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  tracer.stdout?.on("data", (d) => (output += d));
  tracer.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<void>((r) => tracer.on("exit", () => r()));
  const children = () => {
    try {
      return readFileSync(`/proc/${tracer.pid}/task/${tracer.pid}/children`, "utf8")
        .trim()
        .split(/\s+/)
        .filter(Boolean);
    } catch {
      return [];
    }
  };
  let runuser: string | undefined;
  await waitFor("strace to start the runbook", () => {
    runuser = children()[0];
    return runuser !== undefined || tracer.exitCode !== null;
  });
  // the runbook is done when strace's child (runuser) is gone
  await waitFor(
    "the runbook to finish",
    () => tracer.exitCode !== null || !children().includes(runuser as string),
    300,
  );
  tracer.kill("SIGTERM"); // strace detaches from the servers and exits
  await exited;
  const trace = readFileSync(traceFile, "utf8");
  rmSync(traceFile);
  const m = new RegExp(`^${runuser} +\\+\\+\\+ exited with (\\d+) \\+\\+\\+$`, "m").exec(trace);
  return { status: m ? Number(m[1]) : null, output, trace };
}

/** Regular files under dir holding the needle (symbolic links not followed; huge files skipped). */
function filesHolding(dir: string, needle: string, since = 0): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 256 * 1024 * 1024 && st.mtimeMs >= since) {
        try {
          if (readFileSync(p).includes(needle)) found.push(p);
        } catch {
          // vanished or unreadable: nothing of ours
        }
      }
    }
  };
  walk(dir);
  return found;
}

describe("the replication password during and after a full plan run (pg_ctl, PostgreSQL 15)", () => {
  it("the plan worked: both standbys stream, the synchronous one as sync", async () => {
    await waitFor(
      "the standbys to stream",
      () => q("p", "SELECT application_name || ':' || sync_state FROM pg_stat_replication") === "s:sync",
    );
    expect(q("s", "SELECT application_name || ':' || state FROM pg_stat_replication")).toBe("c:streaming");
  });

  it("no process's argv held it: sampled continuously, and every execve traced", () => {
    // the probe, and nothing else
    expect(sampled?.hits.length).toBeGreaterThan(0);
    expect(sampled?.hits.filter((h) => !h.includes(`probe-${NEEDLE}`))).toEqual([]);
    expect(probeTraced).toContain(`probe-${NEEDLE}`);
    // it sampled while the steps ran: it saw the runbooks' short-lived programs
    expect(sampled?.sweeps).toBeGreaterThan(1000);
    // it caught the longer-lived programs of the runbooks (psql and perl live a few ms and a
    // sweep of /proc takes one or two: the execve trace below is what sees every one of them)
    for (const cmd of ["pg_basebackup", "pg_ctl", "runuser"])
      expect(Object.keys(sampled?.commands ?? {})).toContain(cmd);
    const every = traces.join("\n");
    const execs = every.split("\n").filter((l) => l.includes("execve("));
    expect(execs.length).toBeGreaterThan(100);
    for (const prog of ["/psql", "/pg_basebackup", "/perl", "/pg_ctl"]) expect(every).toContain(prog);
    expect(execs.filter((l) => l.includes(NEEDLE))).toEqual([]);
    process.stdout.write(
      `secrets: ${sampled?.sweeps} sweeps of /proc in ${sampled?.ms} ms (one every ${((sampled?.ms ?? 0) / (sampled?.sweeps ?? 1)).toFixed(2)} ms), ${sampled?.pids} processes seen; ${execs.length} execve traced\n`,
    );
  });

  it("it is in no rendered file, no runbook output and no server log", () => {
    expect(filesHolding(out, NEEDLE)).toEqual([]);
    for (const o of outputs) expect(o.includes(NEEDLE)).toBe(false);
    const logs = Object.values(data).map((d) => `${d}.log`);
    for (const l of logs) {
      expect(existsSync(l), l).toBe(true);
      expect(readFileSync(l, "utf8").includes(NEEDLE), l).toBe(false);
    }
    // the primary did log the statements: the check above looked at something
    expect(readFileSync(logs[0] as string, "utf8")).toMatch(/statement: .*ROLE "repl_secret"/);
  });

  it("on disk it is only in the standbys' passfiles: 0600, owned by postgres", () => {
    const postgresUid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
    const passfiles = ["s", "c"].map((n) => `${data[n]}.pgpass`);
    const holders = [
      ...filesHolding(root, NEEDLE),
      ...filesHolding("/tmp", NEEDLE, started).filter((f) => !f.startsWith(`${root}/`)),
      ...["/var/lib/postgresql", "/root"].flatMap((d) => filesHolding(d, NEEDLE, started)),
    ];
    expect(holders.sort()).toEqual(passfiles.sort());
    for (const f of passfiles) {
      const st = statSync(f);
      expect((st.mode & 0o777).toString(8), f).toBe("600");
      expect(st.uid, f).toBe(postgresUid);
    }
  });

  it("no shell or psql history holds it", () => {
    const homes = ["/root", "/var/lib/postgresql", process.env.HOME ?? "/root"];
    for (const h of homes) {
      for (const f of [".bash_history", ".psql_history", ".sh_history", ".lesshst"]) {
        const p = join(h, f);
        if (existsSync(p)) expect(readFileSync(p).includes(NEEDLE), p).toBe(false);
      }
    }
  });

  it("the role's stored password is a SCRAM-SHA-256 verifier of exactly that password", () => {
    const stored = q("p", "SELECT rolpassword FROM pg_authid WHERE rolname = 'repl_secret'");
    const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored);
    expect(m, stored.slice(0, 20)).not.toBeNull();
    const [, iter, salt, storedKey, serverKey] = m as RegExpExecArray;
    // RFC 5802 / 7677: SaltedPassword = PBKDF2-SHA-256(SASLprep(password), salt, i)
    const salted = pbkdf2Sync(
      PASSWORD.normalize("NFKC"),
      Buffer.from(salt as string, "base64"),
      Number(iter),
      32,
      "sha256",
    );
    const clientKey = createHmac("sha256", salted).update("Client Key").digest();
    expect(createHash("sha256").update(clientKey).digest("base64")).toBe(storedKey);
    expect(createHmac("sha256", salted).update("Server Key").digest("base64")).toBe(serverKey);
  });
});

describe("a spec holding a literal password", () => {
  const SECRET = `Pw${randomBytes(9).toString("hex")}`;
  const base = (extra: { password?: string; settings?: string; archive?: string }) => `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication:
  user: repl_user
  password: ${extra.password ?? "{ env: PGREPL_PASSWORD }"}
${extra.archive ? `  archive: { restore_command: "${extra.archive}" }\n` : ""}${extra.settings ? `settings: { primary_conninfo: "${extra.settings}" }\n` : ""}nodes:
  - { name: source, role: primary, host: 10.0.0.1 }
  - { name: replica, role: standby, host: 10.0.0.2 }
`;
  const cases: Record<string, string> = {
    "replication.password as a string": base({ password: SECRET }),
    "replication.password quoted": base({ password: `"${SECRET}"` }),
    "a password= in a setting": base({ settings: `host=10.0.0.1 password=${SECRET}` }),
    "a URI with user info in a setting": base({ settings: `postgresql://repl:${SECRET}@10.0.0.1/db` }),
    "PGPASSWORD= in a command": base({ archive: `PGPASSWORD=${SECRET} cp /a/%f %p` }),
  };

  it("is refused by validate and render (exit 1), which never echo it and write nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pgrepl-literal-"));
    try {
      for (const [what, text] of Object.entries(cases)) {
        for (const [ext, body] of [
          ["yaml", text],
          ["json", JSON.stringify(parseYaml(text))],
        ] as const) {
          const spec = join(dir, `spec.${ext}`);
          writeFileSync(spec, body);
          for (const args of [
            ["validate", spec],
            ["render", spec, "--out", join(dir, "out")],
            ["--debug", "validate", spec],
          ]) {
            const io = bufferIO({ cwd: dir });
            const code = await main(args, io);
            expect(code, `${what} (${ext}): ${args[0]}`).toBe(1);
            expect(`${io.out()}${io.err()}`, `${what} (${ext}): ${args.join(" ")}`).not.toContain(SECRET);
            expect(io.out(), `${what} (${ext})`).toMatch(/value not shown/);
          }
          expect(existsSync(join(dir, "out")), "render wrote nothing").toBe(false);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
