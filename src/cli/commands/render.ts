import { resolve } from "node:path";
import { renderFiles } from "../../render/render.js";
import { checkRendered, writeRendered } from "../../render/write.js";
import { loadSpec, stdinName } from "../../spec/load.js";
import { formatProblem } from "../../util/diagnostic.js";
import type { CliIO } from "../io.js";

export interface RenderOptions {
  spec: string;
  out: string;
  check: boolean;
  force: boolean;
  prune: boolean;
  /** the name of the SPEC `-` (standard input) in problems and in the rendered files */
  stdinFilename?: string | undefined;
}

export async function runRender(opts: RenderOptions, io: CliIO): Promise<number> {
  const stdin = { read: io.readStdin, name: opts.stdinFilename };
  const r = loadSpec(opts.spec, io.cwd, stdin);
  if (!r.ok) {
    for (const p of r.problems) io.stdout(`${formatProblem(p)}\n`);
    return r.unreadable ? 2 : 1;
  }
  const spec = opts.spec === "-" ? stdinName(stdin) : opts.spec;
  const files = renderFiles(r.topology, spec);
  const dir = resolve(io.cwd, opts.out);

  if (opts.check) {
    const drift = checkRendered(dir, files);
    for (const d of drift.diffs) io.stdout(d);
    for (const n of drift.notes) io.stdout(`${opts.out}/${n}\n`);
    const count = drift.diffs.length + drift.notes.length;
    if (count === 0) return 0;
    io.stderr(
      `pgrepl-gen: ${opts.out} has drifted from ${spec} (${count} file${count === 1 ? "" : "s"}); run \`pgrepl-gen render ${opts.spec} --out ${opts.out}\`\n`,
    );
    return 1;
  }

  let report: ReturnType<typeof writeRendered>;
  try {
    report = writeRendered(dir, spec, files, { force: opts.force, prune: opts.prune });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    io.stderr(
      `pgrepl-gen: cannot write ${err.path ?? opts.out}: ${err.code === "EACCES" ? "permission denied" : err.code === "ENOTDIR" ? "a path component is not a directory" : (err.code ?? err.message)}\n`,
    );
    return 2;
  }
  if (report.refused.length > 0) {
    for (const x of report.refused)
      io.stderr(`${opts.out}/${x.path}: ${x.reason}; refusing to overwrite (--force overwrites)\n`);
    io.stderr(`pgrepl-gen: nothing was written\n`);
    return 2;
  }
  const nodes = r.topology.nodes.length;
  io.stdout(
    `rendered ${nodes} node${nodes === 1 ? "" : "s"} into ${opts.out}: ${report.written.length} written, ${report.unchanged.length} unchanged${report.removed.length ? `, ${report.removed.length} removed` : ""}\n`,
  );
  if (report.kept.length > 0) {
    io.stdout(
      `kept ${report.kept.length} file${report.kept.length === 1 ? "" : "s"} of nodes no longer in the spec (--prune removes them)\n`,
    );
  }
  io.stdout(`next: read ${opts.out}/README.md, then run the steps of ${opts.out}/plan.json in order\n`);
  return 0;
}
