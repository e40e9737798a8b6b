/**
 * `-` as a PATH or SPEC, and FIFOs named on the command line, through the built CLI with a real
 * pipe on its standard input (as `cat x | pgrepl-gen lint -` and `git show :x | …` give it):
 * `lint -` and `validate -` judge what they read (they used to exit 0 having read nothing), what
 * `-` is follows from --stdin-filename or from the content, findings carry that name, and a
 * FIFO (`/dev/stdin`, `<(…)`, mkfifo) is read to its end instead of being refused.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, ROOT, runBin, STACK_TRACE } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-stdin-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SEED = readFileSync(join(ROOT, "fixtures/specs/seed.yaml"), "utf8");
const TUTORIAL_HBA = "host replication repl_user 192.168.1.5/24 md5\n";

/** `FILE:LINE:COL rule` of each finding of a JSON run */
function located(stdout: string): string[] {
  return (JSON.parse(stdout) as Array<{ file: string; line: number; column: number; rule: string }>).map(
    (f) => `${f.file}:${f.line}:${f.column} ${f.rule}`,
  );
}

describe("lint -", () => {
  it("a pg_hba.conf piped in is recognised by its content and judged; findings are named <stdin>", () => {
    const r = runBin(["lint", "--no-fs", "--format", "json", "-"], { input: TUTORIAL_HBA, cwd: tmp });
    expect(r.code, r.stderr).toBe(1);
    expect(located(r.stdout)).toEqual(
      expect.arrayContaining(["<stdin>:1:28 hba-cidr-host-bits", "<stdin>:1:43 hba-weak-auth"]),
    );
  });

  it("--stdin-filename names it and says what it is; a postgresql.conf line is judged as one", () => {
    const r = runBin(
      ["lint", "--no-fs", "-f", "json", "--stdin-filename", "main/conf.d/10-memory.conf", "-"],
      {
        input: "work_mem = 8Mb\n",
        cwd: tmp,
      },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(located(r.stdout)).toEqual(["main/conf.d/10-memory.conf:1:12 conf-invalid-value"]);
    // the same text named a pg_hba.conf is judged as one (a record pg_hba.conf rejects)
    const hba = runBin(["lint", "--no-fs", "-f", "json", "--stdin-filename", "pg_hba.conf", "-"], {
      input: "work_mem = 8Mb\n",
      cwd: tmp,
    });
    expect(located(hba.stdout)).toEqual(["pg_hba.conf:1:1 hba-syntax"]);
    // a version in the name's path is the version, as for a file
    const v = runBin(
      ["lint", "--no-fs", "-f", "json", "--stdin-filename", "etc/postgresql/16/main/postgresql.conf", "-"],
      {
        input: "wal_keep_segments = 64\n",
        cwd: tmp,
      },
    );
    expect(located(v.stdout)).toEqual(["etc/postgresql/16/main/postgresql.conf:1:1 conf-removed-parameter"]);
  });

  it("a spec piped in is linted as a spec: an invalid one fails, the seed passes", () => {
    const bad = runBin(["lint", "--no-fs", "-f", "json", "-"], {
      input: SEED.replace("role: standby", "role: stanby"),
      cwd: tmp,
    });
    expect(bad.code, bad.stderr).toBe(1);
    expect(located(bad.stdout).some((l) => /^<stdin>:\d+:\d+ spec-invalid$/.test(l))).toBe(true);
    const good = runBin(["lint", "--no-fs", "-f", "json", "-"], { input: SEED, cwd: tmp });
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(located(good.stdout)).toEqual(["<stdin>:4:13 topology-eol-version"]);
  });

  it("with other PATHs; `-` twice is a usage error; a binary stream is refused with its position", () => {
    cpSync(join(ROOT, "fixtures/lint/err/hba"), join(tmp, "tree"), { recursive: true });
    const r = runBin(["lint", "--no-fs", "-f", "json", "tree", "-"], { input: "work_mem = 8Mb\n", cwd: tmp });
    const files = new Set(located(r.stdout).map((l) => l.split(":")[0] ?? ""));
    expect(files.has("<stdin>")).toBe(true);
    expect([...files].some((f) => f.startsWith("tree/"))).toBe(true);
    const twice = runBin(["lint", "-", "-"], { input: "", cwd: tmp });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe("pgrepl-gen: `-` (standard input) can be given only once\n");
    const binary = runBin(["lint", "-"], { input: "port = 5432\nab\u0000cd\n", cwd: tmp });
    expect(binary.code).toBe(2);
    expect(binary.stderr).toMatch(/^pgrepl-gen: <stdin>:2:3: is not a text file/m);
    expect(binary.stderr).not.toMatch(STACK_TRACE);
  });
});

describe("validate - and render -", () => {
  it("validate - judges the spec it reads: problems at their positions under <stdin> or --stdin-filename", () => {
    const bad = runBin(["validate", "-"], { input: SEED.replace("port: 5432", "port: 99999"), cwd: tmp });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^<stdin>:\d+:11: nodes\[0\]\.port: /m);
    const named = runBin(["validate", "--stdin-filename", "topology.yaml", "-"], {
      input: "nodes: [\n",
      cwd: tmp,
    });
    expect(named.code).toBe(1);
    expect(named.stdout).toMatch(/^topology\.yaml:\d+:\d+: /);
    const empty = runBin(["validate", "-"], { input: "", cwd: tmp });
    expect(empty.code).toBe(1);
    expect(empty.stdout).not.toBe("");
    const good = runBin(["validate", "-"], { input: SEED, cwd: tmp });
    expect([good.code, good.stdout, good.stderr]).toEqual([0, "", ""]);
  });

  it("render - reads the spec from standard input; relative base paths resolve from the current directory", () => {
    const work = join(tmp, "render");
    cpSync(join(ROOT, "fixtures/specs/base"), join(work, "base"), { recursive: true });
    const spec = readFileSync(join(ROOT, "fixtures/specs/base-configs.yaml"), "utf8");
    const r = runBin(["render", "-", "--out", "out"], { input: spec, cwd: work });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(work, "out/pg1/runbook.sh"), "utf8")).toContain("Rendered from <stdin>");
    // named as the file it came from, it renders what the file renders (against the same base files)
    cpSync(join(ROOT, "fixtures/specs/base-configs.yaml"), join(work, "topology.yaml"));
    const f = runBin(["render", "topology.yaml", "--out", "out2"], { cwd: work });
    expect(f.code, f.stderr).toBe(0);
    const named = runBin(["render", "-", "--stdin-filename", "topology.yaml", "--out", "out2", "--check"], {
      input: spec,
      cwd: work,
    });
    expect(named.code, named.stdout + named.stderr).toBe(0);
    expect(readFileSync(join(work, "out2/pg1/postgresql.conf.patch"), "utf8")).toContain(
      "pg1-postgresql.conf",
    );
    // from another directory, the base files are not there: said at the key's position
    const elsewhere = runBin(["render", "-", "--out", "out3"], { input: spec, cwd: tmp });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toMatch(
      /^<stdin>:16:24: nodes\[0\]\.base\.postgresql_conf: no such file or directory$/m,
    );
    // --check reads it too
    const check = runBin(["render", "-", "--out", "out", "--check"], { input: spec, cwd: work });
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});

