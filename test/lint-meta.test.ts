/** The registry, the rule files and the rule pages agree; every page's examples behave as it says. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { RESERVED_RULE_NAMES, RULES } from "../src/lint/registry.js";
import { docsPath } from "../src/lint/rule.js";
import { ROOT } from "./support/cli.js";
import { docExamples, lintJson, writeTree } from "./support/lint.js";

const RULE_DIR = join(ROOT, "src", "lint", "rules");
const DOC_DIR = join(ROOT, "docs", "rules");
const tmp = mkdtempSync(join(tmpdir(), "pgrepl-lint-meta-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** docs/rule-catalogue.md's names: the public catalogue, implemented or reserved. */
const CATALOGUE = RULES.map((r) => r.name).filter((n) => n !== "spec-invalid" && n !== "suppression-invalid");

describe("registry, rule files and docs", () => {
  const names = RULES.map((r) => r.name);

  it("names are unique kebab-case, and no reserved name is implemented", () => {
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    for (const n of names) expect(RESERVED_RULE_NAMES).not.toContain(n);
    expect(new Set(RESERVED_RULE_NAMES).size).toBe(RESERVED_RULE_NAMES.length);
    expect(CATALOGUE.length + RESERVED_RULE_NAMES.length).toBe(56);
  });

  it("every rule file is registered and every registered rule has its file", async () => {
    const files = readdirSync(RULE_DIR)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.replace(/\.ts$/, ""));
    expect(files.sort()).toEqual([...names].sort());
    for (const f of files) {
      const mod = (await import(join(RULE_DIR, `${f}.ts`))) as Record<string, unknown>;
      const exported = Object.values(mod).filter((v) => typeof v === "object" && v !== null && "check" in v);
      expect(exported, f).toHaveLength(1);
      expect(RULES).toContain(exported[0]);
      expect((exported[0] as unknown as { name: string }).name).toBe(f);
    }
  });

  it("every rule has a page and every page a rule; the index lists them all", () => {
    const pages = readdirSync(DOC_DIR)
      .filter((f) => f.endsWith(".md") && f !== "README.md")
      .map((f) => f.replace(/\.md$/, ""));
    expect(pages.sort()).toEqual([...names].sort());
    for (const r of RULES) expect(docsPath(r)).toBe(`docs/rules/${r.name}.md`);
    const index = readFileSync(join(DOC_DIR, "README.md"), "utf8");
    for (const r of RULES) expect(index).toContain(`[${r.name}](${r.name}.md)`);
  });

  for (const rule of RULES) {
    it(`${rule.name}: the page has its sections and the rule's severity`, () => {
      const md = readFileSync(join(ROOT, docsPath(rule)), "utf8");
      expect(md.startsWith(`# ${rule.name}\n`)).toBe(true);
      expect(md).toMatch(new RegExp(`^Severity: \\*\\*${rule.severity}\\*\\*`, "m"));
      expect(md).toMatch(rule.filesystem ? /`--no-fs`: skipped/ : /`--no-fs`: runs/);
      for (const h of ["What triggers it", "Bad", "Good", "Why", "How to fix", "Versions"]) {
        expect(md, `${rule.name}: ## ${h}`).toContain(`\n## ${h}\n`);
      }
      expect(rule.summary).toMatch(/^[^A-Z]/);
    });
  }
});

describe("each page's examples", () => {
  for (const rule of RULES) {
    const md = readFileSync(join(ROOT, docsPath(rule)), "utf8");
    const examples = docExamples(md);
    const linted = examples.filter((e) => e.files.length > 0);
    // Pages of file-system rules show `ls` output: those rules are proven with real modes in lint-live.
    // wal-log-hints-off reads the binary pg_control: proven on initdb'd data directories in lint-rules-b.
    if (rule.filesystem || rule.name === "unreadable-file" || rule.name === "wal-log-hints-off") {
      it(`${rule.name}: shows a bad and a good example`, () => {
        expect(md).toMatch(/## Bad\n\n```console\n/);
        expect(md).toMatch(/## Good\n\n```console\n/);
      });
      continue;
    }
    it(`${rule.name}: the bad example triggers it, the good one lints clean`, async () => {
      expect(linted.map((e) => e.section)).toEqual(["Bad", "Good"]);
      for (const ex of linted) {
        const dir = mkdtempSync(join(tmp, `${rule.name}-${ex.section}-`));
        writeTree(dir, ex.files);
        const r = await lintJson(["--no-fs", "--postgres", "15", "."], dir);
        const mine = r.findings.filter((f) => f.rule === rule.name);
        if (ex.section === "Bad") expect(mine.length, JSON.stringify(r.findings)).toBeGreaterThan(0);
        else expect(r.findings, r.err).toEqual([]);
      }
    });
  }
});

describe("explain", () => {
  it("prints every rule's page", async () => {
    for (const rule of RULES) {
      const io = bufferIO({ cwd: ROOT });
      expect(await main(["explain", rule.name], io)).toBe(0);
      expect(io.out()).toBe(readFileSync(join(ROOT, docsPath(rule)), "utf8"));
    }
  });

  it("an unknown rule is exit 2 with the closest names", async () => {
    const io = bufferIO({ cwd: ROOT });
    expect(await main(["explain", "hba-cidr"], io)).toBe(2);
    expect(io.err()).toMatch(/^pgrepl-gen: unknown rule `hba-cidr`; the closest are `hba-cidr-host-bits`, /);
    expect(io.err().trim().split("\n")).toHaveLength(1);
  });

  it("every rule of the catalogue (docs/rule-catalogue.md) is implemented; none is left reserved", () => {
    expect(RESERVED_RULE_NAMES).toEqual([]);
    const catalogue = readFileSync(join(ROOT, "docs", "rule-catalogue.md"), "utf8");
    const names = [...catalogue.matchAll(/^\| ([a-z0-9-]+) \| (error|warning|info) \|/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(names.length).toBeGreaterThan(40);
    const registered = new Map(RULES.map((r) => [r.name, r.severity]));
    for (const [name, severity] of names) expect(registered.get(name as string), name).toBe(severity);
  });
});
