// Builds the CLI's bundles (loaded by bin/pgrepl-gen.js), then their V8 code caches:
//   dist/cli.cjs       src/cli/bin.ts: argument parsing, help text, dispatch
//   dist/NAME.cjs      one per module main() loads on demand (src/cli/modules.ts): validate,
//                      render, lint, explain, and yargs (for unusual command lines)
//   dist/bundles.json  each bundle's SHA-256: the launcher takes only a cache made from that text
//   dist/NAME.cjs.HASH.NODE.cache   (scripts/code-cache.mjs; not in git, made for this Node)
//
//   node scripts/build.mjs [--out DIR] [--no-cache]
//
// dist/*.cjs and dist/bundles.json are committed (pre-commit and `npm install -g git+…` install
// from git with no build tools: README, development section); the output is deterministic (no
// source maps, no paths of the machine that built it), so test/bundle.test.ts rebuilds into a
// temporary directory and fails when the committed files differ.
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
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { makeCodeCaches } from "./code-cache.mjs";
import { jsonAsString, rawText } from "./esbuild-plugins.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const { values: opts } = parseArgs({ options: { out: { type: "string" }, "no-cache": { type: "boolean" } } });
const DIST = resolve(opts.out ?? join(ROOT, "dist"));
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
    sourcemap: false,
    // module names in the bundle (esbuild's __commonJS keys) are paths relative to ROOT: through a
    // symlinked node_modules they stay `node_modules/…`, the same in every checkout
    absWorkingDir: ROOT,
    preserveSymlinks: true,
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

/** name -> SHA-256 of dist/NAME.cjs (hex), in BUNDLES order: what a code cache must have been made from */
const manifest = {};
for (const name of Object.keys(BUNDLES)) {
  manifest[name] = createHash("sha256")
    .update(readFileSync(join(DIST, `${name}.cjs`)))
    .digest("hex");
}
writeFileSync(join(DIST, "bundles.json"), `${JSON.stringify(manifest, null, 2)}\n`);

// stderr: `npm pack` and `npm pack --json` print on stdout, and pre-commit reads the tarball's name there
if (!opts["no-cache"]) process.stderr.write(`build: ${(await makeCodeCaches(DIST)).summary}\n`);
