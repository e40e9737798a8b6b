// Bundles the CLI into dist/cli.js (one file: faster start-up than loading node_modules
// piece by piece; see docs/performance.md). yaml's CJS build calls require(), hence the banner.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/bin.ts"],
  outfile: "dist/cli.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __pgreplCreateRequire } from 'node:module'; const require = __pgreplCreateRequire(import.meta.url);",
  },
});
