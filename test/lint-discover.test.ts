/** What discovery makes of each kind of PATH. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discover } from "../src/lint/discover.js";
import type { Server } from "../src/lint/model.js";
import { writeTree } from "./support/lint.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-lint-discover-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function make(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  writeTree(
    dir,
    Object.entries(files).map(([n, text]) => ({ name: n, text })),
  );
  return dir;
}

async function find(paths: string[], cwd: string, postgres?: number) {
  return discover(paths, { cwd, fs: true, postgres, postgresFrom: "--postgres" });
}

function summary(s: Server) {
  return {
    name: s.name,
    origin: s.origin,
    major: s.major,
    majorFrom: s.majorFrom,
    configFile: s.configFile,
    dataDir: s.dataDir?.path ?? null,
    readable: s.dataDir?.readable ?? null,
    standby: s.dataDir?.standbySignal ?? null,
    hba: s.hba?.file ?? null,
    auto: s.conf?.autoConf ?? null,
    gaps: s.gaps.map((g) => `${g.hides}:${g.reason}`),
  };
}

describe("discovery", () => {
  const root = make("debian", {
    "etc/postgresql/15/main/postgresql.conf": `data_directory = '${tmp}/debian/var/15/main'\nhba_file = '${tmp}/debian/etc/postgresql/15/main/pg_hba.conf'\ninclude_dir = 'conf.d'\n`,
    "etc/postgresql/15/main/pg_hba.conf": "local all all peer\n",
    "etc/postgresql/15/main/start.conf": "auto\n",
    "etc/postgresql/15/main/pg_ctl.conf": "pg_ctl_options = ''\n",
    "etc/postgresql/15/main/pg_ident.conf": "",
    "etc/postgresql/15/main/conf.d/x.conf": "work_mem = 4MB\n",
    "etc/postgresql/16/replica/postgresql.conf": `data_directory = '${tmp}/debian/var/16/replica'\n`,
    "etc/postgresql/16/replica/start.conf": "auto\n",
    "var/15/main/PG_VERSION": "15\n",
    "var/15/main/postgresql.auto.conf": "work_mem = '8MB'\n",
    "var/15/main/standby.signal": "",
  });

  it("a Debian tree: every VERSION/CLUSTER, the version from the path, data_directory and hba_file followed", async () => {
    const r = await find(["etc/postgresql"], root);
    expect(r.pathErrors).toEqual([]);
    expect(r.workspace.servers.map(summary)).toEqual([
      {
        name: "15/main",
        origin: "debian",
        major: 15,
        majorFrom: "the path",
        configFile: `${root}/etc/postgresql/15/main/postgresql.conf`,
        dataDir: `${root}/var/15/main`,
        readable: true,
        standby: true,
        hba: `${root}/etc/postgresql/15/main/pg_hba.conf`,
        auto: `${root}/var/15/main/postgresql.auto.conf`,
        gaps: [],
      },
      {
        name: "16/replica",
        origin: "debian",
        major: 16,
        majorFrom: "the path",
        configFile: `${root}/etc/postgresql/16/replica/postgresql.conf`,
        dataDir: `${root}/var/16/replica`,
        readable: false,
        standby: null,
        hba: null,
        auto: null,
        gaps: ["datadir:does not exist"],
      },
    ]);
    const main = r.workspace.servers[0];
    expect(main?.conf?.effective.get("work_mem")?.value).toBe("8MB");
    expect(main?.conf?.files.map((f) => f.path.slice(root.length))).toEqual([
      "/etc/postgresql/15/main/postgresql.conf",
      "/etc/postgresql/15/main/conf.d/x.conf",
      "/var/15/main/postgresql.auto.conf",
    ]);
  });

  it("the Debian cluster's data dir given too is the same node, not a second one", async () => {
    const r = await find(["etc/postgresql", "var/15/main"], root);
    expect(r.workspace.servers.map((s) => s.name)).toEqual(["15/main", "16/replica"]);
  });

  it("a copy of a config dir (no start.conf): only its own files, absolute paths not followed", async () => {
    const dir = make("copy", {
      "postgresql.conf":
        "data_directory = '/var/lib/postgresql/15/main'\nhba_file = '/etc/postgresql/15/main/pg_hba.conf'\n",
      "pg_hba.conf": "local all all peer\n",
    });
    const [s] = (await find(["."], dir)).workspace.servers;
    expect(s && summary(s)).toMatchObject({
      origin: "config-dir",
      major: undefined,
      dataDir: null,
      hba: `${dir}/pg_hba.conf`,
      auto: null,
    });
    expect(s?.hba?.results.map((x) => x.major)).toEqual([12, 13, 14, 15, 16, 17, 18]);
  });

  it("a data directory with its config inside; PG_VERSION gives the version", async () => {
    const dir = make("pgdata", {
      PG_VERSION: "17\n",
      "postgresql.conf": "port = 5433\n",
      "postgresql.auto.conf": "primary_conninfo = 'host=x'\n",
      "pg_hba.conf": "local all all trust\n",
      "recovery.signal": "",
    });
    const [s] = (await find([dir], "/")).workspace.servers;
    expect(s && summary(s)).toMatchObject({
      name: dir,
      origin: "data-dir",
      major: 17,
      majorFrom: "PG_VERSION",
      dataDir: dir,
      readable: true,
      standby: false,
      auto: `${dir}/postgresql.auto.conf`,
    });
    expect(s?.dataDir?.recoverySignal).toBe(true);
    expect(s?.dataDir?.real).toBe(true);
  });

  it("a Debian data dir (no postgresql.conf): its postgresql.auto.conf alone", async () => {
    const r = await find(["var/15/main"], root);
    const [s] = r.workspace.servers;
    expect(s?.configFile).toBeNull();
    expect(s?.conf?.settings.map((x) => x.key)).toEqual(["work_mem"]);
  });

  it("rendered output: each node, its host from plan.json, its version from the drop-in", async () => {
    const dir = make("rendered", {
      ".pgrepl-gen-manifest.json": '{"generator":"pgrepl-gen","spec":"s.yaml","files":{}}',
      "plan.json": '{"steps":[{"node":"a","host":"10.0.0.1","run":"a/runbook.sh","args":[]}]}',
      "a/conf.d/pgrepl-gen.conf":
        "# pgrepl-gen drop-in for node `a` (primary), PostgreSQL 13.\nport = 5432\n",
      "a/pg_hba.pgrepl-gen.conf": "host replication r 10.0.0.2/32 scram-sha-256\n",
      "b/conf.d/pgrepl-gen.conf": "# pgrepl-gen drop-in for node `b` (standby of `a`), PostgreSQL 13.\n",
      "b/postgresql.auto.conf": "primary_conninfo = 'host=10.0.0.1'\nprimary_slot_name = 'b'\n",
      "b/standby.signal": "",
      "README.md": "# x\n",
    });
    const r = await find([dir], "/");
    expect(
      r.workspace.servers.map((s) => [s.name, s.origin, s.major, s.host ?? null, s.dataDir?.standbySignal]),
    ).toEqual([
      ["a", "rendered", 13, "10.0.0.1", false],
      ["b", "rendered", 13, null, true],
    ]);
    expect(r.workspace.servers[1]?.conf?.effective.get("primary_slot_name")?.value).toBe("b");
  });

  it("specs: YAML and JSON with nodes and replication; other YAML and JSON are skipped", async () => {
    const dir = make("specs", {
      "a.yaml": "version: 1\nreplication: {}\nnodes: []\n",
      "b.json": '{"replication": {}, "nodes": []}',
      "broken.yml": "replication:\n  user: x\nnodes: [\n",
      "ci.yaml": "jobs: {}\n",
      "package.json": '{"name": "x"}',
    });
    const r = await find(["."], dir);
    expect(r.workspace.specs.map((s) => s.file.slice(dir.length + 1)).sort()).toEqual([
      "a.yaml",
      "b.json",
      "broken.yml",
    ]);
    expect(r.workspace.specs.every((s) => s.topology === null && s.problems.length > 0)).toBe(true);
  });

  it("single files: each kind, and files lint does not read", async () => {
    const dir = make("files/etc/postgresql/14/main", {
      "postgresql.conf": "port = 5432\n",
      "conf.d/10.conf": "work_mem = 1MB\n",
      "pg_hba.conf": "local all all peer\n",
      "recovery.conf": "standby_mode = on\n",
      "pg_ident.conf": "",
      "start.conf": "auto\n",
      "standby.signal": "",
    });
    const names = [
      "postgresql.conf",
      "conf.d/10.conf",
      "pg_hba.conf",
      "recovery.conf",
      "pg_ident.conf",
      "start.conf",
      "standby.signal",
    ];
    const r = await find(names, dir);
    expect(r.pathErrors).toEqual([]);
    expect(
      r.workspace.servers.map((s) => [
        s.name.slice(dir.length + 1),
        s.origin,
        s.major,
        !!s.conf,
        !!s.hba,
        s.dataDir?.recoveryConf ?? null,
      ]),
    ).toEqual([
      ["postgresql.conf", "file", 14, true, false, null],
      ["conf.d/10.conf", "file", 14, true, false, null],
      ["pg_hba.conf", "file", 14, false, true, null],
      ["recovery.conf", "file", 14, false, false, true],
    ]);
  });

  it("--postgres when nothing says; a PATH that does not exist", async () => {
    const dir = make("plain", { "postgresql.conf": "" });
    const r = await find(["postgresql.conf", "missing"], dir, 16);
    expect(r.workspace.servers.map((s) => [s.major, s.majorFrom])).toEqual([[16, "--postgres"]]);
    expect(r.pathErrors).toEqual(["missing: no such file or directory"]);
  });
});

describe("YAML/JSON files: specs are told apart once the walk is over", () => {
  const spec =
    "version: 1\ncluster: { postgres: 15, layout: pg_ctl }\nreplication: { user: r, password: { env: P } }\nnodes:\n  - { name: a, role: primary, host: 10.0.0.1 }\n  - { name: b, role: standby, host: 10.0.0.2 }\n";
  // holds both words, but not as top-level keys: not a spec
  const lookalike = "docs:\n  nodes: the replication nodes\n  replication: streaming\n";

  it("a directory of look-alikes only is `nothing to lint here`; one with a spec is not; order kept", async () => {
    const only = make("yaml-lookalike", {
      "a.yaml": lookalike,
      "b.json": '{"x": {"nodes": 1, "replication": 2}}',
    });
    const mixed = make("yaml-mixed", { "a.yaml": lookalike, "topology.yaml": spec });
    const none = make("yaml-none", { "notes.yaml": "just: text\n" });
    const r = await find([only, mixed, none, only], tmp);
    expect(r.pathErrors.map((e) => e.replace(`${tmp}/`, ""))).toEqual([
      "yaml-lookalike: nothing to lint here (no postgresql.conf, pg_hba.conf, data directory, rendered output or topology spec)",
      "yaml-none: nothing to lint here (no postgresql.conf, pg_hba.conf, data directory, rendered output or topology spec)",
      "yaml-lookalike: nothing to lint here (no postgresql.conf, pg_hba.conf, data directory, rendered output or topology spec)",
    ]);
    expect(r.workspace.specs.map((s) => s.file)).toEqual([join(mixed, "topology.yaml")]);
    expect(r.workspace.specs[0]?.topology?.nodes.map((n) => n.name)).toEqual(["a", "b"]);
  });

  it("a broken spec is still a spec when both keys sit at its top level", async () => {
    const dir = make("yaml-broken", { "t.yaml": `${spec}  - [unclosed\n` });
    const r = await find([dir], tmp);
    expect(r.pathErrors).toEqual([]);
    expect(r.workspace.specs).toHaveLength(1);
    expect(r.workspace.specs[0]?.problems.length).toBeGreaterThan(0);
  });
});
