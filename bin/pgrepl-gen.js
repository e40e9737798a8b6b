#!/usr/bin/env node
"use strict";
/**
 * The installed command. All logic lives in bundles built from src/ (scripts/build.mjs):
 * dist/cli.cjs (argument parsing, help, dispatch) and one per command (dist/lint.cjs, …), each
 * loaded only when needed and compiled with the V8 code cache the build made beside it
 * (dist/NAME.cjs.cache: the functions that command uses, already compiled). That saves most of
 * the start-up a CLI spends parsing and compiling itself. A cache this Node cannot use (another
 * version, other V8 flags) is ignored and the bundle compiles as usual. Writes nothing.
 * CommonJS (bin/package.json): an ES module entry would cost the ES module loader's start-up.
 */
const { readFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const Module = require("node:module");
const vm = require("node:vm");

const DIST = join(__dirname, "..", "dist");
const loaded = new Map();

/** Loads dist/NAME.cjs once (with its code cache when there is one): its exports, its Script, and what became of the cache. */
function load(name, dist = DIST) {
  const key = join(dist, name);
  const done = loaded.get(key);
  if (done) return done;
  const bundle = join(dist, `${name}.cjs`);
  let cachedData;
  try {
    cachedData = readFileSync(`${bundle}.cache`);
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
else module.exports = { load, loaded, DIST };
