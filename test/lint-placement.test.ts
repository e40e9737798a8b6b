/**
 * How lint places a standby on its upstream when listen_addresses says nothing (`*`): by the
 * database system identifier of global/pg_control, by `servers:` in .pgrepl-gen.yaml, by a
 * topology spec linted with the trees, in that documented order after host and port; and the
 * note when it cannot (src/lint/topology.ts, src/lint/place.ts; docs/rules/README.md).
 * The pg_control files are real: written by initdb and pg_basebackup 15 (the golden case
 * fixtures/lint/err/field-tutorial-pg-control holds them).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EMPTY_CONFIG } from "../src/lint/config.js";
import { discover } from "../src/lint/discover.js";
import { identify } from "../src/lint/place.js";
import { nodesOf } from "../src/lint/topology.js";
import { ROOT } from "./support/cli.js";
import { lintJson, runLint, where, writeTree } from "./support/lint.js";

const CONTROL = join(ROOT, "fixtures", "lint", "err", "field-tutorial-pg-control");
const PRIMARY_CONTROL = join(CONTROL, "source", "var", "lib", "pgsql", "15", "data", "global", "pg_control");
const STANDBY_CONTROL = join(CONTROL, "replica", "var", "lib", "pgsql", "15", "data", "global", "pg_control");

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-lint-placement-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function tree(files: Record<string, string>, controls: Record<string, string> = {}): string {
  const dir = join(tmp, `t${n++}`);
  writeTree(
    dir,
    Object.entries(files).map(([name, text]) => ({ name, text })),
  );
  for (const [d, from] of Object.entries(controls)) {
    mkdirSync(join(dir, d, "global"), { recursive: true });
    copyFileSync(from, join(dir, d, "global", "pg_control"));
  }
  return dir;
}

const primary = (d: string, extra = "") => ({
  [`${d}/PG_VERSION`]: "15\n",
  [`${d}/postgresql.conf`]: `listen_addresses = '*'\nwal_log_hints = on\n${extra}`,
});
const standby = (d: string, host: string, app: string, extra = "") => ({
  [`${d}/PG_VERSION`]: "15\n",
  [`${d}/postgresql.conf`]: `listen_addresses = '*'\nwal_log_hints = on\n${extra}`,
  [`${d}/postgresql.auto.conf`]: `primary_conninfo = 'host=${host} port=5432 user=repl application_name=${app} sslmode=verify-full'\nprimary_slot_name = '${app}'\n`,
  [`${d}/standby.signal`]: "",
});

/** `standby → upstream (how)` for every standby under dir. */
async function placement(dir: string): Promise<Record<string, string>> {
  const found = await discover(["."], { cwd: dir, fs: false, postgres: 15, postgresFrom: "--postgres" });
  identify(found.workspace, EMPTY_CONFIG, ".pgrepl-gen.yaml");
  const out: Record<string, string> = {};
  const rel = (s: string) => (s.startsWith(`${dir}/`) ? s.slice(dir.length + 1) : s);
  for (const node of nodesOf(found.workspace.servers)) {
    if (!node.standby) continue;
    out[rel(node.server.name)] = node.upstream
      ? `${rel(node.upstream.server.name)} (${node.placedBy})`
      : `- (${node.unplaced})`;
  }
  return out;
}

describe("the database system identifier of global/pg_control", () => {
  it("places a standby on the one data directory it shares its identifier with", async () => {
    const dir = tree(
      { ...primary("p"), ...primary("other"), ...standby("s", "10.0.0.1", "s") },
      { p: PRIMARY_CONTROL, s: STANDBY_CONTROL },
    );
    expect(await placement(dir)).toEqual({ s: "p (system identifier)" });
  });

  it("of several standbys of one primary, the one not in recovery is the upstream", async () => {
    const dir = tree(
      { ...primary("p"), ...standby("s1", "10.0.0.1", "s1"), ...standby("s2", "10.0.0.1", "s2") },
      { p: PRIMARY_CONTROL, s1: STANDBY_CONTROL, s2: STANDBY_CONTROL },
    );
    expect(await placement(dir)).toEqual({ s1: "p (system identifier)", s2: "p (system identifier)" });
  });

  it("host and port come first: a cascaded standby names its upstream's address", async () => {
    const dir = tree(
      {
        ...primary("p"),
        ...standby("s1", "10.0.0.1", "s1"),
        "s1/postgresql.conf": "listen_addresses = 'localhost, 10.0.0.2'\nwal_log_hints = on\n",
        ...standby("s2", "10.0.0.2", "s2"),
      },
      { p: PRIMARY_CONTROL, s1: STANDBY_CONTROL, s2: STANDBY_CONTROL },
    );
    expect(await placement(dir)).toEqual({ s1: "p (system identifier)", s2: "s1 (address)" });
  });

  it("a server known to be reached elsewhere is not the upstream; without pg_control, nothing places", async () => {
    const dir = tree(
      {
        ...primary("p"),
        "p/postgresql.conf": "listen_addresses = '10.0.0.9'\nwal_log_hints = on\n",
        ...standby("s", "10.0.0.1", "s"),
        ...primary("q"),
        ...standby("t", "10.0.0.1", "t"),
      },
      { p: PRIMARY_CONTROL, s: STANDBY_CONTROL },
    );
    const got = await placement(dir);
    expect(got.s).toMatch(
      /^- \(no linted server is known to be reached at `10\.0\.0\.1` port 5432; the linted data directories with its system identifier are reached at other addresses\)$/,
    );
    expect(got.t).toMatch(/its system identifier is not known \(no global\/pg_control\)\)$/);
  });
});