describe("FIFOs named on the command line are read, not refused", () => {
  const sh = (script: string, input = "") =>
    // --norc: bash reads ~/.bashrc when its standard input is a socket (what spawnSync gives)
    spawnSync("bash", ["--norc", "--noprofile", "-c", script], {
      cwd: tmp,
      encoding: "utf8",
      input,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", BIN, NODE: process.execPath },
    });

  it("/dev/stdin, a process substitution, and a named FIFO whose writer comes later", () => {
    // a shell pipe, as `cat spec | …` gives it (spawnSync's own stdin is a socket, which /dev/stdin cannot open)
    const devStdin = sh(
      `cat | "$NODE" "$BIN" validate /dev/stdin`,
      SEED.replace("role: standby", "role: stanby"),
    );
    expect(devStdin.status, devStdin.stderr).toBe(1);
    expect(devStdin.stdout).toMatch(/^\/dev\/stdin:\d+:\d+: /m);
    expect(sh(`cat | "$NODE" "$BIN" validate /dev/stdin`, SEED).status).toBe(0);
    const dash = sh(`cat | "$NODE" "$BIN" lint --no-fs -f json -`, TUTORIAL_HBA);
    expect(located(dash.stdout)).toEqual(expect.arrayContaining(["<stdin>:1:28 hba-cidr-host-bits"]));
    const sub = sh(`"$NODE" "$BIN" lint --no-fs -f json <(printf '${TUTORIAL_HBA.trim()}\\n')`);
    expect(sub.status, sub.stderr).toBe(1);
    expect(located(sub.stdout).map((l) => l.replace(/^\/dev\/fd\/\d+/, "FD"))).toEqual(
      expect.arrayContaining(["FD:1:28 hba-cidr-host-bits"]),
    );
    // the reader opens first and waits for the writer, as `cat FIFO` does
    const fifo = sh(
      `rm -f pg_hba.conf.fifo; mkfifo pg_hba.conf.fifo; (sleep 0.3; printf '${TUTORIAL_HBA.trim()}\\n' > pg_hba.conf.fifo) & "$NODE" "$BIN" lint --no-fs -f json pg_hba.conf.fifo; rc=$?; wait; rm -f pg_hba.conf.fifo; exit $rc`,
    );
    expect(fifo.status, fifo.stderr).toBe(1);
    expect(located(fifo.stdout)).toEqual(
      expect.arrayContaining(["pg_hba.conf.fifo:1:28 hba-cidr-host-bits"]),
    );
  });
});
