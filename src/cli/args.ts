/**
 * The fast path of argument parsing. yargs (src/cli/yargs.ts) is the authority on the command line:
 * its definition is the CLI, and it gives every usage error and the help text. Loading it costs
 * about as much as the rest of a lint run, so the plain, well-formed command lines that hooks and
 * scripts use are parsed here instead, and anything this parser is not sure of (an unknown or
 * repeated option, a value that looks like an option or a number, `--`, a missing argument) returns
 * undefined and goes to yargs. test/cli-args.test.ts checks, over generated command lines, that
 * whatever this parser accepts yargs accepts and parses to the same values.
 *
 * `--help` and `--version` alone, or after a command name, are answered from the help text
 * yargs produced at build time (src/cli/help.generated.ts, kept current by a test).
 */

export const COMMANDS = ["validate", "render", "lint", "explain"] as const;
export type Command = (typeof COMMANDS)[number];

export const FORMATS = ["text", "json", "sarif", "github"] as const;
export const FAIL_ON = ["error", "warning", "info", "never"] as const;
export const COLOR = ["auto", "always", "never"] as const;

/** What main() needs from a parsed command line, whichever parser produced it. */
export interface Args {
  command: Command;
  /** validate: specs; render: [spec]; lint: paths; explain: [rule] */
  positionals: string[];
  debug: boolean;
  out: string;
  check: boolean;
  force: boolean;
  prune: boolean;
  format: (typeof FORMATS)[number];
  failOn: (typeof FAIL_ON)[number];
  postgres: number | undefined;
  fs: boolean;
  config: string | undefined;
  /** the name `-` (standard input) carries in findings and problems; and, for lint, what it is */
  stdinFilename: string | undefined;
  /** --color: colours in text output (auto: on a terminal, unless NO_COLOR, TERM=dumb; FORCE_COLOR) */
  color: (typeof COLOR)[number];
}

export type Fast =
  | { kind: "run"; args: Args }
  | { kind: "help"; command: Command | undefined }
  | { kind: "version" };

type Opt = { type: "string" | "boolean" | "number" | "choice"; key: keyof Args; choices?: readonly string[] };

const GLOBAL: Record<string, Opt> = { "--debug": { type: "boolean", key: "debug" } };
const STDIN_FILENAME: Opt = { type: "string", key: "stdinFilename" };
const OPTIONS: Record<Command, Record<string, Opt>> = {
  validate: { "--stdin-filename": STDIN_FILENAME },
  render: {
    "--stdin-filename": STDIN_FILENAME,
    "--out": { type: "string", key: "out" },
    "-o": { type: "string", key: "out" },
    "--check": { type: "boolean", key: "check" },
    "--force": { type: "boolean", key: "force" },
    "--prune": { type: "boolean", key: "prune" },
  },
  lint: {
    "--format": { type: "choice", key: "format", choices: FORMATS },
    "-f": { type: "choice", key: "format", choices: FORMATS },
    "--fail-on": { type: "choice", key: "failOn", choices: FAIL_ON },
    "--postgres": { type: "number", key: "postgres" },
    "--fs": { type: "boolean", key: "fs" },
    "--config": { type: "string", key: "config" },
    "--stdin-filename": STDIN_FILENAME,
    "--color": { type: "choice", key: "color", choices: COLOR },
  },
  explain: {},
};
/** Positional arguments: [at least, at most] */
const ARITY: Record<Command, [number, number]> = {
  validate: [1, Infinity],
  render: [1, 1],
  lint: [1, Infinity],
  explain: [1, 1],
};

// What yargs-parser would read as a number (it then stops being a plain string).
const NUMBERISH = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$|^0x[0-9a-f]+$/i;
const HELP = new Set(["--help", "-h"]);

export function defaults(command: Command): Args {
  return {
    command,
    positionals: [],
    debug: false,
    out: "out",
    check: false,
    force: false,
    prune: false,
    format: "text",
    failOn: "warning",
    postgres: undefined,
    fs: true,
    config: undefined,
    stdinFilename: undefined,
    color: "auto",
  };
}

export function isCommand(s: string | undefined): s is Command {
  return (COMMANDS as readonly string[]).includes(s ?? "");
}

/** The parsed command line, or undefined when yargs must decide. Pure. */
export function fastParse(argv: readonly string[]): Fast | undefined {
  if (argv.length === 1 && HELP.has(argv[0] as string)) return { kind: "help", command: undefined };
  if (argv.length === 1 && argv[0] === "--version") return { kind: "version" };
  const command = argv[0];
  if (!isCommand(command)) return undefined;
  if (argv.length === 2 && HELP.has(argv[1] as string)) return { kind: "help", command };
  const args = defaults(command);
  const table = OPTIONS[command];
  const seen = new Set<keyof Args>();
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    // `-` is a PATH or SPEC: standard input
    if (!a.startsWith("-") || a === "-") {
      if (a === "" || NUMBERISH.test(a)) return undefined;
      args.positionals.push(a);
      continue;
    }
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (name === "--no-fs" && command === "lint" && eq < 0) {
      if (seen.has("fs")) return undefined;
      seen.add("fs");
      args.fs = false;
      continue;
    }
    const opt = GLOBAL[name] ?? table[name];
    if (!opt || seen.has(opt.key)) return undefined;
    seen.add(opt.key);
    if (opt.type === "boolean") {
      // `--check=false` and `--check false` are yargs' to read
      if (eq > 0) return undefined;
      const next = argv[i + 1];
      if (next === "true" || next === "false") return undefined;
      (args[opt.key] as boolean) = true;
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = a.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || value === "" || value.startsWith("-")) return undefined;
    if (opt.type === "number") {
      if (!/^[1-9][0-9]{0,5}$/.test(value)) return undefined;
      (args[opt.key] as number) = Number(value);
    } else if (opt.type === "choice") {
      if (!opt.choices?.includes(value)) return undefined;
      (args[opt.key] as string) = value;
    } else {
      if (NUMBERISH.test(value)) return undefined;
      (args[opt.key] as string) = value;
    }
  }
  const [least, most] = ARITY[command];
  if (args.positionals.length < least || args.positionals.length > most) return undefined;
  return { kind: "run", args };
}
