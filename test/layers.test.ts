// The layers point down: util < pg < spec < lint, render < cli (docs/architecture in CONTRIBUTING.md).
// A file may import from its own folder or from a folder on a lower floor; lint and render share a
// floor and do not import each other; nothing imports cli (only bin/pgrepl-gen.js loads it, from
// dist/). Type-only imports count: a type is a fact too, and it belongs on the floor that owns it.
// And no file imports itself through others (a cycle), inside a folder either.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");
// src/generated (made by npm run gen from templates/ and schemas/) imports nothing of ours: floor 0.
const FLOORS: Record<string, number> = { generated: 0, util: 0, pg: 1, spec: 2, lint: 3, render: 3, cli: 4 };

/**
 * The module specifiers a TypeScript or JavaScript source imports: static imports and re-exports
 * (biome puts them at the start of a line; the braces may span lines), side-effect imports, and
 * `import("…")` (dynamic, or in a type), outside comments.
 */
function importsOf(text: string): string[] {
  const out: string[] = [];
  const statement =
    /^(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?)?\s*from\s*["']([^"']+)["']/gm;
  for (const m of text.matchAll(statement)) out.push(m[1] as string);
  for (const m of text.matchAll(/^import\s*["']([^"']+)["']/gm)) out.push(m[1] as string);
  const code = text
    .split("\n")
    .filter((line) => !/^\s*(?:\/\/|\/?\*)/.test(line))
    .map((line) => line.replace(/\s\/\/.*$/, ""))
    .join("\n");
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1] as string);
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(?:ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** The file a relative specifier names (`./x.js` is `./x.ts` in the source tree), or undefined. */
function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec.replace(/\?.*$/, ""));
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.js$/, ".d.ts")];
  return candidates.find((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

/** The folder right under src/ a file is in ("" for src/ itself). */
function folderOf(file: string): string {
  const rel = relative(SRC, file).split("/");
  return rel.length > 1 ? (rel[0] as string) : "";
}

interface Edge {
  from: string;
  to: string;
}

function graph(
  files: readonly string[],
  read: (file: string) => string,
): { edges: Edge[]; unresolved: string[] } {
  const edges: Edge[] = [];
  const unresolved: string[] = [];
  for (const file of files) {
    for (const spec of importsOf(read(file))) {
      if (!spec.startsWith(".")) continue;
      const to = resolveImport(file, spec);
      if (to === undefined) unresolved.push(`${relative(ROOT, file)}: "${spec}"`);
      else edges.push({ from: file, to });
    }
  }
  return { edges, unresolved };
}

/** Each import that points up or sideways, as `src/a/x.ts -> src/b/y.ts (a may not import b)`. */
function upwardImports(edges: readonly Edge[]): string[] {
  const bad: string[] = [];
  for (const { from, to } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b || b === "") continue;
    const fa = FLOORS[a];
    const fb = FLOORS[b];
    if (fa === undefined || fb === undefined || fb >= fa)
      bad.push(`${relative(ROOT, from)} -> ${relative(ROOT, to)} (${a || "src"} may not import ${b})`);
  }
  return bad;
}

/** One cycle per strongly connected group of files that import each other, as a -> b -> a. */
function cycles(edges: readonly Edge[]): string[] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const to of next.get(file) ?? []) {
      const s = state.get(to);
      if (s === "open") {
        const loop = [...stack.slice(stack.indexOf(to)), to].map((f) => relative(ROOT, f));
        found.push(loop.join(" -> "));
      } else if (s === undefined) visit(to);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...next.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

describe("import scanner", () => {
  it("finds static, multi-line, type-only, re-exported, side-effect and dynamic imports", () => {
    const text = [
      'import { a } from "./a.js";',
      'import type { B } from "../b.js";',
      "import {",
      "  c,",
      "  type D,",
      '} from "./c.js";',
      'import e, { f } from "./e.js";',
      'import * as g from "./g.js";',
      'export { h } from "./h.js";',
      'export * from "./i.js";',
      'export type { J } from "./j.js";',
      'import "./k.js";',
      'import text from "./l.txt?raw";',
      'const m = await import("./m.js");',
      'type N = typeof import("./n.js");',
      '// const o = await import("./o.js");',
      ' * `await import("./p.js")` in a doc comment',
      'const q = 1; // import("./q.js")',
      'const r = "import { s } from \\"./s.js\\"";',
    ].join("\n");
    const want = ["./a.js", "../b.js", "./c.js", "./e.js", "./g.js", "./h.js", "./i.js", "./j.js", "./k.js"];
    want.push("./l.txt?raw", "./m.js", "./n.js");
    expect(importsOf(text).sort()).toEqual(want.sort());
  });
});

describe("layers: util < pg < spec < lint, render < cli", () => {
  const files = sources(SRC);
  const { edges, unresolved } = graph(files, (f) => readFileSync(f, "utf8"));

  it("reads every file under src/ and resolves every relative import", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(files.length);
    expect(unresolved).toEqual([]);
    expect(new Set(files.map(folderOf))).toEqual(new Set(["", ...Object.keys(FLOORS)]));
  });

  it("keeps generated code in src/generated/", () => {
    const generated = files.filter((f) => readFileSync(f, "utf8").startsWith("// Generated by"));
    // src/cli/help.generated.ts moves once src/cli/ is free to change (issue 19)
    expect(generated.map((f) => relative(ROOT, f)).sort()).toEqual([
      "src/cli/help.generated.ts",
      "src/generated/schema-validator.js",
      "src/generated/templates.js",
    ]);
  });

  it("has no import pointing up or sideways", () => {
    expect(upwardImports(edges)).toEqual([]);
  });

  it("has no import cycles", () => {
    expect(cycles(edges)).toEqual([]);
  });

  it("catches an upward import, a sideways one, one into cli and a cycle", () => {
    const f = (p: string) => join(SRC, p);
    const bad: Edge[] = [
      { from: f("pg/guc.ts"), to: f("spec/model.ts") },
      { from: f("lint/format/sarif.ts"), to: f("cli/version.ts") },
      { from: f("render/render.ts"), to: f("lint/model.ts") },
      { from: f("util/net.ts"), to: f("util/table.ts") },
      { from: f("util/table.ts"), to: f("util/net.ts") },
    ];
    expect(upwardImports(bad)).toEqual([
      "src/pg/guc.ts -> src/spec/model.ts (pg may not import spec)",
      "src/lint/format/sarif.ts -> src/cli/version.ts (lint may not import cli)",
      "src/render/render.ts -> src/lint/model.ts (render may not import lint)",
    ]);
    expect(cycles(bad)).toEqual(["src/util/net.ts -> src/util/table.ts -> src/util/net.ts"]);
  });
});

