import type { Rule } from "../rule.js";
import { pastEndOfLife } from "../today.js";

/**
 * A spec's PostgreSQL major past its end of life on the day lint runs. Specs only: they state
 * the version a topology is built with; rendered output and config trees follow from them.
 */
export const topologyEolVersion: Rule = {
  name: "topology-eol-version",
  severity: "info",
  summary: "a PostgreSQL major version past its end of life on the day lint runs",
  reads: ["spec"],
  scope: "workspace",
  check(ctx) {
    for (const spec of ctx.specs) {
      const t = spec.topology;
      if (!t) continue;
      const eol = pastEndOfLife(t.postgres, ctx.today);
      if (eol === undefined) continue;
      const text = ctx.source(spec.file) ?? "";
      const lines = text.split("\n");
      let line: number | null = null;
      let column: number | null = null;
      for (const [i, l] of lines.entries()) {
        const m = /^(.*?"?\bpostgres"?\s*:\s*)\d/.exec(l);
        if (m) {
          line = i + 1;
          column = (m[1] as string).length + 1;
          break;
        }
      }
      ctx.report({
        file: spec.file,
        line,
        column,
        message: `postgresql ${t.postgres} reached its end of life on ${eol}: it gets no more security or bug fixes; plan the upgrade to a supported major`,
      });
    }
  },
};
