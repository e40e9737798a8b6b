/**
 * The replication password, end to end on three pg_ctl harness hosts (PostgreSQL 15, Debian's
 * binaries): a primary, a synchronous standby and a standby cascaded from it, every step of
 * plan.json run on its host as the README says. While the plan runs:
 * - a sampler process on this machine reads every process's argv (/proc/PID/cmdline: the hosts have
 *   no pid namespace of their own, so it sees theirs) in a tight loop, and
 * - every step runs under `strace -f -e trace=execve` inside its host, which records the argv of
 *   every program any step starts (sampling can miss a process that lives a millisecond; the trace
 *   cannot).
 * Neither may ever see the password. Afterwards it is in no rendered file, no runbook output, no
 * server log (the primary logs every statement and connection), no shell or psql history, and on
 * the hosts' disks only in the standbys' 0600 passfiles owned by postgres; the role's stored
 * password is a SCRAM-SHA-256 verifier of exactly that password.
 * And a spec holding a literal password is refused by validate and render without echoing it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { createHarness, type Harness, type PlanStep } from "./hosts/harness.js";
import { waitUntil } from "./hosts/observe.js";

// Random, so that finding it anywhere means it leaked from this run; ASCII first, so that
// strace (which escapes bytes ≥ 0x80) and every file scan can look for it as is.
const NEEDLE = `pw${randomBytes(12).toString("hex")}`;
const PASSWORD = `${NEEDLE}-Sécret:with\\odd'chars`;
const ENV = { PGREPL_SECRET_PASSWORD: PASSWORD };
const BIN = "/usr/lib/postgresql/15/bin";
// Where a secret could land on a host: its data, homes, temporary files, logs, configuration.
const HOST_DIRS = [
  "/usr/local/pgsql",
  "/var/lib/postgresql",
  "/root",
  "/tmp",
  "/var/tmp",
  "/var/log",
  "/etc/postgresql",
  "/opt",
];

let h: Harness;
const outputs: string[] = [];
const traces: string[] = [];
let sampler: ChildProcess | undefined;
let probeTraced = "";
let sampled:
  | { sweeps: number; ms: number; pids: number; commands: Record<string, number>; hits: string[] }
  | undefined;

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
  h = await createHarness([
    { name: "p", address: "10.60.0.1", state: "pg_ctl" },
    { name: "s", address: "10.60.0.2", state: "pg_ctl-nodata" },
    { name: "c", address: "10.60.0.3", state: "pg_ctl-nodata" },
  ]);
  await h.render(`version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication:
  user: repl_secret
  password: { env: PGREPL_SECRET_PASSWORD }
  synchronous: { method: first, num_sync: 1 }
nodes:
  - { name: p, role: primary, host: 10.60.0.1, bin_directory: ${BIN} }
  - { name: s, role: standby, host: 10.60.0.2, bin_directory: ${BIN}, sync: true }
  - { name: c, role: standby, host: 10.60.0.3, bin_directory: ${BIN}, upstream: s }
`);
  h.install();
  // The primary logs every statement, connection and replication command: the password must
  // reach it in none of them.
  h.host("p").sh(
    `printf "log_statement = 'all'\\nlog_connections = on\\nlog_disconnections = on\\nlog_replication_commands = on\\n" >> /usr/local/pgsql/data/postgresql.conf
${BIN}/pg_ctl -D /usr/local/pgsql/data -l /usr/local/pgsql/logfile -w restart >/dev/null`,
    { user: "postgres" },
  );

  // The sampler runs as root on this machine (it reads every process's argv) with the secret in
  // its environment.
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

  for (const [i, step] of h.plan().entries()) {
    const r = await tracedStep(step, i);
    outputs.push(r.output);
    traces.push(r.trace);
    expect(r.status, `${step.run} ${step.args.join(" ")}:\n${r.output}`).toBe(0);
  }
  // The probe: a process that does hold the needle in its argv, run the same way, so that both
  // watchers are shown to catch a leak when there is one.
  const p = h.host("p");
  const probe = p.exec("strace", [
    ...["-f", "-q", "-s", "100000", "-e", "trace=execve", "-o", "/tmp/strace-probe.txt"],
    ...["sh", "-c", "sleep 0.5", `probe-${NEEDLE}`],
  ]);
  expect(probe.status, probe.stderr).toBe(0);
  probeTraced = readFileSync(p.path("/tmp/strace-probe.txt"), "utf8");
  rmSync(p.path("/tmp/strace-probe.txt"));
  sampler.stdin?.end();
  sampled = JSON.parse(await done);
  rmSync(dir, { recursive: true, force: true });
}, 600_000);

afterAll(async () => {
  sampler?.kill();
  await h?.destroy();
});

/**
 * Runs a step on its host as postgres under `strace -f -e trace=execve`. The servers a step starts
 * are traced too and outlive it: once the runbook itself has exited, strace is told to detach.
 */
