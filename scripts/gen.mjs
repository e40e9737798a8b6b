#!/usr/bin/env node
// npm run gen: rewrites every generated file that is made from the repository alone;
// npm run gen:check (part of npm test): fails, naming the file, when one of them is stale.
//   src/generated/templates.js         templates/*.hbs, precompiled       scripts/gen-templates.mjs
//   src/generated/schema-validator.js  schemas/topology.schema.json       scripts/gen-validator.mjs
//   src/cli/help.generated.ts          what yargs prints for --help       scripts/gen-help.mjs
// The parameter catalogue and stock files (src/pg/catalog/params.json, src/pg/stock/) are read
// from real servers of every major: `npm run gen:catalog` (minutes; test/catalog-reproduce.test.ts
// checks them).
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
let failed = 0;
for (const script of ["gen-templates.mjs", "gen-validator.mjs", "gen-help.mjs"]) {
  const r = spawnSync(process.execPath, [`scripts/${script}`, ...(check ? ["--check"] : [])], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (r.status !== 0) failed++;
}
if (failed > 0) process.exit(1);
console.log(check ? "generated files are current" : "generated files rewritten");
