import type { Rule } from "../rule.js";
import { specRuleOf } from "../topology.js";

/**
 * A topology spec that `pgrepl-gen validate` rejects: YAML/JSON syntax, the schema, and the
 * topology checks (one primary, upstreams that exist and form no cycle, unique slots, …).
 * Every problem is one finding at its position, with validate's own message; problems a
 * catalogue rule names (a cycle, an unknown upstream, …) are reported by that rule instead.
 */
export const specInvalid: Rule = {
  name: "spec-invalid",
  severity: "error",
  summary: "a topology spec that `pgrepl-gen validate` rejects",
  reads: ["spec"],
  scope: "workspace",
  check(ctx) {
    for (const spec of ctx.specs) {
      for (const p of spec.problems) {
        if (specRuleOf(p) !== "spec-invalid") continue;
        ctx.report({
          file: spec.file,
          line: p.pos?.line ?? null,
          column: p.pos?.column ?? null,
          message: p.message,
        });
      }
    }
  },
};
