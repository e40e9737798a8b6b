// The two lanes (vitest.config.ts): every slow file named there exists, every test file is in
// exactly one lane, and the fast lane's guard (test/support/fast-lane.ts, installed for this
// file as for every fast one) refuses what the fast lane must not start and lets the rest run.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SLOW_FILES } from "../vitest.config.js";

const ROOT = resolve(import.meta.dirname, "..");
const TEST_FILES = readdirSync(join(ROOT, "test"))
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => `test/${f}`);
/** The test files a SLOW_FILES entry names (a `*` matches within a name, as in vitest's globs). */
const matching = (pattern: string): string[] => {
  const re = new RegExp(`^${pattern.replace(/[.]/g, "\\.").replace(/\*/g, "[^/]*")}$`);
  return TEST_FILES.filter((f) => re.test(f));
};

describe("test lanes", () => {
  it("names slow files that exist, and leaves the fast lane most of the files", () => {
    for (const pattern of SLOW_FILES) expect(matching(pattern), pattern).not.toEqual([]);
    const slow = new Set(SLOW_FILES.flatMap(matching));
    expect(slow.has("test/lanes.test.ts")).toBe(false);
    expect(slow.has("test/e2e-debian.test.ts")).toBe(true);
    expect(TEST_FILES.length - slow.size).toBeGreaterThanOrEqual(15);
  });

  it("refuses PostgreSQL, shellcheck, npm, pre-commit and the built CLI in the fast lane", () => {
    const refused: Array<[string, string[]]> = [
      ["/usr/lib/postgresql/15/bin/initdb", ["-D", "/nonexistent"]],
      ["runuser", ["-u", "postgres", "--", "pg_ctl", "status"]],
      ["shellcheck", ["x.sh"]],
      ["npm", ["pack"]],
      ["pre-commit", ["run"]],
      [process.execPath, [join(ROOT, "bin", "pgrepl-gen.js"), "--version"]],
    ];
    for (const [file, args] of refused) {
      expect(() => spawnSync(file, args), file).toThrow(/fast lane/);
      expect(() => execFileSync(file, args), file).toThrow(/fast lane/);
    }
  });

  it("lets other programs run", () => {
    expect(execFileSync("true")).toBeDefined();
    expect(spawnSync(process.execPath, ["-e", "process.exit(3)"]).status).toBe(3);
  });
});
