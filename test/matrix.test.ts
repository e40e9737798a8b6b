/**
 * The version matrix: every supported major 12–18 on its real server binaries (the pinned
 * builds of scripts/pg-binaries.mjs), loopback only, servers started as the `postgres` OS user.
 *
 * Per major, a pg_ctl-layout spec (a primary and one synchronous standby, with a slot,
 * max_slot_wal_keep_size from 13, extra settings cluster-wide and per node, archive_command and
 * restore_command) is rendered, the primary is initdb'd the way a DBA would, and the steps of
 * plan.json run as the postgres user. Two paths, named in each test:
 * - 12–15, "runbook steps as written": every step runs exactly as written. bin_directory holds
 *   the major's server binaries plus Debian's psql and pg_basebackup 15 (a pg_basebackup copies
 *   servers of its own major and older).
 * - 16–18, "cold copy": there is no pg_basebackup ≥ 16 here, so the standby step is replaced by
 *   what it would leave behind: a copy of the cleanly stopped primary's data directory with the
 *   standby's rendered postgresql.auto.conf keys, standby.signal, drop-in and hba block, its
 *   passfile and its slot (created over the replication protocol, as the runbook does). Every
 *   other step (prepare, sync, both verify steps) runs as written.
 * Then the servers are asked whether they accept every rendered file and whether replication
 * is what the spec says. Separately, for each major, a spec using every spec feature is
 * rendered for all three layouts and `postgres -C` of that major reads it.
 *
 * Majors run in parallel (PGRG_MATRIX_JOBS, default 4): most of each run is waiting for
 * servers. The binaries are downloaded once (.cache/pg); a missing one fails the test.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { SUPPORTED_MAJORS } from "../src/pg/catalog/index.js";
import { parseConfText } from "../src/pg/conf/index.js";
import { LAYOUTS, type LayoutName } from "../src/pg/layouts.js";
import { renderFiles } from "../src/render/render.js";
import { stockFile } from "../src/render/stock.js";
import { checkSpecText } from "../src/spec/load.js";
import { upstreamFirstOrder } from "../src/spec/model.js";
import {
  exec,
  execOk,
  givePostgres,
  limiter,
  makeBinDirectory,
  type PgBinaries,
  pgBinaries,
  psql,
  psqlBatch,
  replaceHbaBlock,
  sameSetting,
  trySql,
  waitFor,
  withReplicationKeys,
} from "./support/matrix.js";
import { freePorts, makeTempDir, PG15_BIN } from "./support/pg.js";
import { type PlanStep, readPlan } from "./support/plan.js";

const MAJORS = SUPPORTED_MAJORS;
const JOBS = Number(process.env.PGRG_MATRIX_JOBS ?? 4);
const PASSWORD = "matrix-Secret:with\\odd'chars \u00e9";
const ENV = { PGREPL_MATRIX_PASSWORD: PASSWORD };

type Path = "runbook" | "cold-copy";
const pathOf = (major: number): Path => (major <= 15 ? "runbook" : "cold-copy");
const PATH_TITLE: Record<Path, string> = {
  runbook: "runbook steps as written (pg_basebackup 15)",
  "cold-copy":
    "cold copy of the stopped primary instead of the standby step (no pg_basebackup ≥ 16), other steps as written",
};

/** Extra settings exercising each major's own parameters (validated by the catalogue first). */
function versionSettings(major: number, indent: string): string {
  const s: [string, string][] = [
    ["work_mem", "8MB"],
    ["checkpoint_timeout", "10min"],
    ["log_min_duration_statement", "250ms"],
    ["random_page_cost", "1.1"],
    ["default_statistics_target", "250"],
    ["log_line_prefix", '"%m [%p] %q%u@%d "'],
    major >= 13 ? ["wal_keep_size", "128MB"] : ["wal_keep_segments", "8"],
    ["wal_compression", major >= 15 ? "pglz" : "on"],
  ];
  if (major >= 14) s.push(["idle_session_timeout", "1h"]);
  if (major >= 16) s.push(["vacuum_buffer_usage_limit", "512kB"]);
  if (major >= 17) s.push(["summarize_wal", "on"]);
  if (major >= 18) s.push(["io_method", "worker"]);
  return s.map(([k, v]) => `${indent}${k}: ${v}\n`).join("");
}

