// Builds the CLI's bundles and their V8 code caches (loaded by bin/pgrepl-gen.js):
//   dist/cli.cjs       src/cli/bin.ts: argument parsing, help text, dispatch
//   dist/NAME.cjs      one per module main() loads on demand (src/cli/modules.ts): validate,
//                      render, lint, explain, and yargs (for unusual command lines)
//   dist/NAME.cjs.cache
//
// Why this shape (measured, see docs/performance.md): a CLI that runs for ~100 ms spends much of
// it parsing and compiling its own code. A CommonJS bundle can be compiled from a code cache
// (vm.Script cachedData; ES modules cannot be on Node 20), and a cache made after a warm-up run
// holds every function that run used, compiled. One bundle per command keeps each command's
// load to its own code and cache: one bundle holding everything, with one cache, loaded 2.5 MB
// for `--help`. The warm-up runs each command on the repository's fixtures, in a temporary
// directory. Code shared by commands is in each of their bundles.
// JSON is embedded as a JSON.parse string: faster to load than the same data as an object literal;
// the parameter catalogue as its text (`?raw`), which src/pg/catalog/data.ts parses one entry at a
// time. yaml's and yargs' `import.meta.url` become the bundle's own URL.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");
const DIST = join(ROOT, "dist");
const BUNDLES = {
  cli: "src/cli/bin.ts",
  validate: "src/cli/commands/validate.ts",
  render: "src/cli/commands/render.ts",
  lint: "src/cli/commands/lint.ts",
  explain: "src/cli/commands/explain.ts",
  yargs: "src/cli/yargs.ts",
  // reached from other bundles only by dynamic import, and only for some inputs: lint loads the
  // YAML parser for a config file or a file that may be a spec, and the spec loader for a spec
  yaml: "src/util/yaml.ts",
  spec: "src/spec/load.ts",
};
/** source file -> the bundle a dynamic import of it loads instead */
const SPLIT = new Map(["yaml", "spec"].map((name) => [join(ROOT, BUNDLES[name]), name]));

rmSync(DIST, { recursive: true, force: true });

/** `import x from "./a.json"` as `JSON.parse("…")`. */
const jsonAsString = {
  name: "json-as-string",
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, (args) => {
      const data = JSON.stringify(JSON.parse(readFileSync(args.path, "utf8")));
      return { contents: `export default JSON.parse(${JSON.stringify(data)});`, loader: "js" };
    });
  },
};

/**
 * `import text from "./file?raw"` as the file's text in a string literal (Vite's convention, which
 * vitest follows): the parameter catalogue, parsed one entry at a time (src/pg/catalog/data.ts).
 */
const rawText = {
  name: "raw-text",
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.slice(0, -"?raw".length)),
      namespace: "raw",
    }));
    b.onLoad({ filter: /.*/, namespace: "raw" }, (args) => ({
      contents: `export default ${JSON.stringify(readFileSync(args.path, "utf8"))};`,
      loader: "js",
    }));
  },
};

/** In the entry bundle, the modules come from the launcher: leave the dynamic imports out. */
const noImportLoader = {
  name: "no-import-loader",
  setup(b) {
    b.onResolve({ filter: /\/modules-import\.js$/ }, () => ({ path: "modules-import", namespace: "pgrepl" }));
    b.onLoad({ filter: /.*/, namespace: "pgrepl" }, () => ({
      contents:
        'export const importModule = () => { throw new Error("the built CLI loads its modules through bin/pgrepl-gen.js"); };',
      loader: "js",
    }));
  },
};

/**
 * A dynamic import of a SPLIT module becomes require("./NAME.cjs"), which the launcher serves
 * (an import() left as it is would reach Node's ES module loader, which code compiled by
 * vm.Script cannot call on Node 20).
 */
