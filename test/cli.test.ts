import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { VERSION } from "../src/util/package-info.js";
import { ROOT, runBin, STACK_TRACE } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-cli-"));
chmodSync(tmp, 0o755);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = bufferIO({ cwd: ROOT });
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe("command shell", () => {
  it("--version matches package.json", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const r = await run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(pkg.version);
  });

  for (const cmd of ["validate", "render", "lint", "explain"]) {
    it(`${cmd} --help shows usage and examples`, async () => {
      const r = await run([cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`pgrepl-gen ${cmd}`);
      expect(r.out).toContain("Examples:");
    });
  }

  it("no command is a usage error", async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });

  it("an unknown command is one line, exit 2", async () => {
    const r = await run(["rendr", "x.yaml"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^pgrepl-gen: unknown command `rendr`; did you mean `render`\? \(commands: [a-z, ]+\)\n$/,
    );
  });

  it("an unknown option is one line, exit 2", async () => {
    const r = await run(["validate", "--frobnicate", "x.yaml"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pgrepl-gen: unknown option `--frobnicate`/);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });
});

describe("validate on bad files (built CLI, no stack traces)", () => {
  const cases: [string, () => string, number, RegExp][] = [
    ["a missing file", () => join(tmp, "nope.yaml"), 2, /nope\.yaml: no such file or directory$/],
    [
      "a directory",
      () => {
        mkdirSync(join(tmp, "dir.yaml"), { recursive: true });
        return join(tmp, "dir.yaml");
      },
      2,
      /dir\.yaml: is a directory, not a file$/,
    ],
    [
      "a binary file",
      () => {
        writeFileSync(join(tmp, "bin.yaml"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]));
        return join(tmp, "bin.yaml");
      },
      1,
      /bin\.yaml:1:7: is not a text file \(it contains NUL bytes\)$/,
    ],
    [
      "invalid UTF-8",
      () => {
        writeFileSync(
          join(tmp, "latin1.yaml"),
          Buffer.concat([Buffer.from("version: 1\nname: caf"), Buffer.from([0xe9, 0x0a])]),
        );
        return join(tmp, "latin1.yaml");
      },
      1,
      /latin1\.yaml:2:10: invalid UTF-8 \(byte 0xe9\)$/,
    ],
    [
      "a 50 MB file",
      () => {
        writeFileSync(join(tmp, "big.yaml"), Buffer.alloc(50 * 1024 * 1024, "a"));
        return join(tmp, "big.yaml");
      },
      1,
      /big\.yaml: is 50 MiB; files larger than 1 MiB are not read$/,
    ],
  ];
  for (const [what, make, code, pattern] of cases) {
    it(what, () => {
      const r = runBin(["validate", make()]);
      expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
      expect(r.code).toBe(code);
      const lines = (r.stdout + r.stderr).trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
    });
  }

  it("an unreadable file, as an unprivileged user (root ignores modes)", () => {
    const f = join(tmp, "secret.yaml");
    writeFileSync(f, readFileSync(join(ROOT, "fixtures/specs/seed.yaml")));
    chmodSync(f, 0o600);
    const r = runBin(["validate", f], { asUser: "nobody" });
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    expect(r.code).toBe(2);
    expect(r.stdout.trim()).toBe(`${f}: permission denied`);
  });

  it("several specs: every problem, exit 1 when one is invalid", () => {
    const r = runBin([
      "validate",
      "fixtures/specs/seed.yaml",
      "fixtures/specs/invalid/unknown-upstream.yaml",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("fixtures/specs/invalid/unknown-upstream.yaml:15:15:");
  });
});
