import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";

const specs = join(import.meta.dirname, "..", "fixtures", "specs");
const invalid = join(specs, "invalid");

async function validate(cwd: string, file: string) {
  const io = bufferIO({ cwd });
  const code = await main(["validate", file], io);
  return { code, out: io.out(), err: io.err() };
}

describe("valid fixture specs", () => {
  const files = readdirSync(specs).filter((f) => /\.(ya?ml|json)$/.test(f));
  it("has the seed and one spec per scenario", () => {
    for (const f of [
      "seed.yaml",
      "sync-async.yaml",
      "quorum.yaml",
      "cascading.yaml",
      "delayed.yaml",
      "tls.yaml",
    ]) {
      expect(files).toContain(f);
    }
  });
  for (const f of files) {
    it(`${f} is valid and prints nothing`, async () => {
      const r = await validate(specs, f);
      expect(r.out).toBe("");
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
    });
  }
});

describe("invalid fixture specs print exactly their expected lines", () => {
  const files = readdirSync(invalid).filter((f) => /\.(ya?ml|json)$/.test(f));
  it("has at least 25 cases", () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });
  for (const f of files) {
    it(f, async () => {
      const expected = readFileSync(join(invalid, f.replace(/\.(ya?ml|json)$/, ".out")), "utf8");
      const r = await validate(invalid, f);
      expect(expected.trim()).not.toBe("");
      expect(r.out).toBe(expected);
      expect(r.err).toBe("");
      expect(r.code).toBe(1);
      for (const line of r.out.trimEnd().split("\n")) {
        expect(line).toMatch(new RegExp(`^${f.replace(/\./g, "\\.")}(:\\d+:\\d+)?: \\S`));
      }
    });
  }
});

describe("secrets in specs", () => {
  it("never repeats a literal password", async () => {
    for (const f of ["literal-password.yaml", "password-in-settings.yaml"]) {
      const r = await validate(invalid, f);
      expect(r.code).toBe(1);
      expect(r.out).not.toContain("Sup3r");
    }
  });
});
