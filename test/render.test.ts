import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { placeHbaBlock } from "../src/pg/hba-placement.js";
import { LAYOUTS } from "../src/pg/layouts.js";
import { renderFiles } from "../src/render/render.js";
import { stockFile } from "../src/render/stock.js";
import { renderPartial } from "../src/render/templates.js";
import { checkSpecText } from "../src/spec/load.js";
import { type Topology, upstreamFirstOrder } from "../src/spec/model.js";
import { ROOT } from "./support/cli.js";

const SPECS = join(ROOT, "fixtures", "specs");
const GOLDEN = join(ROOT, "fixtures", "rendered");
const specNames = readdirSync(SPECS).filter((f) => f.endsWith(".yaml"));
const tmp = mkdtempSync(join(tmpdir(), "pgrepl-render-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function load(rel: string): Topology {
  const r = checkSpecText(readFileSync(join(ROOT, rel), "utf8"), rel, join(ROOT, rel));
  if (!r.ok) throw new Error(`${rel} is invalid: ${r.problems.map((p) => p.message).join("; ")}`);
  return r.topology;
}

function need(tool: string): void {
  const r = spawnSync("sh", ["-c", `command -v ${tool}`]);
  if (r.status !== 0) throw new Error(`${tool} is not installed: run scripts/install-test-deps.sh`);
}

async function cli(args: string[], cwd = ROOT) {
  const io = bufferIO({ cwd });
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe("golden trees: each fixture spec renders to the tree kept under fixtures/rendered", () => {
  for (const spec of specNames) {
    it(spec, () => {
      const rel = `fixtures/specs/${spec}`;
      const files = renderFiles(load(rel), rel);
      const dir = join(GOLDEN, spec.replace(/\.yaml$/, ""));
      if (process.env.UPDATE_GOLDEN === "1") {
        rmSync(dir, { recursive: true, force: true });
        for (const f of files) {
          mkdirSync(dirname(join(dir, f.path)), { recursive: true });
          writeFileSync(join(dir, f.path), f.content);
          chmodSync(join(dir, f.path), f.mode);
        }
      }
      const expected = readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
        .sort();
      expect(files.map((f) => f.path).sort()).toEqual(expected);
      for (const f of files) {
        expect(f.content, f.path).toBe(readFileSync(join(dir, f.path), "utf8"));
        expect((statSync(join(dir, f.path)).mode & 0o111) !== 0, `${f.path} executable`).toBe(
          (f.mode & 0o111) !== 0,
        );
        expect(f.content, f.path).not.toMatch(/undefined|\[object Object\]|NaN/);
      }
    });
  }
});

describe("rendered runbooks", () => {
  it("pass bash -n and shellcheck for every fixture spec", () => {
    need("shellcheck");
    for (const spec of specNames) {
      const rel = `fixtures/specs/${spec}`;
      const out = join(tmp, `sc-${spec}`);
      for (const f of renderFiles(load(rel), rel).filter((x) => x.path.endsWith("runbook.sh"))) {
        const p = join(out, f.path);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, f.content, { mode: 0o755 });
        const syntax = spawnSync("bash", ["-n", p], { encoding: "utf8" });
        expect(syntax.status, `${spec} ${f.path}: ${syntax.stderr}`).toBe(0);
        const sc = spawnSync("shellcheck", ["--severity=style", p], { encoding: "utf8" });
        expect(sc.status, `${spec} ${f.path}:\n${sc.stdout}`).toBe(0);
      }
    }
  });

  it("--help prints the header without running anything", () => {
    const rel = "fixtures/specs/seed.yaml";
    const f = renderFiles(load(rel), rel).find((x) => x.path === "replica/runbook.sh");
    const p = join(tmp, "help-runbook.sh");
    writeFileSync(p, f?.content ?? "", { mode: 0o755 });
    const r = spawnSync("bash", [p, "--help"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("--phase standby");
    expect(r.stdout).not.toContain("set -Eeuo");
  });
});

describe("patches apply with patch -p1 to the files they were made against", () => {
  for (const spec of specNames) {
    it(spec, () => {
      need("patch");
      const rel = `fixtures/specs/${spec}`;
      const t = load(rel);
      const files = new Map(renderFiles(t, rel).map((f) => [f.path, f.content]));
      const configs = new Map<string, string>();
      for (const n of upstreamFirstOrder(t)) {
        const dir = join(tmp, `patch-${spec}-${n.name}`);
        const inherit = LAYOUTS[t.layout].configInDataDir && n.upstream ? configs.get(n.upstream) : undefined;
        if (inherit) cpSync(inherit, dir, { recursive: true });
        else {
          mkdirSync(dir, { recursive: true });
          const base = (file: "postgresql.conf" | "pg_hba.conf", own: string | undefined) =>
            own ? readFileSync(own, "utf8") : stockFile(t.postgres, t.layout, file, n);
          writeFileSync(join(dir, "postgresql.conf"), base("postgresql.conf", n.base.postgresqlConf));
          writeFileSync(join(dir, "pg_hba.conf"), base("pg_hba.conf", n.base.pgHbaConf));
        }
        for (const p of ["postgresql.conf.patch", "pg_hba.conf.patch"]) {
          const r = spawnSync("patch", ["-p1", "--batch", "--forward", "--no-backup-if-mismatch", "-F0"], {
            cwd: dir,
            input: files.get(`${n.name}/${p}`),
            encoding: "utf8",
          });
          expect(r.status, `${n.name}/${p}: ${r.stdout}${r.stderr}`).toBe(0);
        }
        expect(readFileSync(join(dir, "conf.d/pgrepl-gen.conf"), "utf8")).toBe(
          files.get(`${n.name}/conf.d/pgrepl-gen.conf`),
        );
        expect(readFileSync(join(dir, "postgresql.conf"), "utf8")).toMatch(/^include_dir = 'conf\.d'/m);
        expect(readFileSync(join(dir, "pg_hba.conf"), "utf8")).toContain(
          files.get(`${n.name}/pg_hba.pgrepl-gen.conf`),
        );
        expect(files.get(`${n.name}/postgresql.conf.patch`)).toMatch(
          /^pgrepl-gen \S+: postgresql\.conf\.patch for node `\w+`, made against /,
        );
        configs.set(n.name, dir);
      }
    });
  }
});

describe("the runbook's awk places the hba block exactly as render's patch does", () => {
  const block = "# BEGIN pgrepl-gen: test\nhost replication r 10.0.0.2/32 scram-sha-256\n# END pgrepl-gen\n";
  const newBlock =
    "# BEGIN pgrepl-gen: test v2\nhostssl replication r 10.0.0.3/32 scram-sha-256\n# END pgrepl-gen\n";
  const corpus: Record<string, string> = {
    empty: "",
    "no trailing newline": "local all all peer",
    "comments only": "# nothing\n\n# here\n",
    "replication line":
      "local all all peer\nhost all all 0.0.0.0/0 scram-sha-256\nhost replication all 0.0.0.0/0 md5\n",
    "indented, tabs": "\t host\treplication,postgres\tall\t10.0.0.0/8\ttrust\n",
    "quoted keyword does not match":
      'host "replication" all 10.0.0.0/8 md5\nhostssl all,replication all 10.0.0.0/8 md5\n',
    "@file": "host @dbs all 10.0.0.0/8 md5\n",
    include: "local all all peer\ninclude_dir 'hba.d'\nhost replication all ::1/128 md5\n",
    "commented replication": "# host replication all 0.0.0.0/0 trust\nlocal replication all peer\n",
    "existing block": `local all all peer\n${block}host replication all 127.0.0.1/32 md5\n`,
  };
  for (const major of [12, 15, 16, 18]) {
    for (const layout of ["pg_ctl", "debian"] as const) {
      corpus[`stock ${major} ${layout}`] = readFileSync(
        join(ROOT, "src/pg/stock", String(major), layout, "pg_hba.conf"),
        "utf8",
      );
    }
  }
  const blockFile = join(tmp, "block.conf");
  for (const [name, text] of Object.entries(corpus)) {
    it(name, () => {
      const input = join(tmp, `hba-${name.replace(/\W+/g, "_")}`);
      writeFileSync(input, text);
      const replacing = text.includes("# BEGIN pgrepl-gen");
      const use = replacing ? newBlock : block;
      writeFileSync(blockFile, use);
      const prog = renderPartial(replacing ? "hba-replace-awk" : "hba-insert-awk");
      const r = spawnSync("awk", ["-v", `blockfile=${blockFile}`, prog, input], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(placeHbaBlock(text, use));
      expect(r.stdout).toContain(use);
    });
  }
});

describe("what render decides", () => {
  it("sizes the standby-minimum parameters from the whole upstream chain", () => {
    const spec = readFileSync(join(SPECS, "cascading.yaml"), "utf8").replace(
      "  - name: east\n    role: primary\n    host: 172.16.0.10\n",
      "  - name: east\n    role: primary\n    host: 172.16.0.10\n    settings:\n      max_connections: 300\n      max_locks_per_transaction: 128\n",
    );
    const r = checkSpecText(spec, "c.yaml");
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const files = new Map(renderFiles(r.topology, "c.yaml").map((f) => [f.path, f.content]));
    for (const n of ["east_replica", "west"]) {
      const dropIn = files.get(`${n}/conf.d/pgrepl-gen.conf`) ?? "";
      expect(dropIn).toMatch(/^max_connections = 300\b/m);
      expect(dropIn).toMatch(/^max_locks_per_transaction = 128\b/m);
    }
  });

  it("takes the standby minimums from the base postgresql.conf the primary already has", () => {
    const files = new Map(
      renderFiles(load("fixtures/specs/base-configs.yaml"), "b.yaml").map((f) => [f.path, f.content]),
    );
    expect(files.get("pg2/conf.d/pgrepl-gen.conf")).toMatch(/^max_connections = 400\b/m);
    expect(files.get("pg1/postgresql.conf.patch")).toContain(
      "made against the node's base files (base/pg1-postgresql.conf, base/pg1-pg_hba.conf",
    );
  });

  it("admits replication from every other node (failover-ready), or only from downstreams when turned off", () => {
    const t = load("fixtures/specs/quorum.yaml");
    const files = new Map(renderFiles(t, "q.yaml").map((f) => [f.path, f.content]));
    for (const n of t.nodes) {
      const block = files.get(`${n.name}/pg_hba.pgrepl-gen.conf`) ?? "";
      for (const other of t.nodes.filter((o) => o !== n)) {
        expect(block, `${n.name} admits ${other.name}`).toMatch(
          new RegExp(`^hostssl\\s+replication\\s+replicator\\s+${other.host.replace(/\./g, "\\.")}\\s`, "m"),
        );
      }
    }
    const off = new Map(
      renderFiles(load("fixtures/specs/base-configs.yaml"), "b.yaml").map((f) => [f.path, f.content]),
    );
    expect(off.get("pg1/pg_hba.pgrepl-gen.conf")).toContain("10.20.0.2/32");
    expect(off.get("pg2/pg_hba.pgrepl-gen.conf")).not.toMatch(/^host/m);
  });

  it("nodes on one host share one pg_hba line naming them all; other nodes keep a line each", () => {
    const spec = `version: 1
cluster: { postgres: 16, layout: pg_ctl }
replication: { user: repl, password: { env: PW } }
nodes:
  - { name: p, role: primary, host: 10.9.0.1 }
  - { name: a, role: standby, host: 10.9.0.2, port: 5432 }
  - { name: b, role: standby, host: 10.9.0.2, port: 5433 }
  - { name: c, role: standby, host: 10.9.0.3 }
`;
    const r = checkSpecText(spec, "s.yaml", join(tmp, "s.yaml"));
    if (!r.ok) throw new Error(r.problems.map((p) => p.message).join("; "));
    const files = new Map(renderFiles(r.topology, "s.yaml").map((f) => [f.path, f.content]));
    const lines = (node: string) =>
      (files.get(`${node}/pg_hba.pgrepl-gen.conf`) ?? "")
        .split("\n")
        .filter((l) => l.startsWith("host"))
        .map((l) => l.replace(/\s+/g, " "));
    expect(lines("p")).toEqual([
      "host replication repl 10.9.0.2/32 scram-sha-256 # a, b",
      "host replication repl 10.9.0.3/32 scram-sha-256 # c",
    ]);
    expect(lines("a")).toEqual([
      "host replication repl 10.9.0.1/32 scram-sha-256 # p",
      "host replication repl 10.9.0.2/32 scram-sha-256 # b",
      "host replication repl 10.9.0.3/32 scram-sha-256 # c",
    ]);
    // every host its own: each other node once, in the spec's order
    const own = checkSpecText(
      spec.replace("10.9.0.2, port: 5433", "10.9.0.4"),
      "s.yaml",
      join(tmp, "s.yaml"),
    );
    if (!own.ok) throw new Error(own.problems.map((p) => p.message).join("; "));
    const ownFiles = new Map(renderFiles(own.topology, "s.yaml").map((f) => [f.path, f.content]));
    for (const [n, peers] of [
      ["p", "a b c"],
      ["b", "p a c"],
    ]) {
      const got = (ownFiles.get(`${n}/pg_hba.pgrepl-gen.conf`) ?? "")
        .split("\n")
        .filter((l) => l.startsWith("host"))
        .map((l) => l.split("# ")[1]);
      expect(got.join(" "), n).toBe(peers);
    }
  });
  it("archive fallback: archive_command on every node (it archives once promoted), restore_command on standbys", () => {
    const files = new Map(
      renderFiles(load("fixtures/specs/pg12.yaml"), "p.yaml").map((f) => [f.path, f.content]),
    );
    expect(files.get("old_primary/conf.d/pgrepl-gen.conf")).toMatch(/^archive_mode = on/m);
    expect(files.get("old_primary/conf.d/pgrepl-gen.conf")).not.toMatch(/^restore_command/m);
    expect(files.get("old_standby/conf.d/pgrepl-gen.conf")).toContain(
      "restore_command = 'cp /mnt/wal/%f %p'",
    );
    expect(files.get("old_standby/conf.d/pgrepl-gen.conf")).not.toMatch(/^max_slot_wal_keep_size/m);
  });

  it("uses the spec's own values for managed parameters it sets, case-insensitively", () => {
    const spec = readFileSync(join(SPECS, "cascading.yaml"), "utf8").replace(
      "nodes:",
      "settings:\n  wal_level: logical\n  hot_standby: off\n  max_replication_slots: 30\n  Max_Connections: 500\nnodes:",
    );
    const r = checkSpecText(spec, "c.yaml");
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const files = new Map(renderFiles(r.topology, "c.yaml").map((f) => [f.path, f.content]));
    for (const n of ["east", "east_replica", "west"]) {
      const dropIn = files.get(`${n}/conf.d/pgrepl-gen.conf`) ?? "";
      expect(dropIn).toMatch(/^wal_level = logical$/m);
      expect(dropIn).toMatch(/^max_replication_slots = 30\b/m);
      expect(dropIn).toContain(
        "# pgrepl-gen: disable=hot-standby-off -- the spec sets hot_standby: off\nhot_standby = off",
      );
      expect(dropIn.match(/^max_connections = /gm)?.length ?? 0).toBeLessThanOrEqual(1);
      expect(dropIn).not.toMatch(/^Max_Connections/m);
    }
    expect(files.get("west/conf.d/pgrepl-gen.conf")).toMatch(/^max_connections = 500\b/m);
  });

  it("quotes synchronous standby names and uses FIRST/ANY", () => {
    const q = renderFiles(load("fixtures/specs/quorum.yaml"), "q.yaml").find(
      (f) => f.path === "db1/conf.d/pgrepl-gen.conf",
    );
    expect(q?.content).toContain(`synchronous_standby_names = 'ANY 2 ("db2", "db3", "db4")'`);
    expect(q?.content).toMatch(/^synchronous_commit = remote_write/m);
  });

  it("uses hostssl and sslrootcert for verify-full with client certificates", () => {
    const files = new Map(
      renderFiles(load("fixtures/specs/tls.yaml"), "t.yaml").map((f) => [f.path, f.content]),
    );
    expect(files.get("alpha/pg_hba.pgrepl-gen.conf")).toMatch(
      /^hostssl\s+replication\s+replicator\s+beta\.db\.internal\s+cert/m,
    );
    expect(files.get("beta/postgresql.auto.conf")).toContain(
      "sslmode=verify-full sslrootcert=/etc/postgresql-tls/root.crt",
    );
    expect(files.get("alpha/conf.d/pgrepl-gen.conf")).toMatch(/^ssl = on/m);
  });

  it("writes a suppression with the spec's reason where the spec chose what a rule warns about", () => {
    const files = new Map(
      renderFiles(load("fixtures/specs/sync-async.yaml"), "s.yaml").map((f) => [f.path, f.content]),
    );
    expect(files.get("pg1/conf.d/pgrepl-gen.conf")).toContain(
      "# pgrepl-gen: disable=sync-single-candidate -- the spec lists one synchronous standby\nsynchronous_standby_names",
    );
    expect(files.get("pg1/pg_hba.pgrepl-gen.conf")).toContain(
      "# pgrepl-gen: disable=replication-unencrypted -- the spec sets sslmode: prefer",
    );
    expect(files.get("README.md")).toContain(
      "| `sync-single-candidate` | the spec lists one synchronous standby |",
    );
  });
});

describe("render bookkeeping: manifest, refusal, --force, --prune, --check", () => {
  const spec = join(tmp, "book.yaml");
  const out = join(tmp, "book-out");
  writeFileSync(spec, readFileSync(join(SPECS, "sync-async.yaml"), "utf8"));

  it("writes, then finds everything unchanged", async () => {
    expect((await cli(["render", spec, "--out", out])).code).toBe(0);
    expect(existsSync(join(out, ".pgrepl-gen-manifest.json"))).toBe(true);
    expect(statSync(join(out, "pg1/runbook.sh")).mode & 0o777).toBe(0o755);
    const again = await cli(["render", spec, "--out", out]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/: 0 written, \d+ unchanged/);
    expect((await cli(["render", spec, "--out", out, "--check"])).code).toBe(0);
  });

  it("refuses to overwrite an edited file, writes nothing, and --force overwrites", async () => {
    const f = join(out, "pg2/conf.d/pgrepl-gen.conf");
    writeFileSync(f, `${readFileSync(f, "utf8")}work_mem = 64MB\n`);
    const edited = readFileSync(f, "utf8");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("host: 10.0.0.13", "host: 10.0.0.23"));
    const r = await cli(["render", spec, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("pg2/conf.d/pgrepl-gen.conf: edited since pgrepl-gen wrote it");
    expect(readFileSync(f, "utf8")).toBe(edited);
    expect(readFileSync(join(out, "pg1/pg_hba.pgrepl-gen.conf"), "utf8")).toContain("10.0.0.13/32");
    const check = await cli(["render", spec, "--out", out, "--check"]);
    expect(check.code).toBe(1);
    expect(check.out).toContain("+host     replication     replicator      10.0.0.23/32");
    expect(check.out).toContain("-work_mem = 64MB");
    expect((await cli(["render", spec, "--out", out, "--force"])).code).toBe(0);
    expect(readFileSync(f, "utf8")).not.toContain("work_mem");
  });

  it("refuses to overwrite a file it did not write", async () => {
    const other = join(tmp, "foreign-out");
    mkdirSync(join(other, "pg1"), { recursive: true });
    writeFileSync(join(other, "pg1/runbook.sh"), "#!/bin/sh\necho mine\n");
    const r = await cli(["render", spec, "--out", other]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("pg1/runbook.sh: not written by pgrepl-gen");
    expect(readFileSync(join(other, "pg1/runbook.sh"), "utf8")).toBe("#!/bin/sh\necho mine\n");
    expect(existsSync(join(other, "plan.json"))).toBe(false);
  });

  it("keeps files of a removed node unless --prune, and then removes only those", async () => {
    const text = readFileSync(spec, "utf8");
    writeFileSync(spec, text.slice(0, text.indexOf("  - name: pg3")));
    const keep = await cli(["render", spec, "--out", out]);
    expect(keep.code).toBe(0);
    expect(keep.out).toContain("of nodes no longer in the spec (--prune removes them)");
    expect(existsSync(join(out, "pg3/runbook.sh"))).toBe(true);
    const check = await cli(["render", spec, "--out", out, "--check"]);
    expect(check.code).toBe(1);
    expect(check.out).toContain("pg3/runbook.sh: no longer rendered");
    const prune = await cli(["render", spec, "--out", out, "--prune"]);
    expect(prune.code).toBe(0);
    expect(existsSync(join(out, "pg3"))).toBe(false);
    expect(existsSync(join(out, "pg2/runbook.sh"))).toBe(true);
    expect((await cli(["render", spec, "--out", out, "--check"])).code).toBe(0);
  });

  it("an invalid spec writes nothing and exits 1", async () => {
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, readFileSync(join(SPECS, "invalid/unknown-upstream.yaml"), "utf8"));
    const r = await cli(["render", bad, "--out", join(tmp, "never")]);
    expect(r.code).toBe(1);
    expect(existsSync(join(tmp, "never"))).toBe(false);
  });
});