// ---------------------------------------------------------------------------------------
// One major end to end

interface Cluster {
  major: number;
  root: string;
  out: string;
  sock: string;
  archive: string;
  bin: string;
  ports: { primary: number; standby: number };
  data: { primary: string; standby: string };
}

interface NodeObservation {
  /** pg_file_settings rows with an error */
  fileErrors: string[];
  /** pg_hba_file_rules rows with an error */
  hbaErrors: string[];
  pendingRestart: string;
  /** the drop-in in the data directory is the rendered one, byte for byte */
  dropInAsRendered: boolean;
  /** drop-in rows of pg_file_settings that did not apply */
  dropInNotApplied: string[];
  /** every parameter of the rendered drop-in and postgresql.auto.conf: rendered value, SHOW value */
  settings: { file: string; name: string; rendered: string; shown: string }[];
  inRecovery: string;
}

interface Observation {
  major: number;
  serverVersion: string;
  path: Path;
  /** what ran, in order */
  ran: string[];
  seconds: number;
  primary: NodeObservation;
  standby: NodeObservation;
  replication: string;
  slot: string;
  walReceiver: string;
  replayed: string;
  writeProbe: string;
  archiver: string;
}

/** Clusters not yet cleaned up (a failed run leaves them for afterAll, or the exit hook). */
const clusters = new Set<Cluster>();
const roots = new Set<string>();

