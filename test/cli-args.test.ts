/**
 * The fast argument parser (src/cli/args.ts) against yargs (src/cli/yargs.ts), the authority:
 * whatever the fast parser accepts, yargs accepts with the same values; the help text it prints
 * is what yargs prints now; and the command lines hooks and scripts use take the fast path.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastParse } from "../src/cli/args.js";
import { HELP } from "../src/cli/help.generated.js";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { WRITE_SLICE, writeAll } from "../src/cli/output.js";
import { VERSION } from "../src/cli/version.js";
import { helpText, parseWithYargs } from "../src/cli/yargs.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

const PIECES: Record<string, string[][]> = {
  validate: [["spec.yaml"], ["b.json"], ["-"], ["--stdin-filename", "topology.yaml"], ["--debug"]],
  render: [
    ["spec.yaml"],
    ["--out", "dir"],
    ["-o", "dir"],
    ["--out=d2"],
    ["--check"],
    ["--force"],
    ["--prune"],
    ["--debug"],
  ],
  lint: [
    ["/etc/postgresql"],
    ["conf/"],
    ["--format", "json"],
    ["-f", "sarif"],
    ["--format=github"],
    ["--fail-on", "info"],
    ["--postgres", "16"],
    ["--no-fs"],
    ["--fs"],
    ["--config", "c.yaml"],
    ["-"],
    ["--stdin-filename", "pg_hba.conf"],
    ["--color", "never"],
    ["--color=always"],
    ["--debug"],
  ],
  explain: [["hba-cidr-host-bits"], ["--debug"]],
};

describe("help text", () => {
  it("help.generated.ts is what yargs prints now (run `npm run gen:help` after changing the CLI)", () => {
    expect(HELP[""]).toBe(helpText(undefined));
    for (const c of ["validate", "render", "lint", "explain"]) expect(HELP[c], c).toBe(helpText(c));
  });
});

describe("the fast path", () => {
  const plain: string[][] = [
    ["validate", "a.yaml"],
    ["validate", "a.yaml", "b.json", "--debug"],
    ["render", "fixtures/specs/seed.yaml", "--out", "out"],
    ["render", "s.yaml", "-o", "out", "--check"],
    ["render", "s.yaml", "--out=rendered", "--force", "--prune"],
    ["render", "-", "--stdin-filename", "topology.yaml", "--out", "rendered", "--check"],
    ["lint", "--no-fs", "--stdin-filename", "pg_hba.conf", "-"],
    ["validate", "-"],
    ["lint", "/etc/postgresql"],
    ["lint", "--no-fs", "--format", "github", "conf/", "topology.yaml"],
    ["lint", "-f", "json", "--fail-on", "error", "--postgres", "15", "--config", ".pgrepl-gen.yaml", "x"],
    ["lint", "--format=sarif", "--fail-on=never", "a", "b", "c"],
    ["explain", "hba-cidr-host-bits"],
  ];
  it.each(plain.map((a) => [a.join(" "), a]))("%s is parsed without yargs, as yargs parses it", (_, argv) => {
    const fast = fastParse(argv as string[]);
    expect(fast?.kind).toBe("run");
    const y = parseWithYargs([...(argv as string[])]);
    expect(y).toEqual({ args: fast?.kind === "run" ? fast.args : undefined });
  });

  it("--help, -h, COMMAND --help and --version answer from the generated text", async () => {
    for (const [argv, want] of [
      [["--help"], HELP[""]],
      [["-h"], HELP[""]],
      [["lint", "--help"], HELP.lint],
      [["render", "-h"], HELP.render],
      [["--version"], `${VERSION}\n`],
    ] as const) {
      expect(fastParse(argv)?.kind, argv.join(" ")).not.toBeUndefined();
      const io = bufferIO();
      expect(await main([...argv], io)).toBe(0);
      expect(io.out()).toBe(want);
      expect(parseWithYargs([...argv])).toEqual({ output: want });
    }
  });

  it("leaves to yargs what it is not sure of", () => {
    for (const argv of [
      [],
      ["render"],
      ["render", "a", "b"],
      ["render", "a", "--out"],
      ["render", "a", "--out", "--check"],
      ["render", "a", "--check", "false"],
      ["render", "a", "--check=true"],
      ["render", "a", "--out", "x", "--out", "y"],
      ["render", "a", "--bogus"],
      ["lint", "a", "--format", "xml"],
      ["lint", "a", "--postgres", "fifteen"],
      ["lint", "a", "--postgres", "15.5"],
      ["lint", "--", "-weird"],
      ["lint", "12"],
      ["lint", "a", "--out", "x"],
      ["--debug", "lint", "a"],
      ["lint", "a", "-h", "x"],
      ["validate", "--help", "a"],
    ])
      expect(fastParse(argv), argv.join(" ")).toBeUndefined();
  });

  it("whatever it accepts, yargs accepts with the same values (generated command lines)", () => {
    const token = fc.oneof(
      fc.constantFrom(
        "validate",
        "render",
        "lint",
        "explain",
        "--out",
        "-o",
        "--check",
        "--force",
        "--prune",
        "--format",
        "-f",
        "--fail-on",
        "--postgres",
        "--fs",
        "--no-fs",
        "--config",
        "--debug",
        "--help",
        "-h",
        "--version",
        "--",
        "-",
        "",
        "true",
        "false",
        "text",
        "json",
        "sarif",
        "github",
        "error",
        "warning",
        "info",
        "never",
        "15",
        "0",
        "1e3",
        "0x1f",
        "spec.yaml",
        "/etc/postgresql",
        "15/main",
        "--out=dir",
        "--format=json",
        "--check=false",
        "--postgres=16",
        "--no-check",
        "--failOn",
        "-fjson",
        "-o=x",
      ),
      fc.string({ maxLength: 6 }),
    );
    // mostly a command first: that is where the fast path has something to accept
    const commandLine = fc.oneof(
      fc.array(token, { maxLength: 8 }),
      fc
        .tuple(fc.constantFrom("validate", "render", "lint", "explain"), fc.array(token, { maxLength: 8 }))
        .map(([c, rest]) => [c, ...rest]),
      // plausible lines: a command, its positional and its own well-formed options in any order,
      // sometimes repeated, sometimes with a stray token
      fc
        .constantFrom(...Object.keys(PIECES))
        .chain((c) =>
          fc
            .tuple(
              fc.array(fc.constantFrom(...(PIECES[c] as string[][])), { maxLength: 5 }),
              fc.option(token, { freq: 4 }),
            )
            .map(([pieces, stray]) => [c, ...pieces.flat(), ...(stray === null ? [] : [stray])]),
        ),
    );
    let accepted = 0;
    fc.assert(
      fc.property(commandLine, (argv) => {
        const fast = fastParse(argv);
        if (fast === undefined) return;
        accepted++;
        const y = parseWithYargs([...argv]);
        if (fast.kind === "run") expect(y, argv.join(" ")).toEqual({ args: fast.args });
        else if (fast.kind === "help") expect(y).toEqual({ output: HELP[fast.command ?? ""] });
        else expect(y).toEqual({ output: `${VERSION}\n` });
      }),
      { numRuns: RUNS },
    );
    // the property compared something: a good share of the lines took the fast path
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it("a module that fails to load is one internal-error line and exit 2, not a throw", async () => {
    const broken = async () => {
      throw new Error("cannot load the bundle");
    };
    for (const argv of [
      ["lint", "--bogus", "x"],
      ["lint", "x"],
      ["--debug", "validate", "x"],
    ]) {
      const io = bufferIO();
      expect(await main(argv, io, broken), argv.join(" ")).toBe(2);
      expect(io.err().split("\n")[0]).toBe(
        "pgrepl-gen: internal error: cannot load the bundle (please report it)",
      );
      // the stack only with --debug
      expect(io.err().includes("\n    at "), argv.join(" ")).toBe(argv.includes("--debug"));
    }
  });
});

describe("output is written in slices", () => {
  it("a surrogate pair across a slice boundary stays whole; every byte arrives", () => {
    const dir = mkdtempSync(join(tmpdir(), "pgrepl-write-"));
    try {
      const file = join(dir, "out");
      const text = `${"a".repeat(WRITE_SLICE - 1)}\u{1F600}${"b".repeat(WRITE_SLICE)}é\n`;
      const fd = openSync(file, "w");
      writeAll(fd, text);
      closeSync(fd);
      expect(readFileSync(file).equals(Buffer.from(text, "utf8"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
