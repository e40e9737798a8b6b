/**
 * The committed parameter catalogue and stock files are what the real servers of every major say
 * today: scripts/gen-catalog.mjs --check regenerates them (initdb + pg_settings of 12–18) and compares
 * byte for byte.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";

describe("the generated PostgreSQL data", () => {
  it("npm run gen:catalog reproduces src/pg/catalog and src/pg/stock exactly", () => {
    const r = spawnSync(process.execPath, ["scripts/gen-catalog.mjs", "--check"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 600_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  }, 600_000);
});