const splitImports = (self) => ({
  name: "split-imports",
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind === "require-call" && /^\.\/[a-z]+\.cjs$/.test(args.path))
        return { path: args.path, external: true };
      if (args.kind !== "dynamic-import") return undefined;
      const target = SPLIT.get(resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts"));
      if (target === undefined || target === self) return undefined;
      return { path: target, namespace: "split" };
    });
    b.onLoad({ filter: /.*/, namespace: "split" }, (args) => ({
      contents: `module.exports = require("./${args.path}.cjs");`,
      loader: "js",
      resolveDir: ROOT,
    }));
  },
});

for (const [name, entry] of Object.entries(BUNDLES)) {
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile: join(DIST, `${name}.cjs`),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "linked",
    logLevel: "warning",
    plugins:
      name === "cli" ? [rawText, jsonAsString, noImportLoader] : [rawText, jsonAsString, splitImports(name)],
    define: { "import.meta.url": "__pgreplBundleUrl" },
    // The bundle is its own CommonJS wrapper (what Module.wrap would add): the launcher compiles
    // the file's text as it is read, where wrapping it made V8 copy all of it once more.
    banner: {
      js: '(function (exports, require, module, __filename, __dirname) { "use strict"; const __pgreplBundleUrl = require("node:url").pathToFileURL(__filename).href;',
    },
    footer: { js: "\n});" },
  });
}

// ---- the code caches ------------------------------------------------------------------------
// Loaded exactly as the installed command loads them; every bundle a warm-up run needs is
// compiled then, and what each compiled goes into its cache.
const { load } = createRequire(import.meta.url)(join(ROOT, "bin", "pgrepl-gen.js"));
const { main, bufferIO } = load("cli").exports;
const loadModule = async (name) => load(name).exports;

const work = mkdtempSync(join(tmpdir(), "pgrepl-build-"));
try {
  const fx = (p) => join(ROOT, "fixtures", p);
  const lintTrees = readdirSync(fx("lint/err")).map((d) => fx(`lint/err/${d}`));
  const invalidSpec = readdirSync(fx("specs/invalid")).find((f) => f.endsWith(".yaml"));
  const runs = [
    ["--help"],
    ["lint", "--help"],
    ["--version"],
    ["validate", fx("specs/seed.yaml"), fx("specs/seed.json"), fx("specs/tls.yaml")],
    ["validate", fx(`specs/invalid/${invalidSpec}`)],
    ["render", fx("specs/seed.yaml"), "--out", join(work, "seed")],
    ["render", fx("specs/seed.yaml"), "--out", join(work, "seed"), "--check"],
    ["render", fx("specs/rhel.yaml"), "--out", join(work, "rhel")],
    ["lint", "--no-fs", join(work, "seed")],
    ["lint", "--no-fs", ...lintTrees],
    ["lint", "--no-fs", "--format", "json", fx("lint/ok")],
    ["lint", "--format", "sarif", fx("lint/err/hba")],
    ["lint", "--format", "github", fx("lint/err/includes")],
    ["explain", "hba-cidr-host-bits"],
    ["lint", "--no-such-option", "x"],
  ];
  for (const argv of runs) {
    const io = bufferIO({ cwd: work, env: {} });
    await main(argv, io, loadModule);
    // every run is expected to work as it does in the tests; a crash here is a broken bundle
    if (io.err().includes("internal error")) throw new Error(`build warm-up: ${argv.join(" ")}: ${io.err()}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const sizes = [];
for (const name of Object.keys(BUNDLES)) {
  const { script, cache } = load(name);
  if (cache !== "none") throw new Error(`build: dist/${name}.cjs was loaded with a cache before it was made`);
  writeFileSync(join(DIST, `${name}.cjs.cache`), script.createCachedData());
  const kb = (f) => Math.round(statSync(join(DIST, f)).size / 1024);
  sizes.push(`${name} ${kb(`${name}.cjs`)}+${kb(`${name}.cjs.cache`)}`);
}
process.stdout.write(`build: dist/*.cjs + code cache, KiB: ${sizes.join(", ")}\n`);
