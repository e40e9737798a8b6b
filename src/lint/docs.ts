/** The rule pages (docs/rules/<name>.md) that `pgrepl-gen explain` prints. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/package-root.js";
import { editDistance } from "../util/suggest.js";
import { RESERVED_RULE_NAMES, RULES } from "./registry.js";
import { docsPath } from "./rule.js";

export type ExplainResult = { ok: true; text: string } | { ok: false; error: string };

/** Up to `n` names nearest to `word`: names containing it first, then by edit distance. */
export function closestNames(word: string, names: readonly string[], n = 3): string[] {
  const w = word.toLowerCase();
  return [...names]
    .map((name) => ({ name, d: name.includes(w) && w.length >= 3 ? -1 : editDistance(w, name) }))
    .sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : 1))
    .slice(0, n)
    .map((x) => x.name);
}

export function explain(name: string): ExplainResult {
  const rule = RULES.find((r) => r.name === name);
  if (!rule) {
    if (RESERVED_RULE_NAMES.includes(name)) {
      return {
        ok: false,
        error: `\`${name}\` is in the rule catalogue but not implemented in this version yet; suppressions and the config file accept its name`,
      };
    }
    const near = closestNames(
      name,
      RULES.map((r) => r.name),
    );
    return {
      ok: false,
      error: `unknown rule \`${name}\`; the closest are ${near.map((x) => `\`${x}\``).join(", ")}`,
    };
  }
  const path = join(packageRoot(), docsPath(rule));
  try {
    return { ok: true, text: readFileSync(path, "utf8") };
  } catch {
    return {
      ok: false,
      error: `the documentation of \`${name}\` is missing from this installation (${path})`,
    };
  }
}
