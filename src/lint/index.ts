/** lint as a library: PATHs in, findings out. The CLI (src/cli/commands/lint.ts) only prints. */
import { relative, resolve } from "node:path";
import { isSupportedMajor, SUPPORTED_MAJORS } from "../pg/catalog/index.js";
import { CONFIG_FILENAME, EMPTY_CONFIG, findConfig, type LintConfig, loadConfig } from "./config.js";
import { discover, workspaceRoots } from "./discover.js";
import { displayPath, RuleRun } from "./engine.js";
import type { Finding } from "./model.js";
import { knownRuleNames } from "./registry.js";
import { retainForWorkspace } from "./retain.js";
import type { Streamed } from "./streams.js";
import { unplacedNote } from "./topology.js";

export interface LintRequest {
  paths: readonly string[];
  cwd: string;
  /** false: --no-fs */
  fs: boolean;
  /** --postgres */
  postgres: number | undefined;
  /** --config, as given */
  config: string | undefined;
  /** "today" for date-dependent rules (CliIO.now); default: the clock */
  today?: Date;
  /** keep every parsed fact until the workspace rules run (tests compare with the slimmed run) */
  keepAll?: boolean;
  /**
   * false: the output shows no source excerpts (every format but text), so the texts of pg_hba.conf
   * files are let go once their server is judged (their suppression comments are kept). Default true.
   */
  excerpts?: boolean;
  /** PATHs already read as streams (`-`, FIFOs), by absolute path (streams.ts) */
  streams?: ReadonlyMap<string, Streamed>;
}

export type LintOutcome =
  | { ok: false; error: string }
  | {
      ok: true;
      findings: Finding[];
      /** PATHs that do not exist or cannot be read at all (exit 2), one line each */
      pathErrors: string[];
      /** what the user should know about the run that is not a finding (stderr) */
      notes: string[];
      config: LintConfig;
      /** the text of every file read, by the path findings show (for excerpts; without `excerpts`, no pg_hba.conf) */
      sources: Map<string, string>;
    };

function shown(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel === "" || rel.startsWith("..") ? abs : rel;
}

export async function lint(req: LintRequest): Promise<LintOutcome> {
  if (req.postgres !== undefined && !isSupportedMajor(req.postgres)) {
    return {
      ok: false,
      error: `--postgres ${req.postgres} is not a supported major version (${SUPPORTED_MAJORS[0]}..${SUPPORTED_MAJORS.at(-1)})`,
    };
  }
  let config = EMPTY_CONFIG;
  const configPath = req.config !== undefined ? resolve(req.cwd, req.config) : findConfig(req.cwd);
  if (configPath !== null) {
    const r = await loadConfig(configPath, req.config ?? shown(configPath, req.cwd), knownRuleNames());
    if (!r.ok) return { ok: false, error: r.error };
    config = r.config;
  }
  const postgres = req.postgres ?? config.postgres;
  const run = new RuleRun(
    { fs: req.fs, config, ...(req.today ? { today: req.today } : {}) },
    workspaceRoots(req.paths, req.cwd),
  );
  // Each server is judged by the server-scope rules as soon as it is read, then slimmed: a
  // fleet's parsed pg_hba.conf files are never all in memory at once.
  const found = await discover(req.paths, {
    cwd: req.cwd,
    fs: req.fs,
    postgres,
    postgresFrom: req.postgres !== undefined ? "--postgres" : `\`postgres\` in ${CONFIG_FILENAME}`,
    ...(req.streams ? { streams: req.streams } : {}),
    onServer: (server, texts, newHba) => {
      run.server(server, texts);
      if (req.keepAll) return;
      // No rule reads a pg_hba.conf text (rules read parsed records); only excerpts show them.
      retainForWorkspace(server, req.excerpts === false);
      if (req.excerpts === false) {
        for (const t of newHba) {
          run.retire(t);
          texts.delete(t.path);
        }
      }
    },
  });
  const findings = run.finish(found.workspace);
  const notes: string[] = [];
  // Say plainly when a version could not be inferred: the checks that depend on it then only
  // report what every supported version rejects.
  const unversioned = found.workspace.servers.filter((s) => s.major === undefined && (s.conf || s.hba));
  if (unversioned.length > 0) {
    const u = unversioned[0];
    // a data directory's postgresql.auto.conf read alone has no configFile: name the file read
    const first = displayPath(
      u?.configFile ?? u?.conf?.files[0]?.path ?? u?.hba?.file ?? u?.dataDir?.path ?? u?.id ?? "",
      found.workspace.roots,
    );
    const more = unversioned.length > 1 ? ` and ${unversioned.length - 1} more` : "";
    notes.push(
      `note: the PostgreSQL version of ${first}${more} is not known, so version-dependent checks report only what every version ${SUPPORTED_MAJORS[0]}–${SUPPORTED_MAJORS.at(-1)} rejects; pass --postgres N or set \`postgres: N\` in ${CONFIG_FILENAME}`,
    );
  }
  const unplaced = unplacedNote(found.workspace, (p) => displayPath(p, found.workspace.roots));
  if (unplaced !== undefined) notes.push(unplaced);
  const sources = new Map<string, string>();
  for (const t of found.workspace.texts.values())
    sources.set(displayPath(t.path, found.workspace.roots), t.text);
  return { ok: true, findings, pathErrors: found.pathErrors, notes, config, sources };
}
