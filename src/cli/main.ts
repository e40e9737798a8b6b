import yargs, { type Argv } from "yargs";
import { didYouMean } from "../util/suggest.js";
import type { CliIO } from "./io.js";
import { VERSION } from "./version.js";

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

function parser(argv: string[]): Argv {
  return yargs(argv)
    .scriptName("pgrepl-gen")
    .usage("$0 <command> [options]\n\nRender and lint PostgreSQL streaming replication from a topology spec.")
    .command("validate <spec..>", "check topology specs (YAML or JSON) and print every problem", (y) =>
      y
        .positional("spec", { type: "string", array: true, describe: "spec files" })
        .example("$0 validate topology.yaml", "exit 0 when valid, 1 with FILE:LINE:COL lines when not"),
    )
    .command("render <spec>", "write every artifact for every node of a spec", (y) =>
      y
        .positional("spec", { type: "string", describe: "spec file" })
        .option("out", { alias: "o", type: "string", default: "out", describe: "output directory" })
        .option("check", {
          type: "boolean",
          default: false,
          describe: "write nothing; show a unified diff of drift between DIR and the spec, exit 1 on drift",
        })
        .option("force", {
          type: "boolean",
          default: false,
          describe: "overwrite files render did not write or that were edited since",
        })
        .option("prune", {
          type: "boolean",
          default: false,
          describe: "remove files render wrote earlier for nodes no longer in the spec",
        })
        .example("$0 render fixtures/specs/seed.yaml --out out", "render the seed scenario into ./out")
        .example("$0 render topology.yaml --out rendered --check", "fail when committed output has drifted"),
    )
    .command("lint <path..>", "lint config trees, data directories, rendered output and specs", (y) =>
      y
        .positional("path", { type: "string", array: true, describe: "files or directories" })
        .option("format", {
          alias: "f",
          choices: ["text", "json", "sarif", "github"] as const,
          default: "text" as const,
          describe: "output format",
        })
        .option("fail-on", {
          choices: ["error", "warning", "info", "never"] as const,
          default: "warning" as const,
          describe: "lowest severity that makes the exit code 1",
        })
        .option("postgres", { type: "number", describe: "major version when it cannot be inferred" })
        .option("fs", { type: "boolean", default: true, describe: "check owners and modes (--no-fs skips)" })
        .option("config", {
          type: "string",
          describe: "config file (default: .pgrepl-gen.yaml found upward)",
        })
        .example("$0 lint /etc/postgresql", "lint every Debian cluster on this host")
        .example("$0 lint --no-fs --format github conf/ topology.yaml", "in CI or pre-commit"),
    )
    .command("explain <rule>", "print a lint rule's documentation", (y) =>
      y
        .positional("rule", { type: "string", describe: "rule name" })
        .example("$0 explain hba-cidr-host-bits", ""),
    )
    .option("debug", { type: "boolean", default: false, describe: "add stack traces to internal errors" })
    .demandCommand(1, "no command given; try `pgrepl-gen --help`")
    .strict()
    .version(VERSION)
    .help()
    .alias("h", "help")
    .wrap(Math.min(110, process_width()))
    .exitProcess(false);
}

// yargs reads the terminal width itself; a fixed width keeps help output stable in tests.
function process_width(): number {
  return 100;
}

interface Parsed {
  _: (string | number)[];
  [key: string]: unknown;
}

/** The whole CLI: parse argv, run one command, return its exit code. Never throws. */
const COMMANDS = ["validate", "render", "lint", "explain"];