async function tracedStep(
  step: PlanStep,
  i: number,
): Promise<{ status: number | null; output: string; trace: string }> {
  const host = h.host(step.node);
  const traceFile = `/tmp/strace-${i}.txt`;
  const runbook = ["runuser", "-u", "postgres", "--", `./${step.run}`, ...step.args, "--yes"];
  // -q, not -qq: the trace must keep the "+++ exited with N +++" lines (the runbook's exit code).
  // -I2: run as `-o FILE PROG`, strace blocks fatal signals (-I3) and the SIGTERM below would
  // never end it; -I1 would let SIGTERM kill it before it flushes the trace. With -I2 it
  // detaches from the servers, writes the trace out and exits.
  const tracer = host.spawn(
    "strace",
    ["-f", "-q", "-I2", "-s", "100000", "-e", "trace=execve", "-o", traceFile, ...runbook],
    { cwd: "/var/lib/postgresql/pgrepl", env: ENV, pipe: true },
  );
  let output = "";
  tracer.stdout?.on("data", (d) => (output += d));
  tracer.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<void>((r) => tracer.on("exit", () => r()));
  // nsenter and the namespace guard exec in place: the spawned pid is strace's own.
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
  await waitUntil("strace to start the runbook", () => {
    runuser = children()[0];
    return runuser !== undefined || tracer.exitCode !== null;
  });
  await waitUntil(
    "the runbook to finish",
    () => tracer.exitCode !== null || !children().includes(runuser as string),
    300,
  );
  tracer.kill("SIGTERM"); // strace detaches from the servers and exits
  await exited;
  const trace = readFileSync(host.path(traceFile), "utf8");
  rmSync(host.path(traceFile));
  const m = new RegExp(`^${runuser} +\\+\\+\\+ exited with (\\d+) \\+\\+\\+$`, "m").exec(trace);
  return { status: m ? Number(m[1]) : null, output, trace };
}

/** Files on a host holding the needle (grep -r follows no symbolic link). */
function hostFilesHolding(name: string): string[] {
  const r = h.host(name).exec("grep", ["-rlsF", "--binary-files=text", NEEDLE, ...HOST_DIRS]);
  return r.stdout.split("\n").filter(Boolean);
}

const LOGS = "cat /usr/local/pgsql/logfile /usr/local/pgsql/data.log 2>/dev/null || true";

describe("the replication password during and after a full plan run (pg_ctl harness hosts, PostgreSQL 15)", () => {
  it("the plan worked: both standbys stream, the synchronous one as sync", async () => {
    await waitUntil(
      "the standbys to stream",
      () =>
        h.host("p").psql("SELECT application_name || ':' || sync_state FROM pg_stat_replication") ===
        "s:sync",
    );
    expect(h.host("s").psql("SELECT application_name || ':' || state FROM pg_stat_replication")).toBe(
      "c:streaming",
    );
  });

  it("no process's argv held it: sampled continuously, and every execve traced", () => {
    // the probe, and nothing else
    expect(sampled?.hits.length).toBeGreaterThan(0);
    expect(sampled?.hits.filter((x) => !x.includes(`probe-${NEEDLE}`))).toEqual([]);
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
    const rendered = spawnSync("grep", ["-rlF", NEEDLE, join(h.root, "out")], { encoding: "utf8" });
    expect(rendered.stdout).toBe("");
    for (const o of outputs) expect(o.includes(NEEDLE)).toBe(false);
    for (const n of ["p", "s", "c"]) {
      const log = h.host(n).sh(LOGS);
      expect(log.length, n).toBeGreaterThan(0);
      expect(log.includes(NEEDLE), n).toBe(false);
    }
    // the primary did log the statements: the check above looked at something
    expect(h.host("p").sh(LOGS)).toMatch(/statement: .*ROLE "repl_secret"/);
  });

  it("on the hosts' disks it is only in the standbys' passfiles: 0600, owned by postgres", () => {
    expect(hostFilesHolding("p")).toEqual([]);
    for (const n of ["s", "c"]) {
      const holders = hostFilesHolding(n);
      expect(holders, n).toHaveLength(1);
      expect(holders[0], n).toMatch(/pgpass/);
      expect(h.host(n).sh(`stat -c '%a %U' ${holders[0]}`).trim()).toBe("600 postgres");
    }
  });

  it("no shell or psql history holds it", () => {
    const histories = [".bash_history", ".psql_history", ".sh_history", ".lesshst"].flatMap((f) => [
      `/root/${f}`,
      `/var/lib/postgresql/${f}`,
    ]);
    for (const n of ["p", "s", "c"]) {
      expect(h.host(n).exec("grep", ["-lsF", NEEDLE, ...histories]).stdout, n).toBe("");
    }
  });

  it("the role's stored password is a SCRAM-SHA-256 verifier of exactly that password", () => {
    const stored = h.host("p").psql("SELECT rolpassword FROM pg_authid WHERE rolname = 'repl_secret'");
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
