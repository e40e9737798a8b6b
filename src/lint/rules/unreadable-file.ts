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
  check(ctx) {
    for (const server of ctx.servers) {
      for (const g of server.gaps) {
        const skipped = ctx.enabledRules.filter((r) => r.reads.includes(g.hides)).map((r) => r.name);
        const owner =
          g.owner !== undefined && g.reason === "permission denied" ? ` (owned by \`${g.owner}\`)` : "";
        const reason = g.reason === "does not exist" ? "does not exist here" : g.reason;
        const notChecked = skipped.length > 0 ? `; not checked: ${skipped.sort().join(", ")}` : "";
        ctx.report({
          file: g.path,
          line: null,
          message: `cannot read this ${WHAT[g.hides]}: ${reason}${owner}${notChecked}`,
          server,
        });
      }
    }
  },
};
