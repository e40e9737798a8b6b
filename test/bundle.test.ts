/**
 * The built CLI as the launcher loads it (bin/pgrepl-gen.js): every bundle is ASCII (a single
 * other character makes V8 read and compile the whole file as two-byte text), its code cache is
 * accepted by this Node, and the parts loaded on demand stay out of the bundles that do not need
 * them (lint loads no template engine, schema validator or YAML parser until a file needs one).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MODULE_NAMES } from "../src/cli/modules.js";
import { BIN, ROOT } from "./support/cli.js";

const DIST = join(ROOT, "dist");
const { load } = createRequire(import.meta.url)(BIN) as {
  load: (name: string) => { exports: Record<string, unknown>; cache: "accepted" | "rejected" | "none" };
};

describe("the built CLI", () => {
  const bundles = readdirSync(DIST).filter((f) => f.endsWith(".cjs"));

  it("has a bundle for the entry and for every module main() loads, each with its code cache", () => {
    for (const name of ["cli", ...MODULE_NAMES]) {
      expect(bundles, name).toContain(`${name}.cjs`);
      expect(readdirSync(DIST), name).toContain(`${name}.cjs.cache`);
    }
  });

  it("every bundle is ASCII", () => {
    for (const f of bundles) {
      const text = readFileSync(join(DIST, f), "latin1");
      const at = text.search(/[\u0080-\uffff]/);
      expect(at, `${f} has a non-ASCII character at offset ${at}: ${text.slice(at - 40, at + 10)}`).toBe(-1);
    }
  });

  it("this Node accepts every code cache", () => {
    // in a child: the test process runs with vitest's own V8 flags, which a cache also depends on
    const r = spawnSync(
      process.execPath,
      [
        "-e",
        `const { load } = require(${JSON.stringify(BIN)});
         for (const n of process.argv.slice(1)) console.log(n, load(n).cache);`,
        ...bundles.map((f) => f.slice(0, -4)),
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toEqual(bundles.map((f) => `${f.slice(0, -4)} accepted`));
  });

  it("lint of a config tree loads neither the YAML parser nor the spec loader; a spec loads both", () => {
    /** the bundles a command line loads, in order (the launcher's own loading, watched) */
    const loadedBy = (args: string[]): string[] => {
      const r = spawnSync(
        process.execPath,
        [
          "-e",
          `const l = require(${JSON.stringify(BIN)});
           process.argv.splice(1, 0, "pgrepl-gen");
           l.load("cli").exports.run(async (n) => l.load(n).exports);
           process.on("exit", () => console.error("LOADED " + [...l.loaded.keys()].map((k) => require("node:path").basename(k)).join(" ")));`,
          "--",
          ...args,
        ],
        { encoding: "utf8", cwd: ROOT },
      );
      const line = r.stderr.split("\n").find((l) => l.startsWith("LOADED "));
      expect(line, r.stderr).toBeDefined();
      return (line as string).slice(7).split(" ");
    };
    expect(loadedBy(["lint", "--no-fs", "--fail-on", "never", "fixtures/lint/err/hba"])).toEqual([
      "cli",
      "lint",
    ]);
    expect(loadedBy(["lint", "--no-fs", "--fail-on", "never", "fixtures/specs/seed.yaml"])).toEqual([
      "cli",
      "lint",
      "yaml",
      "spec",
    ]);
    expect(loadedBy(["--help"])).toEqual(["cli"]);
    expect(loadedBy(["lint", "--bogus", "x"])).toEqual(["cli", "yargs"]);
    expect(loadedBy(["render", "fixtures/specs/seed.yaml", "--out", "/nonexistent/x", "--check"])).toEqual([
      "cli",
      "render",
    ]);
  });

  it("each bundle exports what main() and the launcher use, and the cli bundle nothing else", () => {
    expect(Object.keys(load("lint").exports)).toContain("runLint");
    expect(Object.keys(load("render").exports)).toContain("runRender");
    expect(Object.keys(load("yargs").exports)).toContain("parseWithYargs");
    expect(Object.keys(load("cli").exports).sort()).toEqual(["bufferIO", "main", "run"]);
  });

  it("writes to a terminal with colours, to a pipe or a file without; a reader that leaves early is no error", () => {
    const args = ["lint", "--no-fs", "fixtures/lint/err/hba"];
    // a pseudo-terminal, by util-linux's script(1)
    const tty = spawnSync("script", ["-qec", [process.execPath, BIN, ...args].join(" "), "/dev/null"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(tty.error).toBeUndefined();
    expect(tty.stdout).toContain("\u001b[33mwarning:");
    const pipe = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8" });
    expect(pipe.status).toBe(1);
    expect(pipe.stdout).toContain(" warning: ");
    expect(pipe.stdout).not.toContain("\u001b[");
    // the same findings either way
    const plain = (s: string) =>
      s.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "").replace(/\r/g, "");
    expect(plain(tty.stdout)).toBe(pipe.stdout);
    // `| head -1`: the rest of the output goes nowhere, and nothing complains
    const head = spawnSync("sh", ["-c", `${process.execPath} ${BIN} ${args.join(" ")} | head -c 10`], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(head.stdout).toHaveLength(10);
    expect(head.stderr).toBe("");
  });
});
