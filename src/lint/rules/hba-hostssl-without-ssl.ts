import { basename } from "node:path";
import { parseBool } from "../../pg/catalog/index.js";
import { effective, newestHba, where } from "../facts.js";
import type { Server } from "../model.js";
import type { Rule } from "../rule.js";

/**
 * Where `ssl` is off: an explicit `ssl = off`, or no `ssl` at all in a whole postgresql.conf
 * (the default is off). A drop-in or a lone included file says nothing about the rest.
 */
function sslOff(server: Server): { because: string } | undefined {
  const s = effective(server, "ssl");
  if (s)
    return parseBool(s.value) === false
      ? { because: `\`${where(s.file, s.line)}\` sets \`ssl = ${s.value}\`` }
      : undefined;
  const top = server.configFile;
  if (!server.conf || !top || basename(top) !== "postgresql.conf" || server.origin === "rendered")
    return undefined;
  if (server.gaps.some((g) => g.hides === "conf")) return undefined;
  return {
    because: `\`ssl\` is not set in \`${where(top, null)}\` or its includes, and it is off by default`,
  };
}

/** hostssl records while the server has SSL off: they never match. */
export const hbaHostsslWithoutSsl: Rule = {
  name: "hba-hostssl-without-ssl",
  severity: "error",
  summary: "hostssl lines while ssl = off",
  reads: ["hba", "conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const lines = (newestHba(server)?.lines ?? []).filter((l) => l.type === "hostssl");
      if (lines.length === 0) continue;
      const off = sslOff(server);
      if (!off) continue;
      for (const line of lines) {
        ctx.report({
          at: line.typeToken,
          message: `this \`hostssl\` line can never match: ${off.because}; set \`ssl = on\` with \`ssl_cert_file\` and \`ssl_key_file\`, or clients this line is for are refused`,
          server,
        });
      }
    }
  },
};
