import type { ConfSetting } from "../../pg/conf/index.js";
import { where } from "../facts.js";
import type { Rule } from "../rule.js";

/**
 * The same parameter set twice in one file, or in two files read from one include_dir: the
 * earlier value is dead, though a reviewer may read it as the live one. A later included file
 * overriding postgresql.conf is the drop-in pattern and not reported.
 */
export const confDuplicateSetting: Rule = {
  name: "conf-duplicate-setting",
  severity: "warning",
  summary: "the same parameter set twice in one file, or in two files of one include_dir",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const conf = server.conf;
      if (!conf) continue;
      // which include_dir each file was read from
      const dirOf = new Map<string, string>();
      for (const inc of conf.includes) {
        if (inc.kind === "include_dir") for (const f of inc.files) dirOf.set(f, `${inc.file}:${inc.line}`);
      }
      const byKey = new Map<string, ConfSetting[]>();
      for (const s of conf.settings) {
        const list = byKey.get(s.key) ?? [];
        // the same line read twice (a file included twice) is one setting
        if (!list.some((x) => x.file === s.file && x.line === s.line)) list.push(s);
        byKey.set(s.key, list);
      }
      for (const list of byKey.values()) {
        for (let i = 0; i < list.length; i++) {
          const s = list[i] as ConfSetting;
          const later = list.slice(i + 1).filter((x) => x.source === s.source);
          const sameFile = later.filter((x) => x.file === s.file).at(-1);
          const dir = dirOf.get(s.file);
          const sameDir =
            dir === undefined
              ? undefined
              : later.filter((x) => x.file !== s.file && dirOf.get(x.file) === dir).at(-1);
          const winner = sameFile ?? sameDir;
          if (!winner) continue;
          const there = sameFile
            ? `again at line ${winner.line}`
            : `in \`${where(winner.file, winner.line, s.file)}\` too, read later from the same include_dir`;
          let message = `\`${s.name}\` is set ${there}, and that value (\`${winner.value}\`) wins over this one (\`${s.value}\`)`;
          const live = conf.effective.get(s.key);
          if (live && live !== winner && live.seq > winner.seq) {
            message += `; note that \`${where(live.file, live.line, s.file)}\` sets it last and is the live value`;
          }
          ctx.report({ at: s, message, server });
        }
      }
    }
  },
};
