import type { FactKind } from "../model.js";
import type { Rule } from "../rule.js";

const WHAT: Record<FactKind, string> = {
  conf: "file",
  hba: "file",
  datadir: "data directory",
  spec: "file",
};

/** A file or directory of a tree that lint may not read: says which rules could not run. */
export const unreadableFile: Rule = {
  name: "unreadable-file",
  severity: "info",
  summary: "a file of the tree that lint may not read (says which rules could not run)",
  reads: [],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      for (const g of server.gaps) {
        const skipped = ctx.enabledRules.filter((r) => r.reads.includes(g.hides)).map((r) => r.name);
        const owner =
          g.owner !== undefined && g.reason === "permission denied" ? ` (owned by \`${g.owner}\`)` : "";
        const notChecked = skipped.length > 0 ? `; not checked: ${skipped.sort().join(", ")}` : "";
        const what =
          g.reason === "does not exist"
            ? `this ${WHAT[g.hides]} does not exist (the configuration names it)`
            : `cannot read this ${WHAT[g.hides]}: ${g.reason}${owner}`;
        ctx.report({ file: g.path, line: null, message: `${what}${notChecked}`, server });
      }
      for (const r of server.relocated ?? []) {
        ctx.report({
          at: r.setting,
          message: `\`${r.setting.name}\` names \`${r.named}\`, which does not exist here; linted \`${r.used}\` beside the configuration instead (a copy of the server's files); note that a server started with this configuration reads \`${r.named}\``,
          server,
        });
      }
    }
  },
};
