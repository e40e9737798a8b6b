import type { ErrorObject } from "ajv";
import { type StandaloneValidate, validate } from "../generated/schema-validator.js";
import type { Problem } from "../util/diagnostic.js";
import { didYouMean } from "../util/suggest.js";
import { displayPath, type PathSeg, printable, type SourceDoc } from "./parse.js";

export { displayPath };

/** The precompiled validator (scripts/gen-validator.mjs): no schema compiler at start-up. */
function validator(): StandaloneValidate {
  return validate;
}

/** What a pattern in the schema means, in words (keyed by the pattern itself). */
const PATTERN_WORDS: Record<string, string> = {
  "^[a-z][a-z0-9_]*$": "must start with a lowercase letter and hold only lowercase letters, digits and `_`",
  "^[a-z_][a-z0-9_]*$": "must hold only lowercase letters, digits and `_`, not starting with a digit",
  "^[a-z0-9_]+$": "must hold only lowercase letters, digits and `_` (PostgreSQL slot names)",
  "^/[A-Za-z0-9._/@%+=:,-]*$": "must be an absolute path of letters, digits and `._/@%+=:,-`",
  "^[A-Za-z0-9._/@%+=:,-]+$": "must be a path of letters, digits and `._/@%+=:,-`",
  "^[A-Za-z_][A-Za-z0-9_]*$": "must be an environment variable name (letters, digits, `_`)",
  "^(-1|[0-9]+(kB|MB|GB|TB)?)$": "must be a size such as `10GB` (units kB, MB, GB, TB; case-sensitive) or -1",
  "^[0-9]+(ms|s|min|h|d)?$": "must be a duration such as `30min` or `1h` (units ms, s, min, h, d)",
  "^[^\\u0000-\\u001f\\u007f]*$": "must not contain control characters (newlines, tabs, NUL)",
  "^[a-z_][a-z0-9_-]*$": "must be an operating-system user name",
};

/** Turns a JSON pointer (/nodes/0/host) into path segments. */
function pointerToPath(pointer: string): PathSeg[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function hasControlOrBacktick(s: string): boolean {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || ch === "`") return true;
  }
  return false;
}

export function quoteValue(path: readonly PathSeg[], value: unknown): string | undefined {
  if (path.some((s) => typeof s === "string" && /pass/i.test(s))) return undefined;
  if (typeof value === "string" && value.length <= 40 && !hasControlOrBacktick(value)) return `\`${value}\``;
  if (typeof value === "number" || typeof value === "boolean") return `\`${String(value)}\``;
  return undefined;
}

function typeWords(t: string | string[]): string {
  const one = (x: string): string =>
    ({
      integer: "an integer",
      number: "a number",
      string: "a string",
      boolean: "true or false",
      object: "a mapping",
      array: "a list",
      null: "null",
    })[x] ?? x;
  return Array.isArray(t) ? t.map(one).join(" or ") : one(t);
}

/** Schema problems with positions; paths in `skip` (and below them) are reported elsewhere. */
export function schemaProblems(doc: SourceDoc, skip: readonly string[] = []): Problem[] {
  const validate = validator();
  if (validate(doc.value)) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    if (skip.some((s) => e.instancePath === s || e.instancePath.startsWith(`${s}/`))) continue;
    const p = translate(doc, e);
    if (!p) continue;
    const key = `${p.pos?.line}:${p.pos?.column}:${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(p);
  }
  return problems;
}

function translate(doc: SourceDoc, e: ErrorObject): Problem | undefined {
  const path = pointerToPath(e.instancePath);
  const where = displayPath(path);
  const file = doc.file;
  const at = (p: readonly PathSeg[], which: "key" | "value" = "value") => doc.locate(p, which);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const full = [...path, key];
      return {
        file,
        pos: at(full, "key"),
        message: `${where === "the spec" ? "" : `${where}: `}unknown key \`${printable(key)}\`${didYouMean(key, known) || `; expected one of ${known.map((k) => `\`${k}\``).join(", ")}`}`,
      };
    }
    case "required": {
      const missing = String(params.missingProperty);
      return { file, pos: at(path), message: `${where}: missing required key \`${missing}\`` };
    }
    case "type":
      return { file, pos: at(path), message: `${where}: must be ${typeWords(params.type as string)}` };
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map((v) => `\`${String(v)}\``);
      const got = quoteValue(path, e.data);
      if (e.propertyName !== undefined) return undefined;
      if (path.length === 2 && path[0] === "cluster" && path[1] === "postgres") {
        return {
          file,
          pos: at(path),
          message: `cluster.postgres: PostgreSQL ${got ?? "this version"} is not supported; supported majors are 12 to 18`,
        };
      }
      const hint =
        typeof e.data === "string" ? didYouMean(e.data, (params.allowedValues as unknown[]).map(String)) : "";
      return {
        file,
        pos: at(path),
        message: `${where}: ${got ? `${got} is not allowed` : "value not allowed"}; expected one of ${allowed.join(", ")}${hint ? hint : ""}`,
      };
    }
    case "const":
      return { file, pos: at(path), message: `${where}: must be \`${String(params.allowedValue)}\`` };
    case "pattern": {
      if (e.propertyName !== undefined) {
        return {
          file,
          pos: at([...path, e.propertyName], "key"),
          message: `${where}: \`${printable(e.propertyName)}\` is not a valid parameter name`,
        };
      }
      const words = PATTERN_WORDS[String(params.pattern)] ?? `must match \`${String(params.pattern)}\``;
      const got = quoteValue(path, e.data);
      return {
        file,
        pos: at(path),
        message: `${where}: ${got ? `${got} ` : ""}${words.replace(/^must/, got ? "is invalid: it must" : "must")}`,
      };
    }
    case "propertyNames":
      return undefined; // reported by the pattern error on the name itself
    case "minimum":
      return { file, pos: at(path), message: `${where}: must be at least ${String(params.limit)}` };
    case "maximum":
      return { file, pos: at(path), message: `${where}: must be at most ${String(params.limit)}` };
    case "maxLength":
      return { file, pos: at(path), message: `${where}: must be at most ${String(params.limit)} characters` };
    case "minLength":
      return { file, pos: at(path), message: `${where}: must not be empty` };
    case "minItems":
      return { file, pos: at(path), message: `${where}: must list at least ${String(params.limit)} item` };
    case "minProperties":
    case "maxProperties": {
      if (path[path.length - 1] === "password") {
        return { file, pos: at(path), message: `${where}: must name exactly one of \`env\` or \`file\`` };
      }
      return { file, pos: at(path), message: `${where}: ${e.message ?? "invalid"}` };
    }
    default:
      return { file, pos: at(path), message: `${where}: ${e.message ?? "invalid"}` };
  }
}
