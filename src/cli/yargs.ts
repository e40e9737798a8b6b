/**
 * The command line as yargs defines it: the authority on what is valid, every usage error and the
 * help text. main() loads this only for what the fast parser (args.ts) leaves to it; the help text
 * is also captured at build time (scripts/gen-help.mjs → help.generated.ts).
 */
import yargs, { type Argv } from "yargs";
import { type Args, COLOR, defaults, FAIL_ON, FORMATS, isCommand } from "./args.js";
import { VERSION } from "./version.js";

/**
 * An example as one line, its explanation a shell comment: yargs lays an example with a description
 * out in two columns and wraps a long command onto a second line, so the first line copied alone
 * ran another command (`render … --out rendered` without `--check` writes). Without a description
 * it gets the whole width; test/cli-help.test.ts checks that each example fits on its line.
 */
function ex(command: string, comment: string): string {
  return `${command}   # ${comment}`;
}

const STDIN_FILENAME = {
  type: "string",
  describe: "the name the problems of - (standard input) carry",
} as const;

/**
 * `-` (standard input) as yargs sees it: yargs drops a lone `-` from the arguments, so it is
 * handed this instead (no argument can hold a NUL) and turned back after parsing.
 */
const STDIN = "\u0000-";

function parser(argv: string[]): Argv {
  return yargs(argv)
    .scriptName("pgrepl-gen")
    .usage("$0 <command> [options]\n\nRender and lint PostgreSQL streaming replication from a topology spec.")
    .command("validate <spec..>", "check topology specs (YAML or JSON) and print every problem", (y) =>
      y
        .positional("spec", { type: "string", array: true, describe: "spec files (- reads standard input)" })
        .option("stdin-filename", STDIN_FILENAME)
        .example(ex("$0 validate topology.yaml", "0 when valid, else 1 and FILE:LINE:COL lines"), "")
        .example(ex("cat topology.yaml | $0 validate -", "a spec on standard input"), ""),
    )
    .command("render <spec>", "write every artifact for every node of a spec", (y) =>
      y
        .positional("spec", {
          type: "string",
          describe:
            "spec file (- reads standard input; its relative base paths resolve from the current directory)",
        })
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
        .option("stdin-filename", STDIN_FILENAME)
        .example(
          ex("$0 render fixtures/specs/seed.yaml --out out", "render the seed scenario into ./out"),
          "",
        )
        .example(
          ex("$0 render topology.yaml --out rendered --check", "exit 1 when rendered/ has drifted"),
          "",
        ),
    )
    .command("lint <path..>", "lint config trees, data directories, rendered output and specs", (y) =>
      y
        .positional("path", {
          type: "string",
          array: true,
          describe: "files or directories (- reads one file from standard input)",
        })
        .option("format", {
          alias: "f",
          choices: FORMATS,
          default: "text" as const,
          describe: "output format",
        })
        .option("fail-on", {
          choices: FAIL_ON,
          default: "warning" as const,
          describe: "lowest severity that makes the exit code 1",
        })
        .option("postgres", { type: "number", describe: "major version when it cannot be inferred" })
        .option("fs", { type: "boolean", default: true, describe: "check owners and modes (--no-fs skips)" })
        .option("config", {
          type: "string",
          describe: "config file (default: .pgrepl-gen.yaml found upward)",
        })
        .option("stdin-filename", {
          ...STDIN_FILENAME,
          describe:
            "the name findings of - carry; what - is follows from it (pg_hba*.conf, *.conf, *.yaml/json), else from its content",
        })
        .option("color", {
          choices: COLOR,
          default: "auto" as const,
          describe: "colours in text output: auto = on a terminal, unless NO_COLOR is set or TERM=dumb",
        })
        .example(ex("$0 lint /etc/postgresql", "every Debian cluster on this host"), "")
        .example(ex("$0 lint --no-fs --format github conf/ topology.yaml", "in CI or pre-commit"), "")
        .example(ex("git show :pg_hba.conf | $0 lint --stdin-filename pg_hba.conf -", "a staged file"), ""),
    )
    .command("explain <rule>", "print a lint rule's documentation", (y) =>
      y
        .positional("rule", { type: "string", describe: "rule name" })
        .example(ex("$0 explain hba-cidr-host-bits", "the rule's page"), ""),
    )
    .option("debug", { type: "boolean", default: false, describe: "add stack traces to internal errors" })
    .demandCommand(1, "no command given; try `pgrepl-gen --help`")
    .strict()
    .version(VERSION)
    .help()
    .alias("h", "help")
    .locale("en")
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
      return `unknown option \`${flag}\`; see \`pgrepl-gen ${argv.find((a) => isCommand(a)) ?? ""} --help\``.replace(
        "  ",
        " ",
      );
    }
    return `unexpected argument \`${names[0]}\``;
  }
  const missing = /^Not enough non-option arguments: got 0, need at least 1$/.exec(msg);
  if (missing) {
    const cmd = argv.find((a) => isCommand(a));
    if (cmd)
      return `\`${cmd}\` needs ${cmd === "explain" ? "a RULE" : cmd === "lint" ? "at least one PATH" : "a SPEC"}; see \`pgrepl-gen ${cmd} --help\``;
  }
  const invalid = /^Invalid values:\s+Argument: (\S+), Given: (.*), Choices: (.*)$/s.exec(msg);
  if (invalid)
    return `invalid value ${invalid[2]?.trim()} for \`--${invalid[1]}\`; choices: ${invalid[3]?.trim()}`;
  return msg.charAt(0).toLowerCase() + msg.slice(1);
}

