import {
  checkValue,
  getParam,
  isKnownParam,
  isSupportedMajor,
  type ParamInfo,
  paramMajors,
  paramNames,
  removedParam,
  SUPPORTED_MAJORS,
  type SupportedMajor,
  suggestParam,
} from "../pg/catalog/index.js";
import type { Problem } from "../util/diagnostic.js";
import { closest } from "../util/suggest.js";
import { displayPath, type PathSeg, printable, type SourceDoc } from "./parse.js";
import { MANAGED_SETTINGS } from "./topology.js";

/**
 * The spec's `settings` (cluster-wide and per node) checked against the parameter catalogue
 * of `cluster.postgres`: the name must be a parameter that major has, and the value one its
 * server accepts in postgresql.conf (the catalogue's checkValue follows guc.c). Reads the raw
 * document defensively, like the topology checks: the schema may have problems of its own.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The schema's propertyNames for `settings` (schemas/topology.schema.json). */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** Keys whose values are never repeated in a message. */
const SECRET_KEY = /pass|secret/i;

/**
 * @param skip JSON pointers whose values must not be looked at (literal passwords, already
 *   reported without their value by literalPasswordProblems).
 */
export function settingsProblems(doc: SourceDoc, skip: readonly string[] = []): Problem[] {
  const root = doc.value;
  if (!isObj(root)) return [];
  const cluster = isObj(root.cluster) ? root.cluster : {};
  const major = cluster.postgres;
  // An unsupported or missing major is the schema's problem; nothing to check against.
  if (typeof major !== "number" || !isSupportedMajor(major)) return [];
  const problems: Problem[] = [];
  const check = (path: PathSeg[], settings: unknown) => {
    if (!isObj(settings)) return;
    for (const [name, value] of Object.entries(settings)) {
      const at = [...path, name];
      const skipped = skip.includes(`/${at.join("/")}`);
      for (const p of settingProblems(major, name, value, at, skipped)) {
        // names and values come from the spec (and reach the message through the server's reasons too)
        problems.push({
          file: doc.file,
          pos: doc.locate(at, p.which),
          message: printable(p.message, Infinity),
        });
      }
    }
  };
  check(["settings"], root.settings);
  const nodes = Array.isArray(root.nodes) ? root.nodes : [];
  nodes.forEach((n, i) => {
    if (isObj(n)) check(["nodes", i, "settings"], n.settings);
  });
  return problems;
}

interface SettingProblem {
  which: "key" | "value";
  message: string;
}

