/**
 * Several linted trees matched into one topology (src/lint/topology.ts), rendered output as a
 * topology, spec problems under their catalogue rules, and "today" from CliIO.now.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { discover } from "../src/lint/discover.js";
import { nodesOf } from "../src/lint/topology.js";
import { renderFiles } from "../src/render/render.js";
import { writeRendered } from "../src/render/write.js";
import { checkSpecText } from "../src/spec/load.js";
import { ROOT } from "./support/cli.js";
import { type JsonFinding, lintJson, where, writeTree } from "./support/lint.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-lint-topology-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const SSL = "sslmode=verify-full sslrootcert=/etc/postgresql/root.crt";

function tree(files: Record<string, string>): string {
  const dir = join(tmp, `t${n++}`);
  writeTree(
    dir,
    Object.entries(files).map(([name, text]) => ({ name, text })),
  );
  return dir;
}

function standby(
  d: string,
  o: { host: string; port?: number; app?: string; slot?: string; listen?: string },
) {
  const app = o.app === undefined ? "" : ` application_name=${o.app}`;
  return {
    [`${d}/postgresql.conf`]: `listen_addresses = '${o.listen ?? "10.0.0.9"}'\n`,
    [`${d}/postgresql.auto.conf`]: `primary_conninfo = 'host=${o.host} port=${o.port ?? 5432} user=repl${app} ${SSL}'\nprimary_slot_name = '${o.slot ?? d}'\n`,
    [`${d}/standby.signal`]: "",
  };
}

/** `standby name → upstream name` for every standby discovery found under dir. */
async function upstreams(dir: string): Promise<Record<string, string | null>> {
  const found = await discover(["."], { cwd: dir, fs: false, postgres: 15, postgresFrom: "--postgres" });
  const out: Record<string, string | null> = {};
  for (const node of nodesOf(found.workspace.servers)) {
    if (!node.standby) continue;
    const rel = (s: string) => (s.startsWith(`${dir}/`) ? s.slice(dir.length + 1) : s);
    out[rel(node.server.name)] = node.upstream ? rel(node.upstream.server.name) : null;
  }
  return out;
}

const mine = (fs: JsonFinding[], rule: string) => fs.filter((f) => f.rule === rule).map(where);

describe("matching standbys to their upstream", () => {
  it("through primary_conninfo host and port against listen_addresses", async () => {
    const dir = tree({
      "p/postgresql.conf": "listen_addresses = 'localhost, 10.0.0.1'\nport = 5433\n",
      "q/postgresql.conf": "listen_addresses = '10.0.0.1'\n",
      ...standby("a", { host: "10.0.0.1", port: 5433, app: "a" }),
      ...standby("b", { host: "10.0.0.1", app: "b" }),
      ...standby("c", { host: "10.0.0.1", port: 6000, app: "c" }),
    });
    expect(await upstreams(dir)).toEqual({ a: "p", b: "q", c: null });
  });

  it("`*`, 0.0.0.0 and loopback say nothing: then through synchronous_standby_names, when one server names the standby", async () => {
    const dir = tree({
      "p/postgresql.conf": "listen_addresses = '*'\nsynchronous_standby_names = 'ANY 1 (\"A\", b)'\n",
      "q/postgresql.conf": "listen_addresses = '0.0.0.0, localhost'\nsynchronous_standby_names = 'b'\n",
      ...standby("a", { host: "db.example", app: "a" }),
      ...standby("b", { host: "db.example", app: "b" }),
      ...standby("c", { host: "localhost", app: "c" }),
    });
    expect(await upstreams(dir)).toEqual({ a: "p", b: null, c: null });
  });

  it("cluster_name stands in for a missing application_name; `walreceiver` is the last default", async () => {
    const dir = tree({
      "p/postgresql.conf": "listen_addresses = '10.0.0.1'\nmax_slot_wal_keep_size = '1GB'\n",
      ...standby("a", { host: "10.0.0.1" }),
      "a/postgresql.conf": "listen_addresses = '10.0.0.2'\ncluster_name = 'x'\n",
      ...standby("b", { host: "10.0.0.1" }),
      ...standby("c", { host: "10.0.0.1", app: "X" }),
    });
    const r = await lintJson(["--no-fs", "--postgres", "15", "."], dir);
    expect(r.findings.map(where)).toEqual([
      "application-name-collision@b/postgresql.auto.conf:1:1",
      "application-name-collision@c/postgresql.auto.conf:1:1",
    ]);
    expect(r.findings[0]?.message).toContain("walreceiver");
    expect(r.findings[1]?.message).toContain("`a`");
  });

  it("a rule that needs the upstream stays silent when it is not linted", async () => {
    const files = {
      "p/postgresql.conf":
        "listen_addresses = '10.0.0.1'\nmax_connections = 500\nmax_replication_slots = 0\n",
      ...standby("a", { host: "10.0.0.1", app: "a" }),
    };
    const both = await lintJson(["--no-fs", "--postgres", "15", "p", "a"], tree(files));
    expect(both.findings.map((f) => f.rule).sort()).toEqual([
      "slot-unbounded-wal",
      "slots-insufficient",
      "standby-params-lower",
    ]);
    const alone = await lintJson(["--no-fs", "--postgres", "15", "a"], tree(files));
    expect(alone.findings).toEqual([]);
  });
});

