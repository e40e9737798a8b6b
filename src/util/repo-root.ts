import { statSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The git top level holding `dir`: the nearest ancestor (or dir itself) with a `.git` entry, a
 * directory in a clone and a file in a worktree or submodule, as `git rev-parse --show-toplevel`
 * finds it (without running git). undefined outside a repository.
 */
export function gitTopLevel(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    try {
      statSync(join(d, ".git"));
      return d;
    } catch {
      // not here
    }
    if (dirname(d) === d) return undefined;
  }
}
