import { parseBool } from "../../pg/catalog/index.js";
import { effective, settingValue } from "../facts.js";
import type { Rule } from "../rule.js";

/** Commands that succeed without copying the segment anywhere. */
const NOOP = /^(?:(?:\/usr)?\/bin\/)?(?:true|:)(?:\s.*)?$|^cd\s+\.?$|^exit(?:\s+0)?$|^echo(?:\s.*)?$/;

/** archive_mode on with an archive_command that archives nothing. */
export const archiveNoopCommand: Rule = {
  name: "archive-noop-command",
  severity: "warning",
  summary: "archive_command that archives nothing (`true`, `cd .`, `/bin/true`)",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const mode = settingValue(server, "archive_mode").trim().toLowerCase();
      if (mode !== "always" && parseBool(mode) !== true) continue;
      const s = effective(server, "archive_command");
      if (!s || !NOOP.test(s.value.trim())) continue;
      ctx.report({
        at: s,
        message: `\`archive_command = '${s.value.trim()}'\` reports every segment archived without keeping it: point-in-time recovery and archive fallback for standbys are impossible`,
        server,
      });
    }
  },
};
