import type { Rule } from "../rule.js";

/**
 * A topology spec that `pgrepl-gen validate` rejects: YAML/JSON syntax, the schema, and the
 * topology checks (one primary, upstreams that exist and form no cycle, unique slots, …).
 * Every problem is one finding at its position, with validate's own message.
 */
export const specInvalid: Rule = {
  name: "spec-invalid",
  severity: "error",
  summary: "a topology spec that `pgrepl-gen validate` rejects",
  reads: ["spec"],
  check(ctx) {
    for (const spec of ctx.specs) {
      for (const p of spec.problems) {
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