export type YargsResult = { failure: string } | { output: string } | { args: Args };

/** Parses argv with yargs: a usage failure (said the tool's way), help/version output, or the args. */
export function parseWithYargs(argv: string[]): YargsResult {
  let parsed: Parsed | undefined;
  let failure: string | undefined;
  let output = "";
  const given = argv.map((a) => (a === "-" ? STDIN : a));
  try {
    parser(given)
      .fail((msg, err) => {
        failure = msg ?? err?.message ?? "invalid arguments";
      })
      .parse(given, {}, (err, args, out) => {
        if (err && !failure) failure = err.message;
        parsed = args as Parsed;
        output = out;
      });
  } catch (e) {
    failure ??= (e as Error).message;
  }
  if (failure !== undefined) return { failure: usageMessage(failure, argv) };
  // --help or --version: yargs produced the text and ran no command.
  if (output) return { output: output.endsWith("\n") ? output : `${output}\n` };
  const command = String(parsed?._[0]);
  if (!parsed || !isCommand(command))
    return { failure: `unknown command \`${command}\`; try \`pgrepl-gen --help\`` };
  const p = parsed;
  const back = (v: unknown): string => (v === STDIN ? "-" : String(v));
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(back) : v === undefined ? [] : [back(v)]);
  const str = (v: unknown): string | undefined => (v === undefined ? undefined : back(v));
  const args = defaults(command);
  args.positionals = list(command === "lint" ? p.path : command === "explain" ? p.rule : p.spec);
  args.debug = p.debug === true;
  if (command !== "explain") args.stdinFilename = str(p["stdin-filename"]);
  if (command === "render") {
    args.out = back(p.out);
    args.check = p.check === true;
    args.force = p.force === true;
    args.prune = p.prune === true;
  }
  if (command === "lint") {
    args.format = p.format as Args["format"];
    args.failOn = p["fail-on"] as Args["failOn"];
    args.postgres = p.postgres as number | undefined;
    args.fs = p.fs !== false;
    args.config = str(p.config);
    args.color = p.color as Args["color"];
  }
  return { args };
}

/** The help text yargs prints for `--help` (command undefined) or `COMMAND --help`. */
export function helpText(command: string | undefined): string {
  const r = parseWithYargs(command === undefined ? ["--help"] : [command, "--help"]);
  if (!("output" in r)) throw new Error(`no help text for ${command}`);
  return r.output;
}
