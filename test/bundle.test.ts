/**
 * The built CLI as the launcher loads it (bin/pgrepl-gen.js): the committed dist/ is what
 * `npm run build` makes from src/ now (so installs from git, which build nothing, get the current
 * code), every bundle is ASCII (a single other character makes V8 read and compile the whole file
 * as two-byte text), its code cache is accepted by this Node and used by no other Node and with
 * no other text, and the parts loaded on demand stay out of the bundles that do not need them
 * (lint loads no template engine, schema validator or YAML parser until a file needs one).
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MODULE_NAMES } from "../src/cli/modules.js";
import { BIN, ROOT } from "./support/cli.js";

const DIST = join(ROOT, "dist");
const { load, cachePath } = createRequire(import.meta.url)(BIN) as {
  load: (
    name: string,
    dist?: string,
  ) => { exports: Record<string, unknown>; cache: "accepted" | "rejected" | "none" };
  cachePath: (name: string, dist?: string) => string;
};

/** The text of a file as git's index holds it (what the next commit has), or undefined. */
function staged(path: string): string | undefined {
  const r = spawnSync("git", ["show", `:${path}`], { cwd: ROOT, encoding: "latin1", maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout : undefined;
}

describe("the committed dist/", () => {
  it("is exactly what `npm run build` makes from src/ now, byte for byte, built anywhere", () => {
    // a build into a temporary directory, from a copy of the tree at another path: nothing of the
    // machine or the checkout's location may get into the bundles
    const out = mkdtempSync(join(tmpdir(), "pgrepl-dist-"));
    const tree = mkdtempSync(join(tmpdir(), "pgrepl-tree-"));
    try {
      for (const d of [
        "src",
        "scripts",
        "templates",
        "schemas",
        "docs",
        "bin",
        "package.json",
        "tsconfig.json",
      ]) {
        cpSync(join(ROOT, d), join(tree, d), { recursive: true });
      }
      symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"));
      const b = spawnSync(process.execPath, ["scripts/build.mjs", "--out", out, "--no-cache"], {
        cwd: tree,
        encoding: "utf8",
      });
      expect(b.status, b.stderr).toBe(0);
      expect(b.stdout).toBe("");
      const built = readdirSync(out).sort();
      expect(built).toEqual(
        [...MODULE_NAMES, "cli", "yaml", "spec"]
          .map((n) => `${n}.cjs`)
          .concat("bundles.json")
          .sort(),
      );
      // what git has (the index: what the next commit holds, HEAD in a fresh clone)
      const tracked = spawnSync("git", ["ls-files", "dist"], { cwd: ROOT, encoding: "utf8" })
        .stdout.trim()
        .split("\n");
      expect(tracked.map((f) => f.slice(5)).sort(), "files of dist/ in git").toEqual(built);
      const stale = built.filter((f) => staged(`dist/${f}`) !== readFileSync(join(out, f), "latin1"));
      expect(stale, "dist/ in git is stale: run `npm run build` and commit dist/ with src/").toEqual([]);
      // and the build is deterministic: a second build gives the same bytes
      const again = mkdtempSync(join(tmpdir(), "pgrepl-dist-"));
      try {
        spawnSync(process.execPath, ["scripts/build.mjs", "--out", again, "--no-cache"], { cwd: ROOT });
        for (const f of built)
          expect(readFileSync(join(again, f)).equals(readFileSync(join(out, f))), f).toBe(true);
      } finally {
        rmSync(again, { recursive: true, force: true });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it("holds no source maps and no code caches (those are made for each Node at install)", () => {
    const tracked = spawnSync("git", ["ls-files", "dist"], { cwd: ROOT, encoding: "utf8" }).stdout;
    expect(tracked).not.toMatch(/\.(map|cache)$/m);
    for (const f of readdirSync(DIST).filter((n) => n.endsWith(".cjs"))) {
      expect(readFileSync(join(DIST, f), "latin1"), f).not.toMatch(/sourceMappingURL/);
    }
  });
});

describe("code caches", () => {
  it("a cache is named for this Node and the bundle's hash; another Node's cache or one of another text is not read", () => {
    const dir = mkdtempSync(join(tmpdir(), "pgrepl-cache-"));
    try {
      for (const f of ["explain.cjs", "bundles.json"]) copyFileSync(join(DIST, f), join(dir, f));
      const mine = cachePath("explain");
      expect(mine).toMatch(
        new RegExp(`explain\\.cjs\\.[0-9a-f]{16}\\.${process.version.replace(/\./g, "\\.")}\\.cache$`),
      );
      // a cache made by this Node for this text, but named for another Node: not read
      const other = join(
        dir,
        `${cachePath("explain", dir).split("/").pop()?.replace(process.version, "v18.20.8")}`,
      );
      copyFileSync(mine, other);
      const probe = (d: string) =>
        spawnSync(
          process.execPath,
          ["-e", `console.log(require(${JSON.stringify(BIN)}).load("explain", ${JSON.stringify(d)}).cache)`],
          { encoding: "utf8" },
        ).stdout.trim();
      expect(probe(dir)).toBe("none");
      // named for this Node and this text: read and accepted
      copyFileSync(mine, cachePath("explain", dir));
      expect(probe(dir)).toBe("accepted");
      // the bundle rebuilt from other source: its hash in bundles.json changes, the old cache is not
      // read (V8 alone compares only the source's length, and would take it for a text as long)
      const manifest = JSON.parse(readFileSync(join(dir, "bundles.json"), "utf8")) as Record<string, string>;
      manifest.explain = "0".repeat(64);
      writeFileSync(join(dir, "bundles.json"), JSON.stringify(manifest));
      expect(probe(dir)).toBe("none");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the built CLI", () => {
  const bundles = readdirSync(DIST).filter((f) => f.endsWith(".cjs"));

  it("has a bundle for the entry and for every module main() loads, each with its code cache", () => {
    for (const name of ["cli", ...MODULE_NAMES]) {
      expect(bundles, name).toContain(`${name}.cjs`);
      expect(readdirSync(DIST), name).toContain(cachePath(name).split("/").pop());
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
