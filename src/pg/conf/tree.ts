/**
 * What the server reads at start-up and on reload (ProcessConfigFile in guc-file.l): postgresql.conf
 * with every include, then postgresql.auto.conf in the data directory, and which setting of each
 * parameter wins. parse.ts reads the files.
 */
import { posix } from "node:path";
import type { ConfFs } from "./fs.js";
import { AUTO_CONF_FILENAME, LATEST_MAJOR, TreeParser } from "./parse.js";
import type { ConfProblem, ConfSetting, ConfTree, IncludeDirective, ParseConfOptions } from "./types.js";

/**
 * Parse postgresql.conf with every include, then postgresql.auto.conf, as the server does at
 * startup. Pure over `fs`.
 */
export function parseConfigTree(fs: ConfFs, opts: ParseConfOptions): ConfTree {
  const guessDataDir = posix.dirname(opts.configFile);
  const major = opts.major ?? LATEST_MAJOR;
  const p = new TreeParser(fs, opts.dataDir ?? guessDataDir, opts.firstErrorOnly ?? false, true, major);
  const ok = p.parseFile(opts.configFile, true, null, null, 0);
  let autoConf: string | null = null;
  if (opts.dataDir !== null) {
    let dataDir = opts.dataDir;
    if (dataDir === undefined) {
      const dd = [...p.settings].reverse().find((s) => s.key === "data_directory");
      dataDir = dd?.value.startsWith("/") ? dd.value : guessDataDir;
    }
    autoConf = posix.join(dataDir, AUTO_CONF_FILENAME);
    const p2 = new TreeParser(fs, dataDir, opts.firstErrorOnly ?? false, true, major);
    p2.source = "auto";
    // The auto file continues the server's list; renumber after the main list.
    p2.parseFile(autoConf, false, null, null, 0);
    const offset = Math.max(0, ...p.settings.map((s) => s.seq), ...p.problems.map((q) => q.seq));
    for (const s of p2.settings) p.settings.push({ ...s, seq: s.seq + offset });
    for (const q of p2.problems) p.problems.push({ ...q, seq: q.seq + offset });
    p.includes.push(...p2.includes);
    p.files.push(...p2.files);
  }
  const effective = new Map<string, ConfSetting>();
  for (const s of p.settings) {
    if (s.source === "auto" && !ok) continue;
    effective.set(s.key, s);
  }
  return {
    settings: p.settings,
    effective,
    problems: p.problems,
    includes: p.includes,
    files: p.files,
    autoConf,
    serverReadsAutoConf: autoConf !== null && ok,
  };
}

/** Parse one file's text without following includes (directives are listed, not read). */
export function parseConfText(
  text: string,
  file: string,
): { settings: ConfSetting[]; problems: ConfProblem[]; includes: IncludeDirective[] } {
  const noFs: ConfFs = {
    readFile: () => "",
    listDir: () => [],
    stat: () => ({ type: "file" }),
  };
  const p = new TreeParser(noFs, posix.dirname(file), false, false);
  p.files.push({ path: file, depth: 0, source: "main", chain: [] });
  p.parseText(text, { file, depth: 0, chain: [] });
  return { settings: p.settings, problems: p.problems, includes: p.includes };
}
