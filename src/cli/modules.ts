/**
 * How main() reaches the code of each command, loaded only when that command runs. From source
 * (tests, `npm run` scripts) this is a dynamic import. The built CLI passes its own loader instead:
 * each of these is a bundle of its own there (dist/lint.cjs, …), compiled from its V8 code cache
 * (see scripts/build.mjs and bin/pgrepl-gen.js), and the build leaves these imports out of the
 * entry bundle.
 */
export interface Modules {
  validate: typeof import("./commands/validate.js");
  render: typeof import("./commands/render.js");
  lint: typeof import("./commands/lint.js");
  explain: typeof import("./commands/explain.js");
  yargs: typeof import("./yargs.js");
}

export type LoadModule = <K extends keyof Modules>(name: K) => Promise<Modules[K]>;

export const MODULE_NAMES: ReadonlyArray<keyof Modules> = ["validate", "render", "lint", "explain", "yargs"];
