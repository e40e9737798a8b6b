import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";

describe("the precompiled templates", () => {
  it("match templates/ (npm run gen:templates regenerates them)", () => {
    const r = spawnSync(process.execPath, ["scripts/gen-templates.mjs", "--check"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
  });
});
