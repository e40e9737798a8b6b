/** parseHba: the stages (tokenize.ts, files.ts, record.ts, options.ts) put together, and the messages made safe to show. */
import { replaceWord } from "../../util/words.js";
import { messageText } from "../quote.js";
import { HbaReader } from "./files.js";
import { methodsOf, RecordParser } from "./record.js";
import type { TokLine } from "./tokenize.js";
import { type HbaLine, type HbaProblem, type HbaResult, LINUX_BUILD, type ParseHbaOptions } from "./types.js";

/** Options whose values are passwords: never repeated in a message. */
const SECRET_OPTION = /(ldapbindpasswd|radiussecrets)=/i;

/** The message with whatever follows a secret option's `name=` in any token of the record cut to `…`. */
function hideSecretOptions(message: string, tl: TokLine): string {
  let out = message;
  for (const f of tl.fields) {
    let inSecret = false;
    for (const t of f.tokens) {
      const m = SECRET_OPTION.exec(t.value);
      if (m && t.value.length > m.index + m[0].length) {
        out = out.replaceAll(t.value, `${t.value.slice(0, m.index + m[0].length)}…`);
        inSecret = true;
      } else if (inSecret && t.value !== "") {
        // `radiussecrets=a,b` unquoted: the comma splits the list, and `b` is a secret too
        out = replaceWord(out, t.value, "…", isEdge);
      }
    }
  }
  // and where no token holds it (an @file name): up to the quote that ends the shown value
  return out.replace(/((?:ldapbindpasswd|radiussecrets)=)[^`"\u2026][^`"]*/gi, "$1…");
}

/** A word stands alone between quotes, after `: ` or `=`, or at an end. */
const isEdge = (c: string | undefined, after: boolean): boolean =>
  c === undefined || c === '"' || c === "`" || c === " " || (!after && (c === ":" || c === "="));

function ourMessage(server: string): string {
  return server.replace(/"([^"]*)"/g, "`$1`");
}

/**
 * Parse pg_hba.conf text as the server of `major` does. Records come back in first-match
 * order; every record the server rejects is a problem at the token it chokes on, carrying
 * the server's own error text (what pg_hba_file_rules.error shows).
 */
export function parseHba(text: string, opts: ParseHbaOptions): HbaResult {
  const build = { ...LINUX_BUILD, ...opts.build };
  const methods = methodsOf(build, opts.major);
  const reader = new HbaReader(opts);
  const lines: HbaLine[] = [];
  const problems: HbaProblem[] = [];
  let seq = 0;
  // the server's text quotes values with "…" (ourMessage turns them into backticks): hide first
  const shown = (message: string, tl: TokLine): string => messageText(hideSecretOptions(message, tl));
  const shownServer = (error: string, tl: TokLine): string =>
    shown(ourMessage(hideSecretOptions(error, tl)), tl);
  // Each record is parsed as soon as it is tokenized (the server tokenizes the whole file first;
  // the order, and so every result, is the same): its tokens' scaffolding dies young instead of
  // surviving the collections a large file's parse meets.
  const parseRecord = (tl: TokLine): void => {
    seq++;
    if (tl.error !== null) {
      const noServer = !tl.serverKnows;
      const at = tl.errorAt ?? { line: tl.line, column: 1 };
      problems.push({
        code: tl.error.startsWith("authentication file") ? "line-too-long" : "include",
        severity: "error",
        file: tl.file,
        line: at.line,
        column: at.column,
        message: noServer ? shown(tl.error, tl) : shownServer(tl.error, tl),
        seq,
        server: noServer ? null : { file: tl.file, line: tl.line, error: tl.error },
      });
      return;
    }
    const rp = new RecordParser(tl, opts, build, methods);
    const r = rp.parse(seq);
    if ("type" in r) {
      lines.push(r);
      if (rp.warning) {
        problems.push({
          code: rp.warning.code,
          severity: "warning",
          file: tl.file,
          line: rp.warning.at.line,
          column: rp.warning.at.column,
          message: shownServer(rp.warning.error ?? "", tl),
          seq,
          server: { file: tl.file, line: tl.line, error: rp.warning.error },
        });
      }
      return;
    }
    problems.push({
      code: r.code,
      severity: "error",
      file: tl.file,
      line: r.at.line,
      column: r.at.column,
      message: r.message ? shown(r.message, tl) : shownServer(r.error ?? "invalid record", tl),
      seq,
      server: { file: tl.file, line: tl.line, error: r.error },
    });
  };
  reader.tokenizeFile(opts.file, text, 0, { push: parseRecord });
  return { lines, problems, includes: reader.includes };
}
