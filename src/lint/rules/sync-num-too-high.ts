import { syncNameMatches } from "../../pg/sync-names.js";
import { valueColumn } from "../facts.js";
import type { Rule } from "../rule.js";
import { downstreamsOf, nodesOf, reportSpecProblems } from "../topology.js";

/**
 * FIRST/ANY N above the names listed (or, with standbys linted together, above the standbys
 * that match them): every commit waits for a standby that cannot exist.
 */
export const syncNumTooHigh: Rule = {
  name: "sync-num-too-high",
  severity: "error",
  summary: "a FIRST/ANY N larger than the candidates",
  reads: ["conf", "spec"],
  scope: "workspace",
  check(ctx) {
    reportSpecProblems(ctx, "sync-num-too-high");
    const nodes = nodesOf(ctx.servers);
    for (const node of nodes) {
      const p = node.sync?.parsed;
      if (!node.sync || !p?.ok) continue;
      const down = downstreamsOf(nodes, node);
      const wildcard = p.names.some((n) => n.name === "*");
      const distinct = new Set(p.names.map((n) => n.name.toLowerCase())).size;
      let candidates: number | undefined;
      let what = "";
      if (!wildcard && p.num > distinct) {
        candidates = distinct;
        what = `${distinct} name${distinct === 1 ? " is" : "s are"} listed`;
      } else if (
        down.length > 0 &&
        // a name no linted standby uses is sync-names-unmatched's finding
        p.names.every((n) => nodes.some((s) => s.standby && syncNameMatches(n.name, s.applicationName)))
      ) {
        const matching = down.filter((d) => p.names.some((n) => syncNameMatches(n.name, d.applicationName)));
        if (p.num > matching.length) {
          candidates = matching.length;
          what = `${matching.length} of the standbys linted with it match${matching.length === 1 ? "es" : ""} the list`;
        }
      }
      if (candidates === undefined) continue;
      ctx.report({
        at: node.sync.setting,
        column: valueColumn(node.sync.setting, p.numOffset),
        message: `\`${p.method.toUpperCase()} ${p.num}\` waits for ${p.num} synchronous standby${p.num === 1 ? "" : "s"} but only ${what}: every commit waits forever`,
        server: node.server,
      });
    }
  },
};
