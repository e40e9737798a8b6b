import { didYouMean } from "../util/suggest.js";
import { type Args, COMMANDS, fastParse, isCommand } from "./args.js";
import { HELP } from "./help.generated.js";
import type { CliIO } from "./io.js";
import type { LoadModule } from "./modules.js";
import { importModule } from "./modules-import.js";
import { VERSION } from "./version.js";

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/**
 * The whole CLI: parse argv, run one command, return its exit code. Never throws.
 * Plain command lines are parsed by args.ts; anything else, and every usage error, by yargs
 * (yargs.ts, loaded only then). Each command loads only what it needs (lint needs no template
 * engine and no schema validator), through `load` (see modules.ts).
 */
export async function main(argv: string[], io: CliIO, load: LoadModule = importModule): Promise<number> {
  const first = argv[0];
  if (first !== undefined && !first.startsWith("-") && !isCommand(first)) {
    io.stderr(
      `pgrepl-gen: unknown command \`${first}\`${didYouMean(first, COMMANDS)} (commands: ${COMMANDS.join(", ")})\n`,
    );
    return EXIT_USAGE;
  }
  const fast = fastParse(argv);
  let args: Args | undefined;
  if (fast?.kind === "help") {
    io.stdout(HELP[fast.command ?? ""] as string);
    return EXIT_OK;
  }
  if (fast?.kind === "version") {
    io.stdout(`${VERSION}\n`);
    return EXIT_OK;
  }
  try {
    if (fast) args = fast.args;
    else {
      const r = (await load("yargs")).parseWithYargs(argv);
      if ("failure" in r) {
        io.stderr(`pgrepl-gen: ${firstLine(r.failure)}\n`);
        return EXIT_USAGE;
      }
      if ("output" in r) {
        io.stdout(r.output);
        return EXIT_OK;
      }
      args = r.args;
    }
    return await run(args, io, load);
  } catch (e) {
    const err = e as Error;
    io.stderr(`pgrepl-gen: internal error: ${firstLine(err.message)} (please report it)\n`);
    if ((args?.debug ?? argv.includes("--debug")) && err.stack) io.stderr(`${err.stack}\n`);
    return EXIT_USAGE;
  }
}

async function run(args: Args, io: CliIO, load: LoadModule): Promise<number> {
  if (args.positionals.filter((p) => p === "-").length > 1) {
    io.stderr("pgrepl-gen: `-` (standard input) can be given only once\n");
    return EXIT_USAGE;
  }
  switch (args.command) {
    case "validate":
      return (await load("validate")).runValidate(args.positionals, io, args.stdinFilename);
    case "render":
      return (await load("render")).runRender(
        {
          spec: args.positionals[0] as string,
          out: args.out,
          check: args.check,
          force: args.force,
          prune: args.prune,
          stdinFilename: args.stdinFilename,
        },
        io,
      );
    case "lint":
      return (await load("lint")).runLint(
        {
          paths: args.positionals,
          format: args.format,
          failOn: args.failOn,
          postgres: args.postgres,
          fs: args.fs,
          config: args.config,
          stdinFilename: args.stdinFilename,
          color: args.color,
        },
        io,
      );
    case "explain":
      return (await load("explain")).runExplain(args.positionals[0] as string, io);
  }
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
