import type { LoadModule, Modules } from "./modules.js";

/** The modules by dynamic import: for main() run from source. The bundle build replaces this file. */
export const importModule: LoadModule = async <K extends keyof Modules>(name: K): Promise<Modules[K]> => {
  switch (name) {
    case "validate":
      return (await import("./commands/validate.js")) as Modules[K];
    case "render":
      return (await import("./commands/render.js")) as Modules[K];
    case "lint":
      return (await import("./commands/lint.js")) as Modules[K];
    case "explain":
      return (await import("./commands/explain.js")) as Modules[K];
    default:
      return (await import("./yargs.js")) as Modules[K];
  }
};