/** Stops every server of a cluster that still runs (whoever started it) and removes its files. */
function cleanUp(c: Cluster): void {
  for (const data of Object.values(c.data)) {
    if (existsSync(join(data, "postmaster.pid"))) {
      spawnSync(
        "runuser",
        ["-u", "postgres", "--", join(c.bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"],
        {
          cwd: "/tmp",
        },
      );
    }
  }
  rmSync(c.root, { recursive: true, force: true });
  clusters.delete(c);
}
process.once("exit", () => {
  for (const c of clusters) cleanUp(c);
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

async function pgCtl(c: Cluster, args: string[]): Promise<void> {
  await execOk(join(c.bin, "pg_ctl"), args, { asPostgres: true });
}

async function startServer(c: Cluster, data: string): Promise<void> {
  await pgCtl(c, ["-D", data, "-w", "-t", "120", "-l", `${data}.log`, "start"]);
}

async function stopServer(c: Cluster, data: string): Promise<void> {
  await pgCtl(c, ["-D", data, "-w", "-t", "120", "-m", "fast", "stop"]);
}

function matrixSpec(c: Cluster): string {
  const node = (name: "primary" | "standby", extra: string) => `  - name: ${name}
    host: 127.0.0.1
    port: ${c.ports[name]}
    data_directory: ${c.data[name]}
    bin_directory: ${c.bin}
    socket_directory: ${c.sock}
${extra}`;
  return `version: 1
cluster:
  postgres: ${c.major}
  layout: pg_ctl
replication:
  user: repl_matrix
  password: { env: PGREPL_MATRIX_PASSWORD }
${c.major >= 13 ? "  max_slot_wal_keep_size: 2GB\n" : ""}  synchronous:
    method: first
    num_sync: 1
    commit: remote_apply
  archive:
    archive_command: "test ! -f ${c.archive}/%f && cp %p ${c.archive}/%f"
    restore_command: "cp ${c.archive}/%f %p"
settings:
${versionSettings(c.major, "  ")}nodes:
${node("primary", "    role: primary\n    settings:\n      log_checkpoints: on\n")}${node(
  "standby",
  "    role: standby\n    sync: true\n    slot: standby_slot\n    settings:\n      hot_standby_feedback: on\n      max_standby_streaming_delay: 45s\n      wal_receiver_status_interval: 5s\n",
)}`;
}

async function runStep(c: Cluster, step: PlanStep): Promise<void> {
  const r = await exec(join(c.out, step.run), [...step.args, "--yes"], {
    asPostgres: true,
    env: ENV,
    cwd: c.out,
  });
  if (r.status !== 0) {
    throw new Error(
      `step ${step.run} ${step.args.join(" ")} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`,
    );
  }
}

/** What the standby step would leave behind, built from a cold copy of the stopped primary. */
async function coldCopyStandby(c: Cluster): Promise<void> {
  const rendered = (f: string) => readFileSync(join(c.out, "standby", f), "utf8");
  await stopServer(c, c.data.primary);
  await execOk("cp", ["-a", c.data.primary, c.data.standby], { asPostgres: true });
  await startServer(c, c.data.primary);
  const write = (path: string, text: string) => {
    writeFileSync(path, text, { mode: 0o600 });
    givePostgres(path);
  };
  // The passfile line of pgpass.example, with the password (escaped as the runbook escapes it).
  const line = rendered("pgpass.example")
    .split("\n")
    .find((l) => l !== "" && !l.startsWith("#"))
    ?.replace(/<password>$/, PASSWORD.replaceAll("\\", "\\\\").replaceAll(":", "\\:"));
  write(`${c.data.standby}.pgpass`, `${line}\n`);
  // The slot, over the replication protocol with the standby's conninfo and passfile (ensure_slot).
  const conninfo = /primary_conninfo = '(.*)'$/m
    .exec(rendered("postgresql.auto.conf"))?.[1]
    ?.replaceAll("''", "'");
  await execOk(
    join(c.bin, "psql"),
    [
      "-X",
      "-q",
      "-At",
      "-d",
      `${conninfo} dbname=replication replication=true`,
      "-c",
      'CREATE_REPLICATION_SLOT "standby_slot" PHYSICAL RESERVE_WAL',
    ],
    { asPostgres: true, env: { PGPASSFILE: `${c.data.standby}.pgpass` } },
  );
  const auto = join(c.data.standby, "postgresql.auto.conf");
  write(auto, withReplicationKeys(readFileSync(auto, "utf8"), rendered("postgresql.auto.conf")));
  write(join(c.data.standby, "standby.signal"), rendered("standby.signal"));
  write(join(c.data.standby, "conf.d", "pgrepl-gen.conf"), rendered("conf.d/pgrepl-gen.conf"));
  const hba = join(c.data.standby, "pg_hba.conf");
  write(hba, replaceHbaBlock(readFileSync(hba, "utf8"), rendered("pg_hba.pgrepl-gen.conf")));
  await startServer(c, c.data.standby);
}

/** Queries a node answers for the observation, batched into one psql session. */
async function observeNode(
  c: Cluster,
  node: "primary" | "standby",
  extra: string[] = [],
): Promise<{ node: NodeObservation; extra: string[] }> {
  const renderedDropIn = readFileSync(join(c.out, node, "conf.d", "pgrepl-gen.conf"), "utf8");
  const installed = join(c.data[node], "conf.d", "pgrepl-gen.conf");
  const settings: NodeObservation["settings"] = [];
  const files = ["conf.d/pgrepl-gen.conf", ...(node === "standby" ? ["postgresql.auto.conf"] : [])];
  for (const f of files) {
    for (const s of parseConfText(readFileSync(join(c.out, node, f), "utf8"), f).settings) {
      settings.push({ file: f, name: s.name, rendered: s.value, shown: "" });
    }
  }
  const names = settings.map((s) => `'${s.name}'`).join(",");
  const [shownRows, fileErrors, hbaErrors, pendingRestart, notApplied, inRecovery, ...rest] = await psqlBatch(
    c.sock,
    c.ports[node],
    [
      // current_setting(name) is what SHOW name prints.
      `SELECT n || '=' || current_setting(n) FROM unnest(ARRAY[${names}]) AS n`,
      "SELECT sourcefile || ':' || sourceline || ': ' || coalesce(name, '') || ': ' || error FROM pg_file_settings WHERE error IS NOT NULL",
      "SELECT line_number || ': ' || error FROM pg_hba_file_rules WHERE error IS NOT NULL",
      "SELECT coalesce(string_agg(name, ', '), '') FROM pg_settings WHERE pending_restart",
      "SELECT name FROM pg_file_settings WHERE sourcefile LIKE '%/conf.d/pgrepl-gen.conf' AND NOT applied",
      "SELECT pg_is_in_recovery()",
      ...extra,
    ],
  );
  const lines = (text: string | undefined) => (text ?? "").split("\n").filter((l) => l !== "");
  const shown = new Map(
    lines(shownRows).map((l) => {
      const i = l.indexOf("=");
      return [l.slice(0, i), l.slice(i + 1)];
    }),
  );
  for (const s of settings) s.shown = shown.get(s.name) ?? "<missing>";
  return {
    node: {
      fileErrors: lines(fileErrors),
      hbaErrors: lines(hbaErrors),
      pendingRestart: pendingRestart ?? "?",
      dropInAsRendered: existsSync(installed) && readFileSync(installed, "utf8") === renderedDropIn,
      dropInNotApplied: lines(notApplied),
      settings,
      inRecovery: inRecovery ?? "?",
    },
    extra: rest,
  };
}

async function runMajor(major: number, bin: PgBinaries): Promise<Observation> {
  const t0 = Date.now();
  const root = await makeTempDir(`pgrg-matrix-${major}-`);
  const [primaryPort, standbyPort] = (await freePorts(2)) as [number, number];
  const c: Cluster = {
    major,
    root,
    out: join(root, "out"),
    sock: join(root, "sock"),
    archive: join(root, "archive"),
    bin: join(root, "bin"),
    ports: { primary: primaryPort, standby: standbyPort },
    data: { primary: join(root, "primary"), standby: join(root, "standby") },
  };
  for (const d of [c.sock, c.archive]) {
    mkdirSync(d, { mode: 0o700 });
    givePostgres(d);
  }
  clusters.add(c);
  makeBinDirectory(c.bin, bin);
  const ran: string[] = [];
  try {
    const specFile = join(root, "spec.yaml");
    writeFileSync(specFile, matrixSpec(c));
    const io = bufferIO({ cwd: root });
    const code = await main(["render", specFile, "--out", c.out], io);
    if (code !== 0) throw new Error(`render failed (${code}):\n${io.out()}${io.err()}`);

    // What a DBA has before the runbooks: an initdb'd, running primary with its own port and socket.
    await execOk(
      join(c.bin, "initdb"),
      ["-D", c.data.primary, "-U", "postgres", "--auth-local=peer", "--auth-host=scram-sha-256", "--no-sync"],
      { asPostgres: true },
    );
    const conf = join(c.data.primary, "postgresql.conf");
    writeFileSync(
      conf,
      `${readFileSync(conf, "utf8")}port = ${c.ports.primary}\nunix_socket_directories = '${c.sock}'\nlisten_addresses = '127.0.0.1'\n`,
    );
    await startServer(c, c.data.primary);
    ran.push(`initdb + start the primary (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

    for (const step of readPlan(c.out)) {
      const what = `${step.node} ${step.args.join(" ")}`;
      const started = Date.now();
      const secs = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
      if (step.args[1] === "standby" && pathOf(major) === "cold-copy") {
        await coldCopyStandby(c);
        ran.push(`${what}: replaced by a cold copy of the stopped primary (${secs()})`);
      } else {
        await runStep(c, step);
        ran.push(`${what}: as written (${secs()})`);
      }
    }

    const qp = (sql: string) => psql(c.sock, c.ports.primary, sql);
    // Data written on the primary is replayed on the standby; a switched WAL file is archived.
    await qp("CREATE TABLE matrix_probe AS SELECT 42 AS answer");
    await qp("SELECT pg_switch_wal()");
    let replayed = "";
    await waitFor("the standby to replay matrix_probe", async () => {
      const r = await trySql(c.sock, c.ports.standby, "SELECT answer FROM matrix_probe");
      replayed = r.out.trim();
      return r.ok;
    });
    await waitFor(
      "the archiver",
      async () => Number(await qp("SELECT archived_count + failed_count FROM pg_stat_archiver")) > 0,
    );
    const probe = await trySql(c.sock, c.ports.standby, "CREATE TABLE nope ()");
    const primary = await observeNode(c, "primary", [
      "SELECT r.application_name || '|' || r.state || '|' || r.sync_state || '|' || coalesce(s.slot_name, '-') FROM pg_stat_replication r LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid",
      "SELECT slot_name || '|' || slot_type || '|' || active FROM pg_replication_slots",
      "SELECT archived_count > 0 AND failed_count = 0 FROM pg_stat_archiver",
    ]);
    const standby = await observeNode(c, "standby", [
      "SELECT status || '|' || slot_name || '|' || sender_port FROM pg_stat_wal_receiver",
    ]);
    const archived = (await exec("ls", [c.archive])).stdout.split("\n").some((f) => /^[0-9A-F]{24}$/.test(f));
    const observation: Observation = {
      major,
      serverVersion: bin.serverVersion,
      path: pathOf(major),
      ran,
      seconds: 0,
      primary: primary.node,
      standby: standby.node,
      replication: primary.extra[0] ?? "",
      slot: primary.extra[1] ?? "",
      walReceiver: standby.extra[0] ?? "",
      replayed,
      writeProbe: probe.ok ? "write succeeded" : (/\b(25006)\b/.exec(probe.out)?.[1] ?? probe.out),
      archiver: `${primary.extra[2]}|${archived}`,
    };
    await stopServer(c, c.data.standby);
    await stopServer(c, c.data.primary);
    cleanUp(c);
    observation.seconds = (Date.now() - t0) / 1000;
    return observation;
  } catch (err) {
    const logs = Object.values(c.data)
      .filter((d) => existsSync(`${d}.log`))
      .map(
        (d) =>
          `--- ${d}.log (last lines)\n${readFileSync(`${d}.log`, "utf8").split("\n").slice(-25).join("\n")}`,
      )
      .join("\n");
    throw new Error(`PostgreSQL ${major} after [${ran.join("; ")}]: ${(err as Error).message}\n${logs}`);
  }
}

// ---------------------------------------------------------------------------------------

const results = new Map<number, Promise<Observation>>();
const binaries = new Map<number, PgBinaries>();
const t0 = Date.now();

beforeAll(async () => {
  // Download (or find in .cache/pg) every major first: a missing binary fails here, loudly.
  for (const b of await Promise.all(MAJORS.map((m) => pgBinaries(m)))) binaries.set(b.major, b);
  const run = limiter(JOBS);
  for (const m of MAJORS) {
    const p = run(() => runMajor(m, binaries.get(m) as PgBinaries));
    p.catch(() => {}); // reported by the major's own tests
    results.set(m, p);
  }
}, 900_000);

afterAll(async () => {
  await Promise.allSettled(results.values());
  for (const c of clusters) cleanUp(c);
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  const rows: string[] = [];
  for (const [m, p] of results) {
    const o = await p.catch(() => undefined);
    rows.push(
      `  ${m}: ${o ? `${o.serverVersion}, ${o.path}, ${o.seconds.toFixed(1)} s: ${o.ran.join("; ")}` : "failed"}`,
    );
  }
  console.log(
    `version matrix (${JOBS} at once, ${((Date.now() - t0) / 1000).toFixed(1)} s in all):\n${rows.join("\n")}`,
  );
}, 300_000);

for (const major of MAJORS) {
  const title = PATH_TITLE[pathOf(major)];
  describe(`PostgreSQL ${major}`, () => {
    it(`${title}: the servers accept every rendered file, and SHOW reads every rendered value back`, async () => {
      const o = await (results.get(major) as Promise<Observation>);
      expect(o.path).toBe(pathOf(major));
      expect(o.serverVersion.startsWith(`${major}.`)).toBe(true);
      for (const node of ["primary", "standby"] as const) {
        const n = o[node];
        expect(n.fileErrors, `${node}: pg_file_settings errors`).toEqual([]);
        expect(n.hbaErrors, `${node}: pg_hba_file_rules errors`).toEqual([]);
        expect(n.pendingRestart, `${node}: pending restart`).toBe("");
        expect(n.dropInAsRendered, `${node}: installed drop-in`).toBe(true);
        expect(n.dropInNotApplied, `${node}: drop-in lines not applied`).toEqual([]);
        expect(n.settings.length).toBeGreaterThan(10);
        const differ = n.settings
          .filter((s) => !sameSetting(major, s.name, s.rendered, s.shown))
          .map(
            (s) =>
              `${s.file}: ${s.name} rendered ${JSON.stringify(s.rendered)}, SHOW ${JSON.stringify(s.shown)}`,
          );
        expect(differ, node).toEqual([]);
      }
      expect(o.primary.inRecovery).toBe("f");
      expect(o.standby.inRecovery).toBe("t");
    }, 900_000);

    it(`${title}: the standby streams synchronously through its slot, replays, refuses writes; WAL is archived`, async () => {
      const o = await (results.get(major) as Promise<Observation>);
      expect(o.ran.filter((r) => r.includes(": as written")).length).toBe(
        pathOf(major) === "runbook" ? 5 : 4,
      );
      expect(o.replication).toBe("standby|streaming|sync|standby_slot");
      expect(o.slot).toBe("standby_slot|physical|true");
      expect(o.walReceiver).toMatch(/^streaming\|standby_slot\|\d+$/);
      expect(o.replayed).toBe("42");
      expect(o.writeProbe).toBe("25006");
      expect(o.archiver).toBe("t|true");
    }, 900_000);

    it("every spec feature, rendered for pg_ctl, rhel and debian: postgres -C reads every file, and (pg_ctl) every parameter as rendered", async () => {
      const bin = binaries.get(major) as PgBinaries;
      const problems: string[] = [];
      let read = 0;
      for (const layout of ["pg_ctl", "rhel", "debian"] as const) {
        const r = await dashC(major, layout, bin);
        problems.push(...r.problems);
        read += r.read;
      }
      expect(problems).toEqual([]);
      expect(read).toBeGreaterThan(50);
    }, 300_000);
  });
}

// ---------------------------------------------------------------------------------------
// Every spec feature, read by `postgres -C`

function everyFeatureSpec(major: number, layout: LayoutName): string {
  return `version: 1
cluster:
  name: main
  postgres: ${major}
  layout: ${layout}
replication:
  user: repl_user
  password: { env: PGREPL_PASSWORD }
  auth: cert
  sslmode: verify-full
  slots: true
${major >= 13 ? "  max_slot_wal_keep_size: 20GB\n" : ""}  failover_access: true
  synchronous: { method: any, num_sync: 1, commit: remote_write }
  archive:
    archive_command: "test ! -f /mnt/wal/%f && cp %p /mnt/wal/%f"
    restore_command: "cp /mnt/wal/%f %p"
  tls:
    ca_file: /etc/pg-tls/root.crt
    client_cert: /etc/pg-tls/repl.crt
    client_key: /etc/pg-tls/repl.key
    server_cert: /etc/pg-tls/server.crt
    server_key: /etc/pg-tls/server.key
settings:
${versionSettings(major, "  ")}  max_connections: 150
nodes:
  - name: p1
    role: primary
    host: 10.1.0.1
    listen_addresses: "10.1.0.1, localhost"
    source_address: 10.1.0.11
    admin_user: dba
    os_user: postgres
    socket_directory: /var/run/pg-sockets
    bin_directory: /opt/pg/bin
    settings:
      log_checkpoints: on
      max_connections: 300
  - name: s1
    role: standby
    host: 10.1.0.2
    port: 5433
    slot: s1_slot
    sync: true
    passfile: /var/lib/pg/s1.pgpass
    data_directory: /data/s1
    tls: { server_cert: /etc/pg-tls/s1.crt, server_key: /etc/pg-tls/s1.key }
    settings:
      hot_standby_feedback: on
  - name: s2
    role: standby
    host: db-s2.example.com
    sync: true
  - name: c1
    role: standby
    host: 10.1.0.4
    upstream: s1
    cluster: cascade
    apply_delay: 30min
    settings:
      max_standby_streaming_delay: 5min
`;
}

/**
 * Renders the every-feature spec for a layout and builds each node's configuration the way it
 * arrives on the host: the stock files (or, where the config lives in the data directory, the
 * upstream's files as rendered, which pg_basebackup copies), the rendered patches applied with
 * patch -p1, and a standby's replication keys in postgresql.auto.conf. Then `postgres -C`.
 */
async function dashC(
  major: number,
  layout: LayoutName,
  bin: PgBinaries,
): Promise<{ problems: string[]; read: number }> {
  const text = everyFeatureSpec(major, layout);
  const r = checkSpecText(text, `every-feature-${layout}.yaml`);
  if (!r.ok) return { problems: r.problems.map((p) => `${layout}: spec: ${p.message}`), read: 0 };
  const t = r.topology;
  const files = new Map(renderFiles(t, "every-feature.yaml").map((f) => [f.path, f.content]));
  const root = await makeTempDir(`pgrg-dashc-${major}-${layout}-`);
  roots.add(root);
  const problems: string[] = [];
  let read = 0;
  const dirs = new Map<string, string>();
  try {
    for (const n of upstreamFirstOrder(t)) {
      const dir = join(root, n.name);
      const inherit = LAYOUTS[layout].configInDataDir && n.upstream ? dirs.get(n.upstream) : undefined;
      if (inherit) cpSync(inherit, dir, { recursive: true });
      else {
        mkdirSync(dir);
        writeFileSync(join(dir, "postgresql.conf"), stockFile(major, layout, "postgresql.conf", n));
        writeFileSync(join(dir, "pg_hba.conf"), stockFile(major, layout, "pg_hba.conf", n));
      }
      dirs.set(n.name, dir);
      for (const p of ["postgresql.conf.patch", "pg_hba.conf.patch"]) {
        await execOk("patch", ["-p1", "--batch", "--forward", "--no-backup-if-mismatch", "-F0", "-s"], {
          cwd: dir,
          input: files.get(`${n.name}/${p}`) as string,
        });
      }
      // The data directory: the config directory itself, or (Debian) wherever data_directory says.
      let data = dir;
      if (layout === "debian") {
        data = join(dir, "data");
        mkdirSync(data, { recursive: true });
        const confPath = join(dir, "postgresql.conf");
        const conf = readFileSync(confPath, "utf8");
        if (!/^data_directory = '[^']*'/m.test(conf))
          problems.push(`${layout} ${n.name}: no data_directory line`);
        writeFileSync(confPath, conf.replace(/^data_directory = '[^']*'/m, `data_directory = '${data}'`));
      }
      const auto = files.get(`${n.name}/postgresql.auto.conf`);
      if (auto !== undefined) {
        const existing = join(data, "postgresql.auto.conf");
        writeFileSync(
          existing,
          withReplicationKeys(existsSync(existing) ? readFileSync(existing, "utf8") : "", auto),
        );
      }
      const postgres = join(bin.binDir, "postgres");
      // One read of the whole configuration: any rejected parameter or value fails it.
      const whole = await exec(postgres, ["-C", "data_directory", "-D", dir]);
      read++;
      if (whole.status !== 0 || whole.stdout.trim() !== data) {
        problems.push(
          `${layout} ${n.name}: postgres -C data_directory: exit ${whole.status}: ${whole.stdout}${whole.stderr}`.trim(),
        );
        continue;
      }
      if (layout !== "pg_ctl") continue;
      // Every rendered parameter by name, its value as the server reads it.
      const rendered = [
        ...parseConfText(files.get(`${n.name}/conf.d/pgrepl-gen.conf`) as string, "pgrepl-gen.conf").settings,
        ...(auto === undefined ? [] : parseConfText(auto, "postgresql.auto.conf").settings),
      ];
      const run = limiter(4);
      await Promise.all(
        rendered.map((s) =>
          run(async () => {
            const c = await exec(postgres, ["-C", s.name, "-D", dir]);
            read++;
            const shown = c.stdout.replace(/\n$/, "");
            if (c.status !== 0)
              problems.push(
                `${layout} ${n.name}: postgres -C ${s.name}: exit ${c.status}: ${c.stderr.trim()}`,
              );
            else if (!sameSetting(major, s.name, s.value, shown))
              problems.push(
                `${layout} ${n.name}: ${s.name} rendered ${JSON.stringify(s.value)}, postgres -C ${JSON.stringify(shown)}`,
              );
          }),
        ),
      );
    }
  } finally {
    roots.delete(root);
    rmSync(root, { recursive: true, force: true });
  }
  return { problems, read };
}

describe("rhel stock files (PGDG's postgresql-V-setup initdb)", () => {
  it("differ from initdb's only in PGDG's log settings and the socket directory line; same pg_hba.conf", () => {
    const stock = (m: number, layout: string, f: string) =>
      readFileSync(join(import.meta.dirname, "..", "src", "pg", "stock", String(m), layout, f), "utf8");
    for (const m of MAJORS) {
      expect(stock(m, "rhel", "pg_hba.conf")).toBe(stock(m, "pg_ctl", "pg_hba.conf"));
      const a = stock(m, "pg_ctl", "postgresql.conf").split("\n");
      const b = stock(m, "rhel", "postgresql.conf").split("\n");
      expect(b.length).toBe(a.length);
      const changed = b.filter((l, i) => l !== a[i]).map((l) => l.replace(/\s*#.*$/, ""));
      expect(changed).toEqual(
        expect.arrayContaining([
          "log_destination = 'stderr'",
          "logging_collector = on",
          "log_directory = 'log'",
          "log_filename = 'postgresql-%a.log'",
          "log_rotation_age = 1d",
          "log_rotation_size = 0",
          "log_truncate_on_rotation = on",
          "log_line_prefix = '%m [%p] '",
        ]),
      );
      expect(changed).toHaveLength(9);
      expect(b).toContain(
        `#unix_socket_directories = '${m <= 15 ? "/run/postgresql, /tmp" : "/run/postgresql"}'\t# comma-separated list of directories`,
      );
    }
  });
});

it("PG15_BIN has the clients the matrix borrows", () => {
  for (const tool of ["psql", "pg_basebackup"]) expect(existsSync(join(PG15_BIN, tool)), tool).toBe(true);
});

describe("matrix helpers", () => {
  it("sameSetting compares as the server does: booleans by meaning, enums by case, numbers by amount", () => {
    expect(sameSetting(15, "max_slot_wal_keep_size", "10GB", "10GB")).toBe(true);
    expect(sameSetting(15, "max_slot_wal_keep_size", "10240MB", "10GB")).toBe(true);
    expect(sameSetting(15, "shared_buffers", "16384", "128MB")).toBe(true);
    expect(sameSetting(15, "work_mem", "8MB", "4MB")).toBe(false);
    expect(sameSetting(15, "checkpoint_timeout", "600", "10min")).toBe(true);
    expect(sameSetting(15, "hot_standby", "on", "on")).toBe(true);
    expect(sameSetting(15, "hot_standby", "yes", "on")).toBe(true);
    expect(sameSetting(15, "hot_standby", "off", "on")).toBe(false);
    expect(sameSetting(15, "wal_level", "REPLICA", "replica")).toBe(true);
    expect(sameSetting(15, "random_page_cost", "1.1", "1.1")).toBe(true);
    expect(sameSetting(15, "restore_command", "cp a %p", "cp a %p")).toBe(true);
    expect(sameSetting(15, "restore_command", "cp a %p", "cp b %p")).toBe(false);
  });

  it("replaceHbaBlock and withReplicationKeys do what the runbook does to a copy", () => {
    const hba =
      "local all all peer\n# BEGIN pgrepl-gen: old\nhost replication r 1.2.3.4/32 scram-sha-256\n# END pgrepl-gen\nhost all all 0.0.0.0/0 reject\n";
    const block = "# BEGIN pgrepl-gen: new\nhost replication r 5.6.7.8/32 scram-sha-256\n# END pgrepl-gen\n";
    expect(replaceHbaBlock(hba, block)).toBe(`local all all peer\n${block}host all all 0.0.0.0/0 reject\n`);
    const auto =
      "# Do not edit\nwork_mem = '8MB'\nprimary_conninfo = 'host=old'\nPRIMARY_SLOT_NAME = 'old'\n";
    const rendered = "# keys\nprimary_conninfo = 'host=new'\nprimary_slot_name = 'new'\n";
    expect(withReplicationKeys(auto, rendered)).toBe(
      "# Do not edit\nwork_mem = '8MB'\nprimary_conninfo = 'host=new'\nprimary_slot_name = 'new'\n",
    );
  });
});
