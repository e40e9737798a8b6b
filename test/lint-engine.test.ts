/** The engine, config file, suppressions, formats and exit codes, in-process. */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EMPTY_CONFIG } from "../src/lint/config.js";
import { discover } from "../src/lint/discover.js";
import { runRules } from "../src/lint/engine.js";
import { globMatches } from "../src/lint/glob.js";
import { RULES } from "../src/lint/registry.js";
import type { Rule } from "../src/lint/rule.js";
import { parseDirectives } from "../src/lint/suppress.js";
import { lintJson, runLint, where, writeTree } from "./support/lint.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-lint-engine-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function tree(files: Record<string, string>): string {
  const dir = join(tmp, `t${++n}`);
  mkdirSync(dir);
  writeTree(
    dir,
    Object.entries(files).map(([name, text]) => ({ name, text })),
  );
  return dir;
}

describe("globs of the ignore list", () => {
  const cases: Array<[string, string, boolean]> = [
    ["legacy/**", "legacy/a/postgresql.conf", true],
    ["legacy/**", "conf/legacy/postgresql.conf", false],
    ["legacy/", "legacy/x.conf", true],
    ["*.conf", "a/b/c.conf", true],
    ["conf.d/*.conf", "conf.d/10-x.conf", true],
    ["conf.d/*.conf", "conf.d/sub/x.conf", false],
    ["**/vendor/*.conf", "conf/vendor/postgresql.conf", true],
    ["**/vendor/*.conf", "vendor/postgresql.conf", true],
    ["pg_hba.{conf,conf.orig}", "x/pg_hba.conf.orig", true],
    ["/etc/postgresql/**", "/etc/postgresql/15/main/pg_hba.conf", true],
    ["p?stgresql.conf", "postgresql.conf", true],
    ["main.conf", "main_conf", false],
  ];
  for (const [glob, path, expected] of cases) {
    it(`${glob} ${expected ? "matches" : "does not match"} ${path}`, () => {
      expect(globMatches(glob, path)).toBe(expected);
    });
  }
});

describe("suppression comments", () => {
  const parse = (text: string, syntax: "conf" | "hba" | "yaml" = "conf") =>
    parseDirectives({ path: "/f", text, syntax }).map((d) => ({
      kind: d.kind,
      rules: d.rules,
      reason: d.reason,
      target: d.target,
      line: d.line,
      ...(d.malformed !== undefined ? { malformed: d.malformed } : {}),
      ...(d.orphan ? { orphan: true } : {}),
    }));

  it("at the end of a line applies to that line; alone applies to the next one", () => {
    expect(
      parse("a = 1 # pgrepl-gen: disable=x,y -- because\n# pgrepl-gen: disable=z -- r\nb = 2\n"),
    ).toEqual([
      { kind: "disable", rules: ["x", "y"], reason: "because", target: 1, line: 1 },
      { kind: "disable", rules: ["z"], reason: "r", target: 3, line: 2 },
    ]);
  });

  it("stacked comments all apply to the next line; disable-file applies to no line", () => {
    expect(
      parse(
        "# pgrepl-gen: disable=a -- one\n#pgrepl-gen:disable=b--x -- two\n# pgrepl-gen: disable-file=c -- all\nx = 1\n",
      ),
    ).toEqual([
      { kind: "disable", rules: ["a"], reason: "one", target: 4, line: 1 },
      { kind: "disable", rules: ["b--x"], reason: "two", target: 4, line: 2 },
      { kind: "disable-file", rules: ["c"], reason: "all", target: null, line: 3 },
    ]);
  });

  it("a # inside a quoted value is not a comment (conf '…', hba \"…\")", () => {
    expect(parse("a = 'x # pgrepl-gen: disable=r -- no'\n")).toEqual([]);
    expect(parse('host "db # pgrepl-gen: disable=r -- no" all 1.2.3.4/32 md5\n', "hba")).toEqual([]);
    expect(parse("a = 'it''s' # pgrepl-gen: disable=r -- yes\n")).toHaveLength(1);
  });

  it("no reason, a blank line after, and forms lint does not read are kept for suppression-invalid", () => {
    expect(
      parse("# pgrepl-gen: disable=a\n\nx = 1\n# pgrepl-gen: enable=b -- r\n# pgrepl-gen: disable=c -- end"),
    ).toEqual([
      { kind: "disable", rules: ["a"], reason: "", target: 2, line: 1, orphan: true },
      { kind: "disable", rules: [], reason: "r", target: null, line: 4, malformed: "enable=b -- r" },
      { kind: "disable", rules: ["c"], reason: "end", target: null, line: 5, orphan: true },
    ]);
  });
});

