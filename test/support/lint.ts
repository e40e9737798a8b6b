/** Helpers for the lint tests: run lint in-process, read doc examples, snapshot trees. */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { bufferIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

export interface LintRun {
  code: number;
  out: string;
  err: string;
}

/** `pgrepl-gen lint ARGS…` through main(), in `cwd`. */
export async function runLint(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<LintRun> {
  const io = bufferIO({ cwd, env });
  const code = await main(["lint", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

export interface JsonFinding {
  rule: string;
  severity: "error" | "warning" | "info";
  message: string;
  file: string;
  line: number | null;
  column: number | null;
  node?: string;
}

export async function lintJson(
  args: string[],
  cwd: string,
): Promise<{ code: number; findings: JsonFinding[]; err: string }> {
  const r = await runLint(["--format", "json", ...args], cwd);
  return { code: r.code, findings: JSON.parse(r.out || "[]") as JsonFinding[], err: r.err };
}

/** `rule@file:line:col` for assertions on positions, not wording. */
export function where(f: JsonFinding): string {
  return `${f.rule}@${f.file}:${f.line ?? "-"}:${f.column ?? "-"}`;
}

export interface DocExample {
  section: "Bad" | "Good";
  files: Array<{ name: string; text: string }>;
}

/** The `## Bad` and `## Good` sections of a rule page: their code blocks that name a file (```ini file=NAME). */
export function docExamples(markdown: string): DocExample[] {
  const out: DocExample[] = [];
  const sections = markdown.split(/^## /m);
  for (const s of sections) {
    const title = s.split("\n", 1)[0]?.trim();
    if (title !== "Bad" && title !== "Good") continue;
    const ex: DocExample = { section: title, files: [] };
    const block = /^```[a-z]*(?: file=(\S+))?\n([\s\S]*?)^```$/gm;
    for (let m = block.exec(s); m !== null; m = block.exec(s)) {
      if (m[1]) ex.files.push({ name: m[1], text: m[2] ?? "" });
    }
    out.push(ex);
  }
  return out;
}

export function writeTree(dir: string, files: Array<{ name: string; text: string }>): void {
  for (const f of files) {
    const p = join(dir, f.name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.text);
  }
}

/** Every entry under dir (not following links) with its type, mode, size, mtime and content hash: what "nothing changed" means. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (p: string): void => {
    const st = lstatSync(p);
    let content = "";
    if (st.isFile()) content = readFileSync(p).toString("base64");
    out.set(p, `${st.mode}:${st.uid}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${content}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) visit(join(p, n));
  };
  visit(dir);
  return out;
}

/** The golden cases under a fixtures/lint/ directory: its subdirectories, sorted. */
export function goldenCases(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** A golden case's command line after `lint`: its args.txt, default `.`. */
export function goldenArgs(dir: string): string[] {
  const f = join(dir, "args.txt");
  return existsSync(f) ? readFileSync(f, "utf8").trim().split(/\s+/) : ["."];
}