describe("the three ways give the cross-node rules their topology", () => {
  const files = {
    ...primary("source", "synchronous_standby_names = 'replica2'\n"),
    ...standby("replica", "192.168.1.4", "replica"),
  };
  const unmatched = (r: { findings: Array<{ rule: string }> }) =>
    r.findings.filter((f) => f.rule === "sync-names-unmatched").length;

  it("none of them: not judged, and one note says which standby and why", async () => {
    const dir = tree(files);
    const r = await lintJson(["--no-fs", "."], dir);
    expect(unmatched(r)).toBe(0);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(
      /^pgrepl-gen: note: the upstream of standby replica is not among the linted servers/,
    );
  });

  it("pg_control", async () => {
    const dir = tree(files, { source: PRIMARY_CONTROL, replica: STANDBY_CONTROL });
    const r = await lintJson(["--no-fs", "."], dir);
    expect(r.findings.filter((f) => f.rule === "sync-names-unmatched").map(where)).toEqual([
      "sync-names-unmatched@source/postgresql.conf:3:30",
    ]);
    expect(r.err).toBe("");
  });

  it("pg_control places for the rules that read the upstream's pg_hba.conf too", async () => {
    const hba = "local all all peer\nhostssl all all 192.168.1.0/24 scram-sha-256\n";
    const dir = tree(
      { ...files, "source/pg_hba.conf": hba },
      { source: PRIMARY_CONTROL, replica: STANDBY_CONTROL },
    );
    const r = await lintJson(["--no-fs", "."], dir);
    expect(r.findings.filter((f) => f.rule === "hba-missing-replication").map(where)).toEqual([
      "hba-missing-replication@source/pg_hba.conf:-:-",
    ]);
  });

  it("`servers:` in .pgrepl-gen.yaml", async () => {
    const dir = tree({
      ...files,
      ".pgrepl-gen.yaml": "servers:\n  - path: source\n    host: 192.168.1.4\n",
    });
    const r = await lintJson(["--no-fs", "."], dir);
    expect(unmatched(r)).toBe(1);
    expect(r.err).toBe("");
  });

  it("a spec linted with the trees, its nodes matched by name", async () => {
    const spec = `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication: { user: repl, password: { env: PGREPL_PASSWORD } }
nodes:
  - { name: source, role: primary, host: 192.168.1.4, data_directory: /srv/pg/a }
  - { name: replica, role: standby, host: 192.168.1.5, data_directory: /srv/pg/b }
`;
    // cluster_name (what render sets) names the primary; the standby's application_name names it
    const dir = tree({
      ...files,
      "source/postgresql.conf": `${files["source/postgresql.conf"]}cluster_name = 'source'\n`,
      "spec.yaml": spec,
    });
    const r = await lintJson(["--no-fs", "spec.yaml", "source", "replica"], dir);
    expect(unmatched(r)).toBe(1);
    expect(r.err).toBe("");
  });
});

describe("`servers:` in .pgrepl-gen.yaml", () => {
  for (const [yaml, error] of [
    [
      "servers:\n  - path: a\n    host: 10.0.0.1\n    port: 70000\n",
      /:4:11: `port` is a TCP port, 1\.\.65535$/,
    ],
    ["servers:\n  - path: a\n", /:2:5: a `servers` entry needs a `path` and a `host`$/],
    [
      "servers:\n  - path: a\n    host: 10.0.0.1\n    adress: x\n",
      /:4:5: unknown key `adress` in a `servers` entry/,
    ],
    ["servers: db1\n", /:1:10: `servers` is a list of \{path: GLOB, host: HOST, port: N\}$/],
    ["server: []\n", /:1:1: unknown key `server`; did you mean `servers`\?$/],
  ] as const) {
    it(`${yaml.split("\n").at(-2)?.trim()}: exit 2, one line with its position`, async () => {
      const dir = tree({ ".pgrepl-gen.yaml": yaml, "postgresql.conf": "" });
      const r = await runLint(["--no-fs", "."], dir);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err.trim()).toMatch(error);
    });
  }
});
