import { parseConninfo } from "../../pg/conninfo.js";
import { conninfoSettings } from "../facts.js";
import type { Rule } from "../rule.js";

/**
 * A config file that holds a password (primary_conninfo with `password=`) and that group or
 * others may read. Needs the file's mode: live files only (skipped by --no-fs).
 */
export const secretFileReadable: Rule = {
  name: "secret-file-readable",
  severity: "warning",
  summary: "a config file holding a password readable by group or others",
  filesystem: true,
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      if (!server.fileStats) continue;
      for (const s of conninfoSettings(server)) {
        const ci = parseConninfo(s.value);
        if (!ci.params.some((p) => p.keyword === "password" && p.value !== "")) continue;
        const st = server.fileStats.get(s.file);
        if (!st) continue;
        const mode = st.mode & 0o777;
        if ((mode & 0o044) === 0) continue;
        const who = [mode & 0o040 ? "its group" : "", mode & 0o004 ? "every user" : ""]
          .filter(Boolean)
          .join(" and ");
        const octal = `0${mode.toString(8).padStart(3, "0")}`;
        ctx.report({
          file: s.file,
          line: null,
          message: `this file holds the replication password (\`primary_conninfo\` line ${s.line}) and has mode ${octal}: ${who} can read it; move the password to a password file (mode 0600), or \`chmod 0600 ${s.file}\``,
          server,
        });
      }
    }
  },
};
