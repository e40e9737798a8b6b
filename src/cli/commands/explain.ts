import { explain } from "../../lint/docs.js";
import type { CliIO } from "../io.js";

/** explain RULE: the rule's page (docs/rules/RULE.md); exit 2 with the closest names for an unknown rule. */
export async function runExplain(rule: string, io: CliIO): Promise<number> {
  const r = explain(rule);
  if (!r.ok) {
    io.stderr(`pgrepl-gen: ${r.error}\n`);
    return 2;
  }
  io.stdout(r.text.endsWith("\n") ? r.text : `${r.text}\n`);
  return 0;
}
