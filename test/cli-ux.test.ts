/**
 * What a user meets first: the help's examples can be copied line by line (each is one line, the
 * explanation a shell comment), and colours follow the conventions other CLIs share
 * (`--color=auto|always|never`, FORCE_COLOR, NO_COLOR, TERM=dumb), on a real terminal and a pipe.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fastParse } from "../src/cli/args.js";
import { useColor } from "../src/cli/color.js";
import { HELP } from "../src/cli/help.generated.js";
import { BIN, ROOT } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-ux-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The lines under `Examples:` of a help text. */
function examples(help: string): string[] {
  const at = help.indexOf("\nExamples:\n");
  if (at < 0) return [];
  return help
    .slice(at + "\nExamples:\n".length)
    .split("\n")
    .filter((l) => l.trim() !== "");
}

describe("help examples", () => {
  it("every example is one whole command line; what follows `#` is a comment the shell ignores", () => {
    let count = 0;
    for (const command of ["validate", "render", "lint", "explain"]) {
      const lines = examples(HELP[command] as string);
      expect(lines.length, command).toBeGreaterThan(0);
      for (const line of lines) {
        count++;
        const m = /^ {2}(\S.*?) {3}# \S.*$/.exec(line);
        expect(m, `${command}: ${JSON.stringify(line)} is not "  COMMAND   # comment"`).not.toBeNull();
        // the part after a pipe is ours: parsed, it is the command the example shows
        const words = (m?.[1] ?? "").split(" | ").at(-1)?.split(/\s+/) ?? [];
        expect(words[0]).toBe("pgrepl-gen");
        const parsed = fastParse(words.slice(1));
        expect(parsed?.kind, line).toBe("run");
        if (parsed?.kind === "run") expect(parsed.args.command).toBe(command);
      }
    }
    expect(count).toBeGreaterThanOrEqual(7);
  });

  it("the `render … --check` example copied from its first line checks: it does not write", () => {
    const line = examples(HELP.render as string).find((l) => l.includes("--check")) as string;
    const words = line.split("#")[0]?.trim().split(/\s+/) ?? [];
    const parsed = fastParse(words.slice(1));
    expect(parsed?.kind === "run" && parsed.args.check).toBe(true);
  });
});

describe("colours", () => {
  it("--color wins; then FORCE_COLOR; then NO_COLOR (even empty); then TERM=dumb; else a terminal", () => {
    const cases: Array<[Parameters<typeof useColor>, boolean]> = [
      [["auto", true, {}], true],
      [["auto", false, {}], false],
      [["always", false, {}], true],
      [["always", false, { NO_COLOR: "1" }], true],
      [["never", true, { FORCE_COLOR: "1" }], false],
      [["auto", false, { FORCE_COLOR: "1" }], true],
      [["auto", false, { FORCE_COLOR: "" }], true],
      [["auto", true, { FORCE_COLOR: "0" }], false],
      [["auto", true, { FORCE_COLOR: "false" }], false],
      [["auto", false, { FORCE_COLOR: "3", NO_COLOR: "1" }], true],
      [["auto", true, { NO_COLOR: "" }], false],
      [["auto", true, { TERM: "dumb" }], false],
      [["auto", true, { TERM: "xterm-256color" }], true],
    ];
    for (const [args, want] of cases) expect(useColor(...args), JSON.stringify(args)).toBe(want);
  });

  /** the built CLI's lint of a tree with findings, on a pseudo-terminal (script(1)) or a pipe */
  const run = (where: "tty" | "pipe", args: string[], env: Record<string, string>) => {
    const argv = [process.execPath, BIN, "lint", "--no-fs", ...args, "tree"];
    const e = { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env };
    const r =
      where === "tty"
        ? spawnSync("script", ["-qec", argv.join(" "), "/dev/null"], { cwd: tmp, encoding: "utf8", env: e })
        : spawnSync(argv[0] as string, argv.slice(1), { cwd: tmp, encoding: "utf8", env: e });
    expect(r.error).toBeUndefined();
    return r.stdout.includes("\u001b[");
  };

  it("on a real terminal and a pipe, as the flags and the environment say", () => {
    cpSync(join(ROOT, "fixtures/lint/err/hba"), join(tmp, "tree"), { recursive: true });
    expect(run("tty", [], { TERM: "xterm" })).toBe(true);
    expect(run("tty", [], { TERM: "dumb" })).toBe(false);
    expect(run("tty", ["--color=never"], { TERM: "xterm" })).toBe(false);
    expect(run("tty", [], { TERM: "xterm", NO_COLOR: "1" })).toBe(false);
    expect(run("pipe", [], {})).toBe(false);
    expect(run("pipe", [], { FORCE_COLOR: "1" })).toBe(true);
    expect(run("pipe", ["--color", "always"], {})).toBe(true);
    expect(run("pipe", ["--color=auto"], { FORCE_COLOR: "0" })).toBe(false);
  });

  it("a misspelt --color value is a usage error naming the choices", () => {
    const r = spawnSync(process.execPath, [BIN, "lint", "--color=alwyas", "x"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^pgrepl-gen: invalid value "alwyas" for `--color`; choices: "auto", "always", "never"/,
    );
  });
});
