/** The npm package a user installs: `npm pack`, a global install of the tarball, the command on PATH. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-pack-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("npm pack + global install", () => {
  it("installs a pgrepl-gen command that validates and renders the seed spec", () => {
    const pack = spawnSync("npm", ["pack", "--pack-destination", tmp, "--ignore-scripts"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(pack.status, pack.stderr).toBe(0);
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
