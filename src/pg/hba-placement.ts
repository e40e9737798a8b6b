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

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
