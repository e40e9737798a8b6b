// npm's `prepare`: npm runs it on `npm install` in a clone, before `npm pack`, and when it
// installs the package from git (`npm install -g git+…`, which is what pre-commit 4.x runs, with no
// devDependencies). The built CLI is committed (dist/*.cjs, dist/bundles.json), so this builds
// nothing when it is there; it only makes the V8 code caches for the Node installing it
// (scripts/code-cache.mjs), which needs nothing but Node. When dist/ is missing (a developer
// deleted it) it builds, if esbuild is installed, and otherwise says so on stderr and leaves it.
// Nothing goes to stdout: pre-commit 3.x takes `npm pack`'s stdout as the tarball's name, and
// `npm pack --json` must print only JSON. A failure to make the caches is no failure to install
// (the CLI runs without them, compiling as it loads); it is one line on stderr.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const say = (line) => process.stderr.write(`pgrepl-gen prepare: ${line}\n`);

if (!existsSync(join(ROOT, "dist", "bundles.json"))) {
  let esbuild = true;
  try {
    await import("esbuild");
  } catch {
    esbuild = false;
  }
  if (esbuild) await import("./build.mjs");
  else say("dist/ is missing and esbuild is not installed: nothing built (run `npm ci && npm run build`)");
} else {
  try {
    const { makeCodeCaches } = await import("./code-cache.mjs");
    await makeCodeCaches(join(ROOT, "dist"));
  } catch (e) {
    say(`no code caches (${String(e?.message ?? e).split("\n")[0]}); the CLI works without them`);
  }
}
