// Bundles the CLI into dist/ (one entry plus lazily loaded chunks per command: faster start-up than
// loading node_modules piece by piece; see docs/performance.md). yaml's CJS build calls require(),
// hence the createRequire banner.
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/bin.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __pgreplCreateRequire } from 'node:module'; const require = __pgreplCreateRequire(import.meta.url);",
  },
});