/** yargs' failure messages, said the way the rest of the tool speaks. */
function usageMessage(msg: string, argv: string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg);
  if (unknown?.[1]) {
    const names = unknown[1].split(", ");
    const opt = names.find(
      (n) => argv.includes(`--${n}`) || argv.includes(`-${n}`) || argv.some((a) => a.startsWith(`--${n}=`)),
    );
    if (opt) {
      const flag = argv.includes(`-${opt}`) ? `-${opt}` : `--${opt}`;
      return `unknown option \`${flag}\`; see \`pgrepl-gen ${argv.find((a) => COMMANDS.includes(a)) ?? ""} --help\``.replace(
        "  ",
        " ",
      );
    }
    return `unexpected argument \`${names[0]}\``;
  }
  const missing = /^Not enough non-option arguments: got 0, need at least 1$/.exec(msg);
  if (missing) {
    const cmd = argv.find((a) => COMMANDS.includes(a));
    if (cmd)
      return `\`${cmd}\` needs ${cmd === "explain" ? "a RULE" : cmd === "lint" ? "at least one PATH" : "a SPEC"}; see \`pgrepl-gen ${cmd} --help\``;
  }
  const invalid = /^Invalid values:\s+Argument: (\S+), Given: (.*), Choices: (.*)$/s.exec(msg);
  if (invalid)
    return `invalid value ${invalid[2]?.trim()} for \`--${invalid[1]}\`; choices: ${invalid[3]?.trim()}`;
  return msg.charAt(0).toLowerCase() + msg.slice(1);
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const first = argv[0];
  if (first !== undefined && !first.startsWith("-") && !COMMANDS.includes(first)) {
    io.stderr(
      `pgrepl-gen: unknown command \`${first}\`${didYouMean(first, COMMANDS)} (commands: ${COMMANDS.join(", ")})\n`,
    );
    return EXIT_USAGE;
  }
  let parsed: Parsed | undefined;
  let failure: string | undefined;
  let output = "";
  try {
    parser(argv)
      .fail((msg, err) => {
        failure = msg ?? err?.message ?? "invalid arguments";
      })
      .parse(argv, {}, (err, args, out) => {
        if (err && !failure) failure = err.message;
        parsed = args as Parsed;
        output = out;
      });
  } catch (e) {
    failure ??= (e as Error).message;
  }
  if (failure !== undefined) {
    io.stderr(`pgrepl-gen: ${firstLine(usageMessage(failure, argv))}\n`);
    return EXIT_USAGE;
  }
  if (output) {
    // --help or --version: yargs produced the text and ran no command.
    io.stdout(output.endsWith("\n") ? output : `${output}\n`);
    return EXIT_OK;
  }
  if (!parsed) return EXIT_USAGE;
  const debug = parsed.debug === true;
  try {
    switch (String(parsed._[0])) {
      case "validate":
        // Each command loads only what it needs (lint needs no template engine or schema compiler).
        return await (await import("./commands/validate.js")).runValidate(parsed.spec as string[], io);
      case "render":
        return await (await import("./commands/render.js")).runRender(
          {
            spec: parsed.spec as string,
            out: parsed.out as string,
            check: parsed.check === true,
            force: parsed.force === true,
            prune: parsed.prune === true,
          },
          io,
        );
      case "lint":
        return await (await import("./commands/lint.js")).runLint(
          {
            paths: parsed.path as string[],
            format: parsed.format as "text" | "json" | "sarif" | "github",
            failOn: parsed["fail-on"] as "error" | "warning" | "info" | "never",
            postgres: parsed.postgres as number | undefined,
            fs: parsed.fs !== false,
            config: parsed.config as string | undefined,
          },
          io,
        );
      case "explain":
        return await (await import("./commands/explain.js")).runExplain(parsed.rule as string, io);
      default:
        io.stderr(`pgrepl-gen: unknown command \`${String(parsed._[0])}\`; try \`pgrepl-gen --help\`\n`);
        return EXIT_USAGE;
    }
  } catch (e) {
    const err = e as Error;
    io.stderr(`pgrepl-gen: internal error: ${firstLine(err.message)} (please report it)\n`);
    if (debug && err.stack) io.stderr(`${err.stack}\n`);
    return EXIT_USAGE;
  }
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
