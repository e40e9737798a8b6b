/** Output formats: text (excerpts, grouping, colours, summary), SARIF 2.1.0 against its schema, GitHub workflow commands. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { escapeData, escapeProperty, formatGithub } from "../src/lint/format/github.js";
import { formatJson, JSON_PIECE } from "../src/lint/format/json.js";
import { formatSarif } from "../src/lint/format/sarif.js";
import { excerpt, formatText } from "../src/lint/format/text.js";
import type { Finding } from "../src/lint/model.js";
import { RULES } from "../src/lint/registry.js";
import { ROOT } from "./support/cli.js";
import { runLint, writeTree } from "./support/lint.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-lint-formats-"));
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

// two files with findings: a duplicate and a bad unit in postgresql.conf, host bits in pg_hba.conf
const sample = () =>
  tree({
    "postgresql.conf": "work_mem = 1MB\nwork_mem = 2MB\nshared_buffers = 1Gb\n",
    "pg_hba.conf": "hostssl\treplication\trepl_user\t192.168.1.5/24\tscram-sha-256\n",
  });
const ARGS = ["--no-fs", "--postgres", "15", "."];

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help?: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine?: number; startColumn?: number };
    };
  }>;
}

describe("text", () => {
  it("first line of each finding is FILE:LINE:COL: severity: message [rule]; an excerpt with a caret under it", async () => {
    const r = await runLint(ARGS, sample());
    const lines = r.out.split("\n");
    const findingLines = lines.filter((l) => /^\S/.test(l));
    expect(
      findingLines
        .slice(0, -1)
        .every((l) => /^[^ ]+?(:\d+(:\d+)?)?: (error|warning|info): .* \[[a-z-]+\]$/.test(l)),
    ).toBe(true);
    // pg_hba.conf sorts first; then a blank line; then postgresql.conf's findings
    const hba = lines.indexOf(lines.find((l) => l.startsWith("pg_hba.conf:1:31:")) ?? "");
    expect(lines[hba + 1]).toBe("  1 | hostssl\treplication\trepl_user\t192.168.1.5/24\tscram-sha-256");
    // the caret line copies the tabs, so the caret sits under the address
    expect(lines[hba + 2]).toBe(
      `    | ${" ".repeat(7)}\t${" ".repeat(11)}\t${" ".repeat(9)}\t^${"~".repeat(13)}`,
    );
    const unit = lines.findIndex((l) => l.startsWith("postgresql.conf:3:18:"));
    expect(lines[unit + 1]).toBe("  3 | shared_buffers = 1Gb");
    expect(lines[unit + 2]).toBe("    |                  ^~~");
    expect(lines[unit - 1]).not.toBe("");
    const firstConf = lines.findIndex((l) => l.startsWith("postgresql.conf:"));
    expect(lines[firstConf - 1]).toBe("");
  });

  it("ends with a summary line; nothing at all when there is nothing to report", async () => {
    const r = await runLint(ARGS, sample());
    const counts = { error: 0, warning: 0, info: 0 };
    for (const l of r.out.split("\n")) {
      const m = /^\S+: (error|warning|info): /.exec(l);
      if (m) counts[m[1] as keyof typeof counts]++;
    }
    const s = (k: number, w: string) => `${k} ${w}${k === 1 ? "" : "s"}`;
    expect(
      r.out.endsWith(
        `\n\n${s(counts.error, "error")}, ${s(counts.warning, "warning")}, ${s(counts.info, "info")} in 2 files\n`,
      ),
    ).toBe(true);
    const clean = await runLint(ARGS, tree({ "postgresql.conf": "work_mem = 4MB\n" }));
    expect(clean).toEqual({ code: 0, out: "", err: "" });
  });

  it("colours only on a terminal, and never with NO_COLOR (any value, even empty)", async () => {
    const dir = sample();
    const { bufferIO } = await import("../src/cli/io.js");
    const { main } = await import("../src/cli/main.js");
    const run = async (isTTY: boolean, env: Record<string, string>) => {
      const io = bufferIO({ cwd: dir, env, isTTY });
      await main(["lint", ...ARGS], io);
      return io.out();
    };
    const ESC = "\u001b[";
    expect(await run(true, {})).toContain(ESC);
    expect(await run(false, {})).not.toContain(ESC);
    expect(await run(true, { NO_COLOR: "1" })).not.toContain(ESC);
    expect(await run(true, { NO_COLOR: "" })).not.toContain(ESC);
    // without colours the terminal sees the same text as a pipe
    expect(await run(true, { NO_COLOR: "" })).toBe(await run(false, {}));
  });

  it("excerpts: long lines are cut around the column, control characters escaped, a whole line has no caret", () => {
    const long = `${"x".repeat(300)} bad ${"y".repeat(300)}`;
    const e = excerpt(long, 302);
    expect(e.source.length).toBeLessThan(130);
    expect(e.caret?.indexOf("^")).toBe(e.source.indexOf("bad"));
    expect(excerpt("a = \u0001b", 5)).toEqual({ source: "a = \\x01b", caret: "    ^~~~~" });
    expect(excerpt("a = 'x y'  # c", 5).caret).toBe("    ^~~~~");
    expect(excerpt("a = 1", null).caret).toBeNull();
    const f: Finding = { rule: "r", severity: "info", message: "m", file: "f", line: null, column: null };
    expect(formatText([f], {})).toBe("f: info: m [r]\n\n0 errors, 0 warnings, 1 info in 1 file\n");
  });
});

describe("no format prints a password", () => {
  it("a literal password in a spec, a password= in primary_conninfo: not in any output, excerpts masked in place", async () => {
    const seed = readFileSync(join(ROOT, "fixtures", "specs", "seed.yaml"), "utf8");
    const dir = tree({
      "topology.yaml": seed.replace("password: { env: PGREPL_PASSWORD }", "password: hunter2-SECRET"),
      "s/standby.signal": "",
      "s/postgresql.auto.conf":
        "primary_conninfo = 'host=192.168.1.4 user=repl_user password=hunter3-SECRET sslmode=verify-full'\nprimary_slot_name = 's'\n",
      "u/standby.signal": "",
      "u/postgresql.auto.conf":
        "primary_conninfo = 'postgresql://repl_user:hunter4-SECRET@192.168.1.4/?sslmode=verify-full'\nprimary_slot_name = 's'\n",
    });
    for (const format of ["text", "json", "sarif", "github"]) {
      const r = await runLint(["--format", format, ...ARGS], dir);
      expect(r.code, format).toBe(1);
      expect(`${r.out}${r.err}`, format).not.toContain("SECRET");
    }
    const text = (await runLint(ARGS, dir)).out;
    expect(text).toContain("password=**************");
    expect(text).toContain("postgresql://repl_user:**************@192.168.1.4");
  });
});

describe("json", () => {
  const finding = fc.record(
    {
      rule: fc.constantFrom("hba-host-bits", "guc-unknown", "unreadable-file"),
      severity: fc.constantFrom("error", "warning", "info"),
      // line breaks, quotes, backslashes, control characters, astral characters, lone surrogates
      message: fc.oneof(
        fc.string({ unit: "binary", maxLength: 80 }),
        fc.string({
          unit: fc.constantFrom("\ud800", "\udfff", "\n", "\\", '"', "\u0007", "a"),
          maxLength: 20,
        }),
      ),
      file: fc.string({ maxLength: 30 }),
      line: fc.option(fc.nat(5000)),
      column: fc.option(fc.nat(300)),
      node: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
    },
    { requiredKeys: ["rule", "severity", "message", "file", "line", "column"] },
  ) as fc.Arbitrary<Finding>;
  const expected = (fs: readonly Finding[]) =>
    `${JSON.stringify(
      fs.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        file: f.file,
        line: f.line,
        column: f.column,
        ...(f.node === undefined ? {} : { node: f.node }),
      })),
      null,
      2,
    )}\n`;

  it("is JSON.stringify(records, null, 2) and a newline, whatever the findings", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 12 }), (fs) => {
        expect([...formatJson(fs)].join("")).toBe(expected(fs));
      }),
      { numRuns: 1000 },
    );
  });

  it("comes in pieces of about JSON_PIECE characters, none of them the whole of a large output", () => {
    const many: Finding[] = Array.from({ length: 3000 }, (_, i) => ({
      rule: "hba-host-bits",
      severity: "warning",
      message: `finding ${i}: "quoted"\nand a line break`,
      file: `/etc/postgresql/15/c${i}/pg_hba.conf`,
      line: i + 1,
      column: 7,
      ...(i % 2 ? { node: `n${i}` } : {}),
    }));
    const pieces = [...formatJson(many)];
    const text = pieces.join("");
    expect(text).toBe(expected(many));
    expect(pieces.length).toBeGreaterThan(text.length / (2 * JSON_PIECE));
    for (const p of pieces.slice(0, -1)) expect(p.length).toBeGreaterThanOrEqual(JSON_PIECE);
    for (const p of pieces) expect(p.length).toBeLessThan(JSON_PIECE + 1000);
  });
});

describe("sarif", () => {
  const schema = JSON.parse(
    readFileSync(join(ROOT, "test", "fixtures", "sarif", "sarif-2.1.0-rtm.5.json"), "utf8"),
  ) as Record<string, unknown>;
  // the schema is draft-04; ajv 8 reads it as draft-07 once `id` is `$id` (see SOURCE.md there)
  const { id, $schema: _draft, ...rest } = schema;
  // the schema's `language` pattern (`…{2}]?$`) is valid only without the u flag, as JSON Schema draft-04 validators read it
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats.default(ajv);
  const validate = ajv.compile({ ...rest, $id: String(id) });

  it("is valid SARIF 2.1.0 with the rules, their help and default levels", async () => {
    const dir = sample();
    const r = await runLint(["--format", "sarif", ...ARGS], dir);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.version).toBe("2.1.0");
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("pgrepl-gen");
    const rules = run.tool.driver.rules as SarifRule[];
    expect(rules.map((x) => x.id)).toEqual(RULES.map((x) => x.name));
    for (const rule of rules) {
      const def = RULES.find((x) => x.name === rule.id);
      expect(rule.defaultConfiguration.level).toBe(def?.severity === "info" ? "note" : def?.severity);
      expect(rule.shortDescription.text).toBe(def?.summary);
      expect(rule.help?.markdown).toBe(readFileSync(join(ROOT, "docs", "rules", `${rule.id}.md`), "utf8"));
      expect(rule.fullDescription.text).not.toMatch(/^#|^Severity/);
      // the rule's public page at the released tag, never a path into the local installation
      expect(rule.helpUri).toBe(
        `https://github.com/pgrepl-gen/pgrepl-gen/blob/v${log.runs[0].tool.driver.version}/docs/rules/${rule.id}.md`,
      );
      // PascalCase, distinct from the id (SARIF 3.49.7)
      expect(rule.name).toMatch(/^([A-Z][a-z0-9]*)+$/);
      expect(
        rule.name.replace(/[A-Z]/g, (c, at) => (at === 0 ? c.toLowerCase() : `-${c.toLowerCase()}`)),
      ).toBe(rule.id);
    }
    const results = run.results as SarifResult[];
    const json = JSON.parse((await runLint(["--format", "json", ...ARGS], dir)).out) as Finding[];
    expect(results).toHaveLength(json.length);
    for (const [i, res] of results.entries()) {
      const f = json[i] as Finding;
      expect(res.ruleId).toBe(f.rule);
      expect(rules[res.ruleIndex]?.id).toBe(f.rule);
      expect(res.level).toBe(f.severity === "info" ? "note" : f.severity);
      const loc = res.locations[0]?.physicalLocation;
      expect(loc?.artifactLocation).toEqual({ uri: f.file, uriBaseId: "%SRCROOT%" });
      expect(loc?.region?.startLine).toBe(f.line ?? undefined);
      expect(loc?.region?.startColumn).toBe(f.column ?? undefined);
    }
    expect(run.originalUriBaseIds["%SRCROOT%"].uri).toBe(`file://${dir}/`);
    expect(run.invocations[0].workingDirectory.uri).toBe(`file://${dir}/`);
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
    // every result has a fingerprint, and no two the same
    const prints = results.map(
      (x) =>
        (x as unknown as { partialFingerprints: Record<string, string> }).partialFingerprints[
          "pgreplGenFindingHash/v1"
        ],
    );
    expect(prints.every((p) => /^[0-9a-f]{32}:\d+$/.test(p ?? ""))).toBe(true);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it("paths are relative to the working directory, whole-file findings have no region, and no findings is still a valid log", async () => {
    const dir = tree({ "etc/x/recovery.conf": "", "clean/postgresql.conf": "work_mem = 4MB\n" });
    const r = await runLint(["--format", "sarif", "--no-fs", "etc/x/recovery.conf"], dir);
    const log = JSON.parse(r.out);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const loc = log.runs[0].results[0].locations[0].physicalLocation;
    expect(loc).toEqual({ artifactLocation: { uri: "etc/x/recovery.conf", uriBaseId: "%SRCROOT%" } });
    const outside = await runLint(
      ["--format", "sarif", "--no-fs", join(dir, "etc/x/recovery.conf")],
      join(dir, "clean"),
    );
    const o = JSON.parse(outside.out);
    expect(validate(o)).toBe(true);
    expect(o.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      `file://${dir}/etc/x/recovery.conf`,
    );
    const none = await runLint(["--format", "sarif", "--no-fs", "clean"], dir);
    expect(none.code).toBe(0);
    const nl = JSON.parse(none.out);
    expect(validate(nl)).toBe(true);
    expect(nl.runs[0].results).toEqual([]);
  });

  it("a file name with spaces and percent signs is a valid URI reference", () => {
    const f: Finding = {
      rule: "conf-syntax",
      severity: "error",
      message: "m",
      file: "a b/100%.conf",
      line: 1,
      column: 2,
    };
    const log = JSON.parse(formatSarif([f], { rules: RULES, isTTY: false, cwd: "/tmp/x" }));
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      "a%20b/100%25.conf",
    );
  });
});

describe("github", () => {
  it("one workflow command per finding: ::error file=…,line=…,col=…,title=RULE::message", async () => {
    const dir = sample();
    const r = await runLint(["--format", "github", ...ARGS], dir);
    expect(r.code).toBe(1);
    const json = JSON.parse((await runLint(["--format", "json", ...ARGS], dir)).out) as Finding[];
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(json.length);
    for (const [i, l] of lines.entries()) {
      const f = json[i] as Finding;
      const cmd = f.severity === "info" ? "notice" : f.severity;
      const pos = `${f.line === null ? "" : `,line=${f.line}`}${f.column === null ? "" : `,col=${f.column}`}`;
      expect(l.startsWith(`::${cmd} file=${f.file}${pos},title=${f.rule}::`), l).toBe(true);
      expect(l.endsWith(` [${f.rule}]`)).toBe(true);
    }
  });

  it("escapes % CR LF in messages, and : , as well in properties; whole-file findings have no line", () => {
    expect(escapeData("100% a\r\nb")).toBe("100%25 a%0D%0Ab");
    expect(escapeProperty("C:\\a,b%")).toBe("C%3A\\a%2Cb%25");
    const f: Finding = {
      rule: "recovery-conf-present",
      severity: "info",
      message: "x: 50%,\ny",
      file: "d,1/r:1.conf",
      line: null,
      column: null,
    };
    expect(formatGithub([f], { cwd: "/w" })).toBe(
      "::notice file=d%2C1/r%3A1.conf,title=recovery-conf-present::x: 50%25,%0Ay [recovery-conf-present]\n",
    );
    expect(formatGithub([], {})).toBe("");
  });
});
