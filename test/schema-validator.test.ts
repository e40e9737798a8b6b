import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";

describe("the precompiled schema validator", () => {
  it("matches schemas/topology.schema.json (node scripts/gen-validator.mjs regenerates it)", () => {
    const r = spawnSync(process.execPath, ["scripts/gen-validator.mjs", "--check"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
  });
});
