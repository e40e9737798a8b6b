import { resolve } from "node:path";
import { compareProblems, type Problem } from "../util/diagnostic.js";
import { readText } from "../util/read-text.js";
import type { Topology } from "./model.js";
import { normalize } from "./normalize.js";
import { parseSpecText } from "./parse.js";
import { schemaProblems } from "./schema.js";
import { settingsProblems } from "./settings.js";
import { literalPasswordProblems, topologyProblems } from "./topology.js";

/** Specs are small; anything bigger is not a spec (and is not read into memory). */
export const MAX_SPEC_BYTES = 1024 * 1024;
const MAX_BASE_BYTES = 16 * 1024 * 1024;

export type SpecResult =
  | { ok: true; topology: Topology; problems: [] }
  | { ok: false; problems: Problem[] /** the file could not be read at all (exit 2) */; unreadable: boolean };

/** Every problem of a spec's text, or its normalized model. Reads only the base files a node names. */
export function checkSpecText(text: string, file: string, absPath: string = file): SpecResult {
  const parsed = parseSpecText(text, file);
  if (!parsed.doc) return { ok: false, problems: parsed.problems, unreadable: false };
  const doc = parsed.doc;
  if (typeof doc.value !== "object" || doc.value === null || Array.isArray(doc.value)) {
    return {
      ok: false,
      problems: [
        {
          file,
          pos: doc.locate([]),
          message: "a spec is a mapping with `version`, `cluster`, `replication` and `nodes`",
        },
      ],
      unreadable: false,
    };
  }
  const secrets = literalPasswordProblems(doc);
  const problems = [
    ...secrets.problems,
    ...schemaProblems(doc, secrets.suppress),
    ...topologyProblems(doc),
    ...settingsProblems(doc, secrets.suppress),
  ];
  if (problems.length > 0) return { ok: false, problems: problems.sort(compareProblems), unreadable: false };
  const topology = normalize(doc.value, file, absPath);
  // The base files a node names must be readable text (render makes its patches against them).
  for (const n of topology.nodes) {
    for (const [key, path] of [
      ["postgresql_conf", n.base.postgresqlConf],
      ["pg_hba_conf", n.base.pgHbaConf],
    ] as const) {
      if (path === undefined) continue;
      const r = readText(path, MAX_BASE_BYTES);
      if (!r.ok) {
        problems.push({
          file,
          pos: doc.locate(["nodes", n.index, "base", key]),
          message: `nodes[${n.index}].base.${key}: ${r.reason}`,
        });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems, unreadable: false };
  return { ok: true, topology, problems: [] };
}

/** Reads and checks a spec file; `file` is shown as given, and read relative to `cwd`. */
export function loadSpec(file: string, cwd: string): SpecResult {
  const abs = resolve(cwd, file);
  const r = readText(abs, MAX_SPEC_BYTES);
  if (!r.ok) {
    return {
      ok: false,
      problems: [{ file, pos: r.pos, message: r.reason }],
      unreadable: r.kind !== "invalid",
    };
  }
  return checkSpecText(r.text, file, abs);
}
