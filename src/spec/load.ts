import { join, resolve } from "node:path";
import { compareProblems, type Problem } from "../util/diagnostic.js";
import { type ReadResult, readText } from "../util/read-text.js";
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

/** What the SPEC `-` reads: standard input, and the name its problems carry (`--stdin-filename`). */
export interface StdinSource {
  read: ((maxBytes: number) => ReadResult) | undefined;
  /** default `<stdin>` */
  name?: string | undefined;
}

/** The name problems of the SPEC `-` carry. */
export function stdinName(stdin: StdinSource | undefined): string {
  return stdin?.name ?? "<stdin>";
}

/**
 * Reads and checks a spec file; `file` is shown as given, and read relative to `cwd`. A FIFO
 * (`/dev/stdin`, `<(…)`) is read to its end. `-` is standard input: its relative `base` paths
 * resolve from `cwd`, as there is no spec directory.
 */
export function loadSpec(file: string, cwd: string, stdin?: StdinSource): SpecResult {
  const fromStdin = file === "-";
  const shown = fromStdin ? stdinName(stdin) : file;
  const abs = fromStdin ? join(cwd, "<stdin>") : resolve(cwd, file);
  let r: ReadResult;
  if (!fromStdin) r = readText(abs, MAX_SPEC_BYTES, { streams: true });
  else if (stdin?.read) r = stdin.read(MAX_SPEC_BYTES);
  else r = { ok: false, reason: "standard input cannot be read here", pos: null, kind: "unreadable" };
  if (!r.ok) {
    return {
      ok: false,
      problems: [{ file: shown, pos: r.pos, message: r.reason }],
      unreadable: r.kind !== "invalid",
    };
  }
  return checkSpecText(r.text, shown, abs);
}
