import type { Rule } from "../rule.js";

// The quote-like characters pasted from web pages and word processors (the parser's set).
const SMART = /[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033]/;

/**
 * Offset of the first typographic quote of a postgresql.conf line outside '…' strings and
 * before the comment; -1 when none. Inside a real quoted string it is just text.
 */
function firstSmartQuote(line: string): number {
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (inQuote) {
      if (c === "\\") i++;
      else if (c === "'") {
        if (line[i + 1] === "'") i++;
        else inQuote = false;
      }
      continue;
    }
    if (c === "'") inQuote = true;
    else if (c === "#") return -1;
    else if (SMART.test(c)) return i;
  }
  return -1;
}

function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Typographic quotes where the server expects ' (outside quoted strings and comments). */
export const confSmartQuotes: Rule = {
  name: "conf-smart-quotes",
  severity: "error",
  summary: "typographic quotes (‘ ’ “ ”) where postgresql.conf needs '",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const conf = server.conf;
      if (!conf) continue;
      for (const file of new Set(conf.files.map((f) => f.path))) {
        const text = ctx.source(file);
        if (text === undefined) continue;
        const lines = text.split("\n");
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i] as string;
          const at = firstSmartQuote(line);
          if (at < 0) continue;
          const lineNo = i + 1;
          const q = line[at] as string;
          const setting = conf.settings.find((s) => s.file === file && s.line === lineNo);
          const rejected = conf.problems.some((p) => p.file === file && p.line === lineNo);
          const effect = rejected
            ? "the server rejects the line"
            : setting
              ? `the server keeps it as part of the value: \`${setting.name}\` is \`${setting.value}\``
              : "the server does not read it as a quote";
          ctx.report({
            file,
            line: lineNo,
            column: [...line.slice(0, at)].length + 1,
            message: `typographic quote \`${q}\` (${codePoint(q)}) is not a quote to the server: ${effect}; use ' (U+0027)`,
            server,
          });
        }
      }
    }
  },
};
