#!/usr/bin/env node
"use strict";
/**
 * The installed command. All logic lives in bundles built from src/ (scripts/build.mjs):
 * dist/cli.cjs (argument parsing, help, dispatch) and one per command (dist/lint.cjs, …), each
 * loaded only when needed and compiled with the V8 code cache made beside it for this Node
 * (dist/NAME.cjs.HASH.NODE.cache, scripts/code-cache.mjs: the functions that command uses, already
 * compiled). That saves most of the start-up a CLI spends parsing and compiling itself. Only the
 * cache named with this Node's version and the SHA-256 of the bundle (dist/bundles.json) is read:
 * none made by another Node or from another text of the bundle. Without one (or one V8 rejects:
 * other V8 flags) the bundle compiles as usual. Writes nothing.
 * CommonJS (bin/package.json): an ES module entry would cost the ES module loader's start-up.
 */
const { readFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const Module = require("node:module");
const vm = require("node:vm");

const DIST = join(__dirname, "..", "dist");
const loaded = new Map();
const manifests = new Map();

/** dist/bundles.json: bundle name -> SHA-256 of its text (scripts/build.mjs). */
function manifest(dist = DIST) {
  let m = manifests.get(dist);
  if (m === undefined) {
    m = JSON.parse(readFileSync(join(dist, "bundles.json"), "utf8"));
    manifests.set(dist, m);
  }
  return m;
}

/** Where the code cache of dist/NAME.cjs for this Node is (or would be). */
function cachePath(name, dist = DIST) {
  const hash = manifest(dist)[name];
  if (typeof hash !== "string") throw new Error(`dist/bundles.json has no bundle ${name}`);
  return join(dist, `${name}.cjs.${hash.slice(0, 16)}.${process.version}.cache`);
}

/** Loads dist/NAME.cjs once (with its code cache when there is one): its exports, its Script, and what became of the cache. */
function load(name, dist = DIST) {
  const key = join(dist, name);
  const done = loaded.get(key);
  if (done) return done;
  const bundle = join(dist, `${name}.cjs`);
  let cachedData;
  try {
    cachedData = readFileSync(cachePath(name, dist));
  } catch {
    cachedData = undefined;
  }
  // the bundle is a function expression, CommonJS's wrapper included (scripts/build.mjs)
  const script = new vm.Script(readFileSync(bundle, "utf8"), { filename: bundle, cachedData });
  const mod = { exports: {} };
  const real = Module.createRequire(bundle);
  // a bundle asks for another by require("./NAME.cjs") (a part it loads on demand)
  const require = (id) => (/^\.\/[a-z]+\.cjs$/.test(id) ? load(id.slice(2, -4), dist).exports : real(id));
  script.runInThisContext()(mod.exports, require, mod, bundle, dirname(bundle));
  const cache = cachedData === undefined ? "none" : script.cachedDataRejected ? "rejected" : "accepted";
  const result = { exports: mod.exports, script, cache };
  loaded.set(key, result);
  return result;
}

if (require.main === module) load("cli").exports.run(async (name) => load(name).exports);
else module.exports = { load, loaded, manifest, cachePath, DIST };
