/** The npm package a user installs: `npm pack`, a global install of the tarball, the command on PATH. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPOSITORY_URL, VERSION } from "../src/util/package-info.js";
import { ROOT } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-pack-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;

describe("the package's metadata", () => {
  it("has a license file, repository, homepage and bugs, and nothing to install or run at install", () => {
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License\n/);
    expect(PKG.license).toBe("MIT");
    expect(PKG.repository).toEqual({ type: "git", url: expect.stringMatching(/^git\+https:\/\/.+\.git$/) });
    expect(PKG.homepage).toMatch(/^https:\/\//);
    expect(PKG.bugs).toEqual({ url: expect.stringMatching(/^https:\/\/.+\/issues$/) });
    // what SARIF and --version say (src/util/package-info.ts) is what package.json says
    expect(VERSION).toBe(PKG.version);
    expect(PKG.homepage).toBe(`${REPOSITORY_URL}#readme`);
    expect(PKG.repository).toEqual({ type: "git", url: `git+${REPOSITORY_URL}.git` });
    expect(PKG.bugs).toEqual({ url: `${REPOSITORY_URL}/issues` });
    // the bundles carry every runtime dependency: installs from git or the tarball fetch nothing
    expect(PKG.dependencies).toBeUndefined();
    // npm prints a script's banner on stdout, which pre-commit 3.x reads as the tarball's name
    const scripts = PKG.scripts as Record<string, string>;
    for (const s of ["prepare", "prepack", "postpack", "preinstall", "install", "postinstall"]) {
      expect(scripts[s], s).toBeUndefined();
    }
  });
});

describe("npm pack + global install", () => {
  it("`npm pack --json` prints only JSON: the files, with no source map and only this Node's code caches", () => {
    const pack = spawnSync("npm", ["pack", "--json", "--pack-destination", tmp], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(pack.status, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = (info?.files ?? []).map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        "LICENSE",
        "README.md",
        "package.json",
        "bin/pgrepl-gen.js",
        "dist/cli.cjs",
        "dist/bundles.json",
      ]),
    );
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => /\.ts$/.test(f))).toEqual([]);
    for (const f of files.filter((p) => p.endsWith(".cache")))
      expect(f).toContain(`.${process.version}.cache`);
    rmSync(join(tmp, info?.filename as string));
  });

  it("`npm publish --dry-run` succeeds and warns about nothing but the missing login", () => {
    const r = spawnSync("npm", ["publish", "--dry-run"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const warnings = r.stderr.split("\n").filter((l) => /^npm (warn|error)/i.test(l));
    expect(warnings.filter((l) => !/requires you to be logged in/.test(l))).toEqual([]);
  });

  it("installs a pgrepl-gen command that validates and renders the seed spec", () => {
    const pack = spawnSync("npm", ["pack", "--pack-destination", tmp], { cwd: ROOT, encoding: "utf8" });
    expect(pack.status, pack.stderr).toBe(0);
    // what pre-commit 3.x takes for the tarball's name: stdout, stripped
    expect(existsSync(join(tmp, pack.stdout.trim())), pack.stdout).toBe(true);
    const tarball = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const prefix = join(tmp, "prefix");
    const install = spawnSync(
      "npm",
      ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", join(tmp, tarball as string)],
      {
        encoding: "utf8",
      },
    );
    expect(install.status, install.stderr).toBe(0);
    const bin = join(prefix, "bin", "pgrepl-gen");
    expect(existsSync(bin)).toBe(true);
    const seed = join(ROOT, "fixtures/specs/seed.yaml");
    const env = { PATH: `${join(prefix, "bin")}:${process.env.PATH}` };
    const v = spawnSync("pgrepl-gen", ["validate", seed], { encoding: "utf8", env, cwd: tmp });
    expect(v.status, v.stdout + v.stderr).toBe(0);
    const r = spawnSync("pgrepl-gen", ["render", seed, "--out", join(tmp, "out")], {
      encoding: "utf8",
      env,
      cwd: tmp,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(existsSync(join(tmp, "out/replica/runbook.sh"))).toBe(true);
    const version = spawnSync("pgrepl-gen", ["--version"], { encoding: "utf8", env, cwd: tmp });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
