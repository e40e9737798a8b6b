// Makes the V8 code caches of the built CLI for the Node that runs this script, beside the bundles:
//   dist/NAME.cjs.HASH.NODE.cache   HASH: the bundle's SHA-256 (first 16 hex digits, from
//                                   dist/bundles.json); NODE: process.version (v20.20.2)
// bin/pgrepl-gen.js takes only the cache whose name has the running Node's version and the hash of
// the bundle it loads, so a cache is never used by another Node nor with another bundle (V8's own
// check compares only the source's length). The caches are not in git: `npm run build` makes them
// (and `npm run build:caches`, with nothing but Node); a tarball packed after that carries them for
// that Node. Installs from git run no script of ours (README, development), so they have none, and
// the CLI compiles as it loads. A run of each command on the repository's fixtures, in a temporary directory, compiles
// what that command uses; the cache holds it (why: docs/performance.md).
//   node scripts/code-cache.mjs [DIST]
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = resolve(import.meta.dirname, "..");
const LAUNCHER = join(ROOT, "bin", "pgrepl-gen.js");

/** Writes every bundle's cache for this Node into DIST (replacing older ones); returns a one-line summary. */
export async function makeCodeCaches(dist = join(ROOT, "dist")) {
  const { load, cachePath, manifest } = createRequire(import.meta.url)(LAUNCHER);
  const names = Object.keys(manifest(dist));
  // every earlier cache of these bundles goes: made by another Node or from another text, none is used
  for (const f of readdirSync(dist)) if (f.endsWith(".cache")) rmSync(join(dist, f));
  const fx = (p) => join(ROOT, "fixtures", p);
  // an unpacked tarball has no fixtures: without the warm-up a cache would hold little; none then
  if (!existsSync(fx("specs/seed.yaml"))) return { summary: "no fixtures here: no code caches", written: [] };
  const { main, bufferIO } = load("cli", dist).exports;
  const loadModule = async (name) => load(name, dist).exports;
  const work = mkdtempSync(join(tmpdir(), "pgrepl-build-"));
  try {
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
      if (io.err().includes("internal error"))
        throw new Error(`code cache warm-up: ${argv.join(" ")}: ${io.err()}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const sizes = [];
  const written = [];
  for (const name of names) {
    const { script, cache } = load(name, dist);
    if (cache !== "none")
      throw new Error(`code cache: dist/${name}.cjs was loaded with a cache before it was made`);
    const file = cachePath(name, dist);
    writeFileSync(file, script.createCachedData());
    written.push(file);
    const kb = (f) => Math.round(statSync(f).size / 1024);
    sizes.push(`${name} ${kb(join(dist, `${name}.cjs`))}+${kb(file)}`);
  }
  return {
    summary: `dist/*.cjs + code cache for Node ${process.version}, KiB: ${sizes.join(", ")}`,
    written,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.stderr.write(
    `code-cache: ${(await makeCodeCaches(resolve(process.argv[2] ?? join(ROOT, "dist")))).summary}\n`,
  );
}
