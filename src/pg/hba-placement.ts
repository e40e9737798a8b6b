/**
 * Where pgrepl-gen's block goes in a pg_hba.conf. First match wins, and a physical replication
 * connection only matches lines whose database field holds the unquoted keyword `replication`
 * (hba.c check_db), an @file, or lines an include directive (16+) brings in. So the block goes before
 * the first such line; no earlier line can then shadow it. The runbook template does the same in awk
 * (templates/runbook.sh.hbs, ensure_hba_block); test/render.test.ts proves the two agree.
 */
export const HBA_BEGIN = "# BEGIN pgrepl-gen";
export const HBA_END = "# END pgrepl-gen";

export function canMatchReplication(line: string): boolean {
  const fields = line
    .replace(/#.*/, "")
    .split(/[ \t]+/)
    .filter((f, i) => !(i === 0 && f === ""));
  const type = fields[0] ?? "";
  if (/^include(_if_exists|_dir)?$/.test(type)) return true;
  if (!/^host(ssl|nossl|gssenc|nogssenc)?$/.test(type)) return false;
  return (fields[1] ?? "").split(",").some((d) => d === "replication" || d.startsWith("@"));
}

/** The file with the block (its lines, BEGIN…END) replaced in place, or inserted as described above. */
export function placeHbaBlock(text: string, block: string): string {
  return replaceOneBlock(text, block) ?? placeByLines(text, block);
}

/** placeHbaBlock line by line: every case (exported for the test that compares the fast path with it). */
export function placeByLines(text: string, block: string): string {
  const lines = splitLines(text);
  const blockLines = splitLines(block);
  const out: string[] = [];
  if (lines.some((l) => l.startsWith(HBA_BEGIN))) {
    let skip = false;
    for (const l of lines) {
      if (l.startsWith(HBA_BEGIN)) {
        out.push(...blockLines);
        skip = true;
        continue;
      }
      if (skip && l.startsWith(HBA_END)) {
        skip = false;
        continue;
      }
      if (!skip) out.push(l);
    }
  } else {
    let done = false;
    for (const l of lines) {
      if (!done && canMatchReplication(l)) {
        out.push(...blockLines, "");
        done = true;
      }
      out.push(l);
    }
    if (!done) out.push("", ...blockLines);
  }
  return `${out.join("\n")}\n`;
}

/**
 * The common case without splitting into lines: exactly one BEGIN line, an END line after it, the
 * file and the block each ending in a newline. The same text as the line-by-line replacement
 * below (test/hba-placement.test.ts compares them), in a fraction of the allocation: a standby of
 * a large topology copies its upstream's file, block included, and replaces the block.
 */
function replaceOneBlock(text: string, block: string): string | undefined {
  if (!text.endsWith("\n") || !block.endsWith("\n")) return undefined;
  const begin = lineStarting(text, HBA_BEGIN, 0);
  if (begin < 0 || lineStarting(text, HBA_BEGIN, begin + 1) >= 0) return undefined;
  const end = lineStarting(text, HBA_END, begin + 1);
  if (end < 0) return undefined;
  return text.slice(0, begin) + block + text.slice(text.indexOf("\n", end) + 1);
}

/** Offset of the first line at or after `from` that starts with `prefix`, or -1. */
function lineStarting(text: string, prefix: string, from: number): number {
  if (from === 0 && text.startsWith(prefix)) return 0;
  const i = text.indexOf(`\n${prefix}`, Math.max(0, from - 1));
  return i < 0 ? -1 : i + 1;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
