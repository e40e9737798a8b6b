// esbuild plugins for the sources' own import conventions, shared by the CLI's build
// (scripts/build.mjs) and the bundled bench scripts (scripts/bench.mjs).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** `import x from "./a.json"` as `JSON.parse("…")`. */
export const jsonAsString = {
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
export const rawText = {
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