describe("one helper per fact", () => {
  const files = sources(SRC).filter((f) => folderOf(f) !== "generated" && !f.includes(".generated."));
  const holding = (re: RegExp) =>
    files.filter((f) => re.test(readFileSync(f, "utf8"))).map((f) => relative(ROOT, f));

  it("counts columns in one place (util/columns.ts), where a lone surrogate is one character", () => {
    expect(holding(/0xdc00/i)).toEqual(["src/util/columns.ts"]);
  });

  it("has one edit distance, one ASCII lowercase, one stand-alone word replacement", () => {
    expect(holding(/Math\.min\([^)]*\+ 1,/)).toEqual(["src/util/suggest.ts"]);
    expect(holding(/\[A-Z\]\/g/)).toEqual(["src/util/ascii.ts"]);
    expect(holding(/function replaceWord\b/)).toEqual(["src/util/words.ts"]);
  });
});

describe("the repository's own documents", () => {
  it("are what comments and tests point at, not documents outside it", () => {
    const dirs = ["src", "test", "scripts", "docs", "templates", "bin", ".ci"];
    const files = dirs
      .flatMap((d) => sourcesAndDocs(join(ROOT, d)))
      .concat(["README.md", "CONTRIBUTING.md", "package.json"].map((f) => join(ROOT, f)));
    const outside = /\.\.\/shared\b|\/work\/|\b(?:CONTRACT|RULES|STYLE|FIELD-NOTES)\.md\b/;
    const pointing = files.filter((f) => outside.test(readFileSync(f, "utf8"))).map((f) => relative(ROOT, f));
    expect(pointing).toEqual([]);
  });
});

function sourcesAndDocs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "fixtures" ? [] : sourcesAndDocs(path);
    return /\.(?:ts|js|mjs|md|hbs|sh|json|yaml)$|^run$/.test(name) ? [path] : [];
  });
}
