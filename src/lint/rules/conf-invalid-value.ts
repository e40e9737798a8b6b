import { checkValue, getParam, isKnownParam } from "../../pg/catalog/index.js";
import { closest } from "../../util/suggest.js";
import { backticks, everyMajor } from "../facts.js";
import type { Rule } from "../rule.js";

// Every unit the server knows (guc.c's unit tables); a value whose unit differs only in case
// is offered with the right case.
const UNITS = ["B", "kB", "MB", "GB", "TB", "us", "ms", "s", "min", "h", "d"];

/** A value the corrected spelling of which the server accepts, or undefined. */
function suggestion(major: number, name: string, value: string): string | undefined {
  const p = getParam(major, name);
  if (!p) return undefined;
  if (p.type === "enum") {
    const near = closest(value, [...(p.enumvals ?? []), ...Object.keys(p.enumBuild ?? {})]);
    return near !== undefined && checkValue(major, name, near) === null ? near : undefined;
  }
  if (p.type === "integer" || p.type === "real") {
    const m = /^(\s*[-+]?[0-9.]+\s*)([A-Za-z]+)\s*$/.exec(value);
    if (!m) return undefined;
    for (const u of UNITS) {
      if (u !== m[2] && u.toLowerCase() === (m[2] as string).toLowerCase()) {
        const fixed = `${(m[1] as string).trim()}${u}`;
        if (checkValue(major, name, fixed) === null) return fixed;
      }
    }
  }
  return undefined;
}

/** A value the server would refuse: type, enum value, range, unit (units are case-sensitive). */
export const confInvalidValue: Rule = {
  name: "conf-invalid-value",
  severity: "error",
  summary: "a value of the wrong type, enum value, range or unit",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const all = ctx.majorsOf(server);
      for (const s of server.conf?.settings ?? []) {
        if (s.key.includes(".")) continue;
        // judged by the majors that know the parameter (unknown names are another rule's)
        const majors = all.filter((m) => isKnownParam(m, s.name));
        if (!everyMajor(majors, (m) => checkValue(m, s.name, s.value) !== null)) continue;
        const newest = majors.at(-1) as number;
        let message = backticks(checkValue(newest, s.name, s.value) as string);
        const fix = suggestion(newest, s.name, s.value);
        if (fix !== undefined) message += `; did you mean \`${fix}\`?`;
        ctx.report({ at: { file: s.file, line: s.line, column: s.valueColumn }, message, server });
      }
    }
  },
};