describe("rendered output is a topology", () => {
  const render = (name = "sync-async.yaml"): string => {
    const spec = join(ROOT, "fixtures", "specs", name);
    const r = checkSpecText(readFileSync(spec, "utf8"), `fixtures/specs/${name}`, spec);
    if (!r.ok) throw new Error("fixture spec invalid");
    const dir = join(tmp, `r${n++}`);
    writeRendered(dir, `fixtures/specs/${name}`, renderFiles(r.topology, `fixtures/specs/${name}`), {
      force: false,
      prune: false,
    });
    return dir;
  };

  it("every standby is matched to its upstream through plan.json's hosts, cascaded ones too", async () => {
    expect(await upstreams(render())).toEqual({ pg2: "pg1", pg3: "pg1" });
    expect(await upstreams(render("cascading.yaml"))).toEqual({ east_replica: "east", west: "east_replica" });
    expect(await upstreams(render("quorum.yaml"))).toEqual({ db2: "db1", db3: "db1", db4: "db1" });
  });

  it("a standby pointed at no node, or at another standby's slot, is reported at its line", async () => {
    const dir = render();
    const auto = join(dir, "pg3", "postgresql.auto.conf");
    const text = readFileSync(auto, "utf8");
    const lineOf = (key: string) => text.split("\n").findIndex((l) => l.startsWith(key)) + 1;
    writeFileSync(auto, text.replace("host=10.0.0.11", "host=10.0.0.99"));
    let r = await lintJson([dir], ROOT);
    expect(mine(r.findings, "topology-unknown-upstream")).toEqual([
      `topology-unknown-upstream@${dir}/pg3/postgresql.auto.conf:${lineOf("primary_conninfo")}:1`,
    ]);
    writeFileSync(auto, text.replace("primary_slot_name = pg3", "primary_slot_name = pg2"));
    r = await lintJson([dir], ROOT);
    expect(mine(r.findings, "topology-slot-collision")).toEqual([
      `topology-slot-collision@${dir}/pg3/postgresql.auto.conf:${lineOf("primary_slot_name")}:1`,
    ]);
  });

  it("a sync name changed in the primary's drop-in no longer matches the standbys", async () => {
    const dir = render();
    const dropIn = join(dir, "pg1", "conf.d", "pgrepl-gen.conf");
    writeFileSync(
      dropIn,
      readFileSync(dropIn, "utf8").replace("'FIRST 1 (\"pg2\")'", "'FIRST 1 (\"pg-2\")'"),
    );
    const r = await lintJson([dir], ROOT);
    expect(r.findings.map((f) => f.rule)).toEqual(["sync-names-unmatched"]);
  });
});

describe("specs: validate's problems under their catalogue rules, at their positions", () => {
  it("cycle, slot collision, num_sync, wal_level, senders, cascaded sync; a duplicate name stays spec-invalid", async () => {
    const dir = tree({
      "topology.yaml": `version: 1
cluster: { postgres: 16, layout: debian }
replication:
  user: repl
  password: { env: PGREPL_PASSWORD }
  synchronous: { method: first, num_sync: 3, commit: "on" }
settings: { wal_level: minimal, max_wal_senders: 1 }
nodes:
  - { name: pg1, role: primary, host: 10.0.0.1 }
  - { name: pg2, role: standby, host: 10.0.0.2, upstream: pg3, sync: true }
  - { name: pg3, role: standby, host: 10.0.0.3, upstream: pg2 }
  - { name: pg4, role: standby, host: 10.0.0.4, slot: pg5, sync: true }
  - { name: pg5, role: standby, host: 10.0.0.5, sync: true }
  - { name: pg5, role: standby, host: 10.0.0.6 }
`,
    });
    const r = await lintJson(["."], dir);
    expect(r.findings.map(where)).toEqual([
      "sync-num-too-high@topology.yaml:6:43",
      "wal-level-insufficient@topology.yaml:7:24",
      "wal-senders-insufficient@topology.yaml:7:50",
      "topology-upstream-cycle@topology.yaml:10:59",
      "sync-on-cascaded-standby@topology.yaml:10:70",
      "topology-slot-collision@topology.yaml:13:13",
      "spec-invalid@topology.yaml:14:13",
    ]);
  });
});

describe("topology-eol-version takes today from CliIO.now", () => {
  const spec = (major: number) =>
    tree({
      "topology.yaml": `version: 1\ncluster: { postgres: ${major}, layout: debian }\nreplication: { user: repl, password: { env: P } }\nnodes:\n  - { name: a, role: primary, host: 10.0.0.1 }\n`,
    });
  const run = async (dir: string, day: string): Promise<JsonFinding[]> => {
    const io = bufferIO({ cwd: dir, now: new Date(`${day}T12:00:00Z`) });
    await main(["lint", "--format", "json", "."], io);
    return (JSON.parse(io.out()) as JsonFinding[]).filter((f) => f.rule === "topology-eol-version");
  };
  it("a major is reported the day after its final release, not on it", async () => {
    const dir = spec(13);
    expect(await run(dir, "2025-11-13")).toEqual([]);
    expect((await run(dir, "2025-11-14")).map(where)).toEqual(["topology-eol-version@topology.yaml:2:22"]);
    expect(await run(spec(18), "2030-11-14")).toEqual([]);
  });
});