describe("config file", () => {
  it("an unknown rule name is exit 2 with its position and the closest name", async () => {
    const dir = tree({
      ".pgrepl-gen.yaml": "rules:\n  conf-duplicate-settings: off\n",
      "postgresql.conf": "",
    });
    const r = await runLint(["."], dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "pgrepl-gen: .pgrepl-gen.yaml:2:3: unknown rule `conf-duplicate-settings`; did you mean `conf-duplicate-setting`?\n",
    );
    expect(r.out).toBe("");
  });

  it("unknown rules in ignore, bad severities, unknown keys and bad versions are exit 2", async () => {
    for (const text of [
      "ignore:\n  - path: x\n    rules: [nope]\n",
      "rules: {conf-syntax: fatal}\n",
      "rulez: {}\n",
      "postgres: 11\n",
      "ignore: [{rules: [conf-syntax]}]\n",
      "rules: [\n",
    ]) {
      const dir = tree({ ".pgrepl-gen.yaml": text, "postgresql.conf": "" });
      const r = await runLint(["."], dir);
      expect(r.code, text).toBe(2);
      expect(r.err, text).toMatch(/^pgrepl-gen: \.pgrepl-gen\.yaml:\d+:\d+: [a-z`]/);
      expect(r.err.trim().split("\n"), text).toHaveLength(1);
    }
  });

  it("is found upward from the current directory, and --config names another", async () => {
    const dir = tree({
      ".pgrepl-gen.yaml": "rules: {conf-unknown-parameter: off}\npostgres: 15\n",
      "sub/postgresql.conf": "no_such_parameter = 1\n",
      "other.yaml": "rules: {conf-unknown-parameter: info}\npostgres: 15\n",
    });
    expect((await runLint(["postgresql.conf"], join(dir, "sub"))).out).toBe("");
    const r = await lintJson(["--config", "../other.yaml", "postgresql.conf"], join(dir, "sub"));
    expect(r.findings.map((f) => `${f.rule}:${f.severity}`)).toEqual(["conf-unknown-parameter:info"]);
    expect(r.code).toBe(0);
    const missing = await runLint(["--config", "nope.yaml", "postgresql.conf"], join(dir, "sub"));
    expect(missing.code).toBe(2);
    expect(missing.err).toBe("pgrepl-gen: nope.yaml: no such file or directory\n");
  });

  it("the search stops at the repository root", async () => {
    const dir = tree({
      ".pgrepl-gen.yaml": "rules: {conf-unknown-parameter: off}\n",
      "repo/.git/HEAD": "ref: refs/heads/main\n",
      "repo/postgresql.conf": "no_such_parameter = 1\n",
    });
    const r = await lintJson(["--postgres", "15", "postgresql.conf"], join(dir, "repo"));
    expect(r.findings.map((f) => f.rule)).toEqual(["conf-unknown-parameter"]);
  });

  it("--postgres wins over the config file's postgres", async () => {
    const dir = tree({ ".pgrepl-gen.yaml": "postgres: 12\n", "postgresql.conf": "wal_keep_size = 1GB\n" });
    expect((await lintJson(["postgresql.conf"], dir)).findings.map((f) => f.rule)).toEqual([
      "conf-unknown-parameter",
    ]);
    expect((await lintJson(["--postgres", "13", "postgresql.conf"], dir)).findings).toEqual([]);
  });
});

describe("exit codes and formats", () => {
  const dir = tree({
    "postgresql.conf": "work_mem = 1MB\nwork_mem = 2MB\nshared_buffers = 1Gb\n",
  });

  it("--fail-on decides between 0 and 1", async () => {
    const only = async (conf: string, failOn: string) => {
      const d = tree({ "postgresql.conf": conf });
      return (await runLint(["--postgres", "15", "--fail-on", failOn, "."], d)).code;
    };
    const warning = "work_mem = 1MB\nwork_mem = 2MB\n";
    expect(await only(warning, "error")).toBe(0);
    expect(await only(warning, "warning")).toBe(1);
    expect(await only(warning, "info")).toBe(1);
    expect(await only(warning, "never")).toBe(0);
    expect(await only("shared_buffers = 1Gb\n", "error")).toBe(1);
    expect(await only("shared_buffers = 1GB\n", "info")).toBe(0);
  });

  it("json: one array, 1-based positions or null, sorted", async () => {
    const r = await lintJson(["--postgres", "15", "."], dir);
    expect(r.findings.map(where)).toEqual([
      "conf-duplicate-setting@postgresql.conf:1:1",
      "conf-invalid-value@postgresql.conf:3:18",
    ]);
    for (const f of r.findings) {
      expect(Object.keys(f).slice(0, 6)).toEqual(["rule", "severity", "message", "file", "line", "column"]);
    }
    // (`standby_mode` would make the tree "11 or older": version-unsupported at its line instead)
    const whole = await lintJson(
      ["--no-fs", "."],
      tree({ "recovery.conf": "restore_command = 'cp /archive/%f %p'\n" }),
    );
    expect(whole.findings).toMatchObject([
      { rule: "recovery-conf-present", file: "recovery.conf", line: null, column: null },
    ]);
  });

  it("text: FILE:LINE:COL: severity: message [rule], and FILE: for a whole file", async () => {
    const r = await runLint(["--postgres", "15", "."], dir);
    expect(r.out.split("\n")[0]).toMatch(
      /^postgresql\.conf:1:1: warning: `work_mem` is set again .* \[conf-duplicate-setting\]$/,
    );
    const whole = await runLint(["--no-fs", "recovery.conf"], tree({ "recovery.conf": "" }));
    expect(whole.out).toMatch(
      /^recovery\.conf: error: .* \[recovery-conf-present\]\n\n1 error, 0 warnings, 0 infos in 1 file\n$/,
    );
  });

  it("sarif and github exit as text does (their output: test/lint-formats.test.ts)", async () => {
    for (const f of ["sarif", "github"]) {
      const r = await runLint(["--format", f, "--postgres", "15", "."], dir);
      expect(r.code).toBe(1);
      expect(r.err).toBe("");
    }
  });

  it("a PATH that does not exist is exit 2 with one line, and the others are still linted", async () => {
    const r = await runLint(["--postgres", "15", "nope", ".", "also/missing.conf"], dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "pgrepl-gen: nope: no such file or directory\npgrepl-gen: also/missing.conf: no such file or directory\n",
    );
    expect(r.out.split("\n").filter((l) => /^\S+:\d+/.test(l))).toHaveLength(2);
  });

  it("a directory with nothing to lint is exit 2; a file of no known kind is skipped", async () => {
    const d = tree({ "README.md": "# hi\n", "ci.yaml": "jobs: {}\n" });
    const r = await runLint(["."], d);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pgrepl-gen: \.: nothing to lint here/);
    const f = await runLint(["README.md", "ci.yaml"], d);
    expect(f).toEqual({ code: 0, out: "", err: "" });
  });

  it("the same files through several PATHs are reported once", async () => {
    const r = await runLint(["--postgres", "15", ".", "postgresql.conf", "./"], dir);
    expect(r.out.split("\n").filter((l) => /^\S+:\d+/.test(l))).toHaveLength(2);
  });

  it("--postgres outside 12..18 is a usage error", async () => {
    const r = await runLint(["--postgres", "11", "."], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pgrepl-gen: --postgres 11 is not a supported major version/);
  });
});

describe("the engine", () => {
  async function withRules(rules: Rule[], files: Record<string, string>) {
    const dir = tree(files);
    const found = await discover(["."], { cwd: dir, fs: false, postgres: 15, postgresFrom: "--postgres" });
    return runRules(found.workspace, { fs: false, config: EMPTY_CONFIG, rules });
  }

  it("a rule that throws becomes a finding naming it; the other rules still run", async () => {
    const boom: Rule = {
      name: "conf-syntax",
      severity: "error",
      summary: "x",
      reads: [],
      scope: "workspace",
      check() {
        throw new Error("boom\nsecond line");
      },
    };
    const quotes = RULES.find((r) => r.name === "conf-smart-quotes") as Rule;
    const f = await withRules([boom, quotes], { "postgresql.conf": "a = ‘x’\n" });
    expect(f.map((x) => x.rule).sort()).toEqual(["conf-smart-quotes", "conf-syntax"]);
    const crash = f.find((x) => x.rule === "conf-syntax");
    expect(crash?.message).toBe(
      "internal error in rule `conf-syntax`: it threw `boom`; its findings may be incomplete (please report it)",
    );
    expect(crash?.line).toBeNull();
  });

  it("a report without a file or with a bad position is an internal error of its rule", async () => {
    const bad = (report: object): Rule => ({
      name: "conf-syntax",
      severity: "error",
      summary: "x",
      reads: [],
      scope: "workspace",
      check(ctx) {
        ctx.report(report as never);
      },
    });
    for (const r of [
      { message: "no file" },
      { file: "/x", line: 0, message: "m" },
      { file: "/x", line: 1, message: "" },
    ]) {
      const f = await withRules([bad(r)], { "postgresql.conf": "" });
      expect(f).toHaveLength(1);
      expect(f[0]?.message).toMatch(/^internal error in rule `conf-syntax`: a report/);
    }
  });

  it("findings are de-duplicated and sorted by file, line, column, rule", async () => {
    const twice: Rule = {
      name: "conf-syntax",
      severity: "warning",
      summary: "x",
      reads: [],
      scope: "workspace",
      check(ctx) {
        for (const line of [3, 1, 1, 2]) ctx.report({ file: "/b", line, column: 1, message: "m" });
        ctx.report({ file: "/a", line: null, message: "whole" });
      },
    };
    const f = await withRules([twice], { "postgresql.conf": "" });
    expect(f.map((x) => `${x.file}:${x.line}`)).toEqual(["/a:null", "/b:1", "/b:2", "/b:3"]);
  });
});
