import { where } from "../facts.js";
import type { Rule } from "../rule.js";

/** A parameter of postgresql.conf (or its includes) that postgresql.auto.conf (ALTER SYSTEM) sets again. */
export const confAutoOverrides: Rule = {
  name: "conf-auto-overrides",
  severity: "warning",
  summary: "postgresql.auto.conf overrides a value set in postgresql.conf",
  reads: ["conf", "datadir"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const conf = server.conf;
      if (!conf?.serverReadsAutoConf) continue;
      for (const [key, live] of conf.effective) {
        if (live.source !== "auto") continue;
        const mine = conf.settings.filter((s) => s.key === key && s.source === "main").at(-1);
        if (!mine) continue;
        const same = mine.value === live.value ? " (the same value today)" : ` (\`${live.value}\`)`;
        ctx.report({
          at: mine,
          message: `\`${mine.name}\` = \`${mine.value}\` has no effect: \`${where(live.file, live.line)}\` sets it again${same}, and the server reads that file last; change it with ALTER SYSTEM, or remove it there with \`ALTER SYSTEM RESET ${live.name}\``,
          server,
        });
      }
    }
  },
};