function settingProblems(
  major: SupportedMajor,
  name: string,
  value: unknown,
  path: PathSeg[],
  valueIsSecret: boolean,
): SettingProblem[] {
  const where = displayPath(path);
  // Set through the spec's own keys: topologyProblems reports it.
  if (MANAGED_SETTINGS[name.toLowerCase()] !== undefined) return [];
  // A name the schema refuses (propertyNames) is reported there, once.
  if (!SCHEMA_NAME.test(name) || name.length > 63) return [];
  // `class.name`: a custom placeholder (an extension's parameter); every server accepts it.
  if (name.includes(".")) return [];

  const nameProblem = unknownName(major, name);
  if (nameProblem !== undefined) return [{ which: "key", message: `${where}: ${nameProblem}` }];

  const lower = name.toLowerCase();
  if ((lower === "role" || lower === "session_authorization") && !(lower === "role" && value === "none")) {
    // Their check hooks look the role up in the catalogue, which the postmaster cannot read.
    return [
      {
        which: "key",
        message: `${where}: \`${lower}\` cannot be set in postgresql.conf (the server cannot look roles up when it reads the file); use ALTER ROLE … SET instead`,
      },
    ];
  }
  const param = getParam(major, name);
  if (param?.context === "internal") {
    return [
      {
        which: "key",
        message: `${where}: \`${param.name}\` is read-only (fixed when PostgreSQL is built or initdb runs); the server refuses it in a configuration file`,
      },
    ];
  }
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return []; // schema
  const text = serverText(value);
  const secret = valueIsSecret || SECRET_KEY.test(name);
  // Control characters are the schema's (postgresql.conf cannot hold a line break).
  if ([...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return [];
  if (valueIsSecret) return []; // reported without its value elsewhere
  const reason = checkValue(major, name, text);
  if (reason === null) return [];
  const shown = secret
    ? ` for PostgreSQL ${major} (value not shown)`
    : ` \`${printable(text)}\` for PostgreSQL ${major}`;
  const later = SUPPORTED_MAJORS.find((m) => m > major && checkValue(m, name, text) === null);
  const hint = later === undefined ? "" : `; note that PostgreSQL ${later} accepts it`;
  return [
    {
      which: "value",
      message: `${where}: invalid value${shown}: ${serverReason(reason, param, text, secret)}${hint}`,
    },
  ];
}

/** Why the major does not accept the name at all, or undefined when it does. */
function unknownName(major: SupportedMajor, name: string): string | undefined {
  if (isKnownParam(major, name)) return undefined;
  const removed = removedParam(major, name);
  if (removed) {
    let msg = `PostgreSQL ${major} has no \`${printable(name)}\` (removed in ${removed.removedIn})`;
    if (removed.replacement !== undefined) msg += `; use \`${removed.replacement}\` instead`;
    if (removed.note !== undefined)
      msg += removed.replacement !== undefined ? `; note that ${removed.note}` : `; ${removed.note}`;
    return msg;
  }
  const later = paramMajors(name).filter((m) => m > major);
  if (later.length > 0) return `PostgreSQL ${major} has no \`${printable(name)}\` (added in ${later[0]})`;
  const suggestion = suggestionFor(major, name);
  return `unknown parameter \`${printable(name)}\` for PostgreSQL ${major}${suggestion === undefined ? "" : `; did you mean \`${suggestion}\`?`}`;
}

/**
 * The closest name this major accepts. A typo of a parameter an earlier major had suggests
 * what replaced it (`wal_keep_segment` on 15 -> `wal_keep_size`); a typo of a parameter only
 * later majors have suggests nothing rather than a name this major would refuse.
 */
function suggestionFor(major: SupportedMajor, name: string): string | undefined {
  const everywhere = new Set<string>();
  for (const m of SUPPORTED_MAJORS) for (const n of paramNames(m)) everywhere.add(n);
  const near = closest(name, everywhere);
  if (near !== undefined) {
    if (getParam(major, near)) return getParam(major, near)?.name;
    const replacement = removedParam(major, near)?.replacement;
    if (replacement !== undefined) return replacement;
  }
  return suggestParam(major, name);
}

/** The value as the server reads it after the config-file scanner (what formatGucValue writes). */
function serverText(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "on" : "off";
  return String(value);
}

const MEMORY_UNITS = "B, kB, MB, GB, TB";
const TIME_UNITS = "us, ms, s, min, h, d";

/**
 * checkValue's reason without its `invalid value for parameter "x": "v"` preamble (the message
 * already says that), or what the parameter expects when the server gives no more detail.
 */
function serverReason(reason: string, p: ParamInfo | undefined, text: string, secret: boolean): string {
  const preamble = /^invalid value for parameter "[^"]*": "(?:[^"]|"")*"(?:; (?:note that )?)?/;
  const m = preamble.exec(reason);
  const rest = m ? reason.slice(m[0].length) : reason;
  const out = rest !== "" ? rest : expected(p);
  // A value can reach the reason (enum and range messages quote it): never for a secret.
  return secret ? out.replaceAll(text, "…") : out;
}

function expected(p: ParamInfo | undefined): string {
  if (!p) return "the server does not accept it";
  const units =
    p.unit === undefined
      ? ""
      : /B$/.test(p.unit)
        ? ` with an optional unit (${MEMORY_UNITS}; case-sensitive)`
        : ` with an optional unit (${TIME_UNITS})`;
  switch (p.type) {
    case "integer":
      return `expected an integer${units}`;
    case "real":
      return `expected a number${units}`;
    case "bool":
      return "expected a boolean (on, off, true, false, yes, no, 1, 0)";
    case "enum":
      return `expected one of ${(p.enumvals ?? []).join(", ")}`;
    case "string":
      return "the server does not accept it";
  }
}
