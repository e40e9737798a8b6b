import { FORMATTERS } from "../../lint/format/index.js";
import { lint } from "../../lint/index.js";
import { severityRank } from "../../lint/model.js";
import { RULES } from "../../lint/registry.js";
import { readStreams } from "../../lint/streams.js";
import { gitTopLevel } from "../../util/repo-root.js";
import type { Args } from "../args.js";
import { useColor } from "../color.js";
import type { CliIO } from "../io.js";

export interface LintOptions {
  paths: string[];
  format: Args["format"];
  failOn: Args["failOn"];
  postgres: number | undefined;
  fs: boolean;
  config: string | undefined;
  /** the name `-` (standard input) carries, which also says what it is */
  stdinFilename?: string | undefined;
  color?: Args["color"];
}

/**
 * lint PATH…: findings on stdout in the chosen format; exit 0 when none is at or above
 * --fail-on, 1 when one is, 2 on a usage error or a PATH that cannot be linted at all (the
 * other PATHs are still linted and printed).
 */
export async function runLint(opts: LintOptions, io: CliIO): Promise<number> {
  const formatter = FORMATTERS[opts.format];
  if (!formatter) {
    io.stderr(`pgrepl-gen: --format ${opts.format} is not available in this version yet; use text or json\n`);
    return 2;
  }
  if (opts.postgres !== undefined && Number.isNaN(opts.postgres)) {
    io.stderr("pgrepl-gen: --postgres takes a major version such as 15\n");
    return 2;
  }
  // `-` and FIFOs named on the command line are read first, whole (streams.ts)
  const streamed = readStreams(opts.paths, {
    cwd: io.cwd,
    stdinFilename: opts.stdinFilename,
    readStdin: io.readStdin,
  });
  const r = await lint({
    paths: streamed.paths,
    streams: streamed.streams,
    cwd: io.cwd,
    fs: opts.fs,
    postgres: opts.postgres,
    config: opts.config,
    today: io.now,
    excerpts: opts.format === "text",
  });
  if (!r.ok) {
    io.stderr(`pgrepl-gen: ${r.error}\n`);
    return 2;
  }
  const pathErrors = [...streamed.errors, ...r.pathErrors];
  for (const e of pathErrors) io.stderr(`pgrepl-gen: ${e}\n`);
  for (const n of r.notes) io.stderr(`pgrepl-gen: ${n}\n`);
  const out = formatter(r.findings, {
    rules: RULES,
    isTTY: io.isTTY,
    color: useColor(opts.color ?? "auto", io.isTTY, io.env),
    cwd: io.cwd,
    root: opts.format === "sarif" ? (gitTopLevel(io.cwd) ?? io.cwd) : io.cwd,
    source: (file) => r.sources.get(file),
  });
  if (typeof out === "string") io.stdout(out);
  else for (const piece of out) io.stdout(piece);
  if (pathErrors.length > 0) return 2;
  if (opts.failOn === "never") return 0;
  const threshold = severityRank(opts.failOn);
  return r.findings.some((f) => severityRank(f.severity) >= threshold) ? 1 : 0;
}
