import { closest } from "../../util/suggest.js";
import type { Rule } from "../rule.js";

/**
 * A suppression comment that does not do what its author meant: an unknown rule name (it
 * suppresses nothing), a form lint does not understand, a comment followed by no line to
 * apply to, or no reason after ` -- ` (the
 * suppression works, but the next reader cannot tell why it is there).
 */
export const suppressionInvalid: Rule = {
  name: "suppression-invalid",
  severity: "warning",
  summary: "a suppression comment with an unknown rule, a form lint does not read, or no reason",
  reads: [],
  scope: "workspace",
  check(ctx) {
    for (const d of ctx.directives) {
      const at = { file: d.file, line: d.line, column: d.column };
      if (d.malformed !== undefined) {
        ctx.report({
          at,
          message: `suppression comment \`${d.malformed}\` is not understood; write \`# pgrepl-gen: disable=RULE[,RULE] -- reason\` or \`disable-file=RULE -- reason\``,
        });
        continue;
      }
      for (const r of d.rules) {
        if (ctx.knownRuleNames.includes(r)) continue;
        const near = closest(r, ctx.knownRuleNames);
        ctx.report({
          at,
          message: `unknown rule \`${r}\` in a suppression comment: it suppresses nothing${near ? `; did you mean \`${near}\`?` : ""}`,
        });
      }
      if (d.orphan) {
        ctx.report({
          at,
          message:
            "this suppression comment applies to nothing: the next line is blank or a comment; put it at the end of the line it is for, or alone on the line right before it",
        });
      }
      if (d.reason === "") {
        ctx.report({
          at,
          message: `suppression of \`${d.rules.join(",")}\` gives no reason; add one after \` -- \` so the next reader knows why`,
        });
      }
    }
  },
};
