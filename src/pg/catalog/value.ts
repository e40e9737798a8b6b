/**
 * The port of guc.c's value parsing (parse_and_validate_value: parse_bool, parse_int, parse_real,
 * convert_to_base_unit, the enum lookup) and the few check hooks modelled, rule for rule.
 */

import { asciiLower } from "../../util/ascii.js";
import { lookupTable } from "../../util/table.js";
import { getParam, isSupportedMajor, type ParamInfo, unlisted } from "./lookup.js";

// ---------------------------------------------------------------------------------------
// Values: guc.c's parse_and_validate_value

/**
 * Null when the server of this major would accept `value` for the parameter in
 * postgresql.conf, else a lowercase message saying why not. `value` is the setting as the
 * server sees it after the config-file scanner (quotes removed, escapes decoded).
 *
 * Implements the server's own rules: parse_bool (on/off/true/false/yes/no/1/0 and unique
 * prefixes, case-insensitive); parse_int (strtol with hex and octal, falling back to strtod
 * for fractions and exponents; units exactly as written, case-sensitive, converted and
 * rounded to the base unit as convert_to_base_unit does; rounded half to even; int range);
 * parse_real; enum names case-insensitive, hidden ones included; min/max. Check hooks are
 * modelled only where listed in CHECK_HOOKS; other string parameters accept anything here,
 * though the server may still refuse some at runtime (a role that does not exist, a locale
 * the host lacks, a malformed synchronous_standby_names). Internal parameters cannot be set.
 */
export function checkValue(major: number, name: string, value: string): string | null {
  if (!isSupportedMajor(major)) return `postgresql ${major} is not supported`;
  const p = getParam(major, name);
  if (!p) {
    if (unlisted(major, asciiLower(name))) return null;
    return `unrecognized configuration parameter "${name}"`;
  }
  if (p.context === "internal") return `parameter "${p.name}" cannot be changed`;
  switch (p.type) {
    case "bool":
      return parseBool(value) === undefined ? `parameter "${p.name}" requires a boolean value` : null;
    case "integer":
    case "real":
      return checkNumber(major, p, value);
    case "enum":
      return checkEnum(p, value);
    case "string":
      return CHECK_HOOKS[asciiLower(p.name)]?.(value, major) ?? null;
  }
}

/** parse_bool_with_len: true/false/undefined (invalid). */
export function parseBool(value: string): boolean | undefined {
  const v = asciiLower(value);
  const len = v.length;
  const prefixOf = (word: string, minLen: number) =>
    len >= minLen && len <= word.length && word.startsWith(v);
  switch (v[0]) {
    case "t":
      return prefixOf("true", 1) ? true : undefined;
    case "f":
      return prefixOf("false", 1) ? false : undefined;
    case "y":
      return prefixOf("yes", 1) ? true : undefined;
    case "n":
      return prefixOf("no", 1) ? false : undefined;
    case "o":
      // "o" alone is not unique enough
      if (prefixOf("on", 2)) return true;
      if (prefixOf("off", 2)) return false;
      return undefined;
    case "1":
      return len === 1 ? true : undefined;
    case "0":
      return len === 1 ? false : undefined;
    default:
      return undefined;
  }
}

function checkEnum(p: ParamInfo, value: string): string | null {
  const v = asciiLower(value);
  const accepted = [...(p.enumvals ?? []), ...(p.enumHidden ?? []), ...Object.keys(p.enumBuild ?? {})];
  if (accepted.some((e) => asciiLower(e) === v)) return null;
  const listed = [...(p.enumvals ?? []), ...Object.keys(p.enumBuild ?? {})];
  return `invalid value for parameter "${p.name}": "${value}"; available values: ${listed.join(", ")}`;
}

// --- numbers --------------------------------------------------------------------------

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const MAX_UNIT_LEN = 3;

interface UnitRow {
  unit: string;
  multiplier: number;
}

// convert_to_base_unit's tables, per base unit, largest unit first: the order decides which
// "next smaller unit" a fractional value is rounded to. Multipliers are computed as guc.c
// computes them, so the floating-point results match. BLCKSZ and XLOG_BLCKSZ are 8192 in
// every build pg_settings showed us ("8kB").
function memoryRows(baseBytes: number): UnitRow[] {
  return [
    { unit: "TB", multiplier: (1024 * 1024 * 1024 * 1024) / baseBytes },
    { unit: "GB", multiplier: (1024 * 1024 * 1024) / baseBytes },
    { unit: "MB", multiplier: (1024 * 1024) / baseBytes },
    { unit: "kB", multiplier: 1024 / baseBytes },
    { unit: "B", multiplier: 1 / baseBytes },
  ];
}

const TIME_ROWS: Readonly<Record<string, UnitRow[]>> = {
  ms: [
    { unit: "d", multiplier: 1000 * 60 * 60 * 24 },
    { unit: "h", multiplier: 1000 * 60 * 60 },
    { unit: "min", multiplier: 1000 * 60 },
    { unit: "s", multiplier: 1000 },
    { unit: "ms", multiplier: 1 },
    { unit: "us", multiplier: 1.0 / 1000 },
  ],
  s: [
    { unit: "d", multiplier: 60 * 60 * 24 },
    { unit: "h", multiplier: 60 * 60 },
    { unit: "min", multiplier: 60 },
    { unit: "s", multiplier: 1 },
    { unit: "ms", multiplier: 1.0 / 1000 },
    { unit: "us", multiplier: 1.0 / (1000 * 1000) },
  ],
  min: [
    { unit: "d", multiplier: 60 * 24 },
    { unit: "h", multiplier: 60 },
    { unit: "min", multiplier: 1 },
    { unit: "s", multiplier: 1.0 / 60 },
    { unit: "ms", multiplier: 1.0 / (1000 * 60) },
    { unit: "us", multiplier: 1.0 / (1000 * 1000 * 60) },
  ],
};

const MEMORY_UNITS_HINT = 'valid units for this parameter are "B", "kB", "MB", "GB", and "TB"';
const TIME_UNITS_HINT = 'valid units for this parameter are "us", "ms", "s", "min", "h", and "d"';

/** The conversion rows for a pg_settings unit, and whether it is a memory unit. */
function unitRows(baseUnit: string): { rows: UnitRow[]; memory: boolean } | undefined {
  const mem = /^(\d*)(B|kB|MB)$/.exec(baseUnit);
  if (mem) {
    const scale = mem[1] ? Number(mem[1]) : 1;
    const bytes = { B: 1, kB: 1024, MB: 1024 * 1024 }[mem[2] as "B" | "kB" | "MB"];
    return { rows: memoryRows(scale * bytes), memory: true };
  }
  const rows = TIME_ROWS[baseUnit];
  return rows ? { rows, memory: false } : undefined;
}

/** C's rint() in the default rounding mode: halfway cases go to the even neighbour. */
function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (Math.abs(x % 1) === 0.5) return 2 * Math.round(x / 2);
  return Math.round(x);
}

const isCSpace = (c: string | undefined) =>
  c === " " || c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r";

interface Parsed {
  value: number;
  /** index of the first character not consumed; 0 when nothing was */
  end: number;
  erange: boolean;
}

/** glibc strtol(s, &end, 0) with a 64-bit long. */
function strtol(s: string): Parsed {
  let i = 0;
  while (isCSpace(s[i])) i++;
  let negative = false;
  if (s[i] === "+" || s[i] === "-") negative = s[i++] === "-";
  let base = 10;
  if (s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X") && /[0-9a-fA-F]/.test(s[i + 2] ?? "")) {
    base = 16;
    i += 2;
  } else if (s[i] === "0") {
    base = 8;
  }
  const digit = base === 16 ? /[0-9a-fA-F]/ : base === 8 ? /[0-7]/ : /[0-9]/;
  const start = i;
  let acc = 0n;
  while (i < s.length && digit.test(s[i] as string))
    acc = acc * BigInt(base) + BigInt(Number.parseInt(s[i++] as string, 16));
  if (i === start) return { value: 0, end: 0, erange: false };
  if (negative) acc = -acc;
  const LONG_MAX = 9223372036854775807n;
  const LONG_MIN = -9223372036854775808n;
  if (acc > LONG_MAX) return { value: Number(LONG_MAX), end: i, erange: true };
  if (acc < LONG_MIN) return { value: Number(LONG_MIN), end: i, erange: true };
  return { value: Number(acc), end: i, erange: false };
}

/** glibc strtod(s, &end): decimal and hex floats, inf, infinity, nan; ERANGE on overflow and underflow. */
function strtod(s: string): Parsed {
  let i = 0;
  while (isCSpace(s[i])) i++;
  const rest = s.slice(i);
  const sign = rest[0] === "-" ? -1 : 1;
  const body = rest[0] === "+" || rest[0] === "-" ? rest.slice(1) : rest;
  const signLen = rest.length - body.length;
  const special = /^(?:inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?)/i.exec(body);
  if (special) {
    const value =
      special[0][0] === "n" || special[0][0] === "N" ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    return { value, end: i + signLen + special[0].length, erange: false };
  }
  const hex = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?/.exec(body);
  if (hex && `${hex[1]}${hex[2] ?? ""}`.length > 0) {
    const intDigits = hex[1] ?? "";
    const fracDigits = hex[2] ?? "";
    let len = hex[0].length;
    let exp = 0;
    const e = /^[pP]([+-]?\d+)/.exec(body.slice(len));
    if (e) {
      exp = Number(e[1]);
      len += e[0].length;
    }
    const mantissa = BigInt(`0x${intDigits}${fracDigits}`);
    const value = sign * Number(mantissa) * 2 ** (exp - 4 * fracDigits.length);
    return finish(value, mantissa !== 0n, i + signLen + len);
  }
  const dec = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(body);
  if (!dec) return { value: 0, end: 0, erange: false };
  const value = sign * Number(dec[0]);
  return finish(value, /[1-9]/.test(dec[0].replace(/[eE].*$/, "")), i + signLen + dec[0].length);
}

function finish(value: number, nonzeroDigits: boolean, end: number): Parsed {
  const overflow = !Number.isFinite(value);
  const underflow = nonzeroDigits && Math.abs(value) < 2.2250738585072014e-308;
  return { value, end, erange: overflow || underflow };
}

function checkNumber(major: number, p: ParamInfo, value: string): string | null {
  const invalid = (hint?: string) =>
    `invalid value for parameter "${p.name}": "${value}"${hint === undefined ? "" : `; note that ${hint}`}`;

  let parsed: Parsed;
  if (p.type === "integer") {
    // Integer first (octal, hex); on '.', 'e' or overflow, again as a float.
    parsed = strtol(value);
    const stop = value[parsed.end];
    if (stop === "." || stop === "e" || stop === "E" || parsed.erange) parsed = strtod(value);
  } else {
    parsed = strtod(value);
  }
  if (parsed.end === 0 || parsed.erange || Number.isNaN(parsed.value)) return invalid();
  let val = parsed.value;

  let i = parsed.end;
  while (isCSpace(value[i])) i++;
  if (i < value.length) {
    const rows = p.unit === undefined ? undefined : unitRows(p.unit);
    if (!rows) return invalid("this parameter takes no unit");
    const converted = convertToBaseUnit(val, value.slice(i), rows.rows);
    if (converted === undefined) {
      const hint = rows.memory ? MEMORY_UNITS_HINT : TIME_UNITS_HINT;
      const written = value.slice(i).trim();
      const caseSlip = rows.rows.some(
        (r) => r.unit !== written && asciiLower(r.unit) === asciiLower(written),
      );
      return invalid(caseSlip ? `units are case-sensitive: ${hint}` : hint);
    }
    val = converted;
  }

  if (p.type === "integer") {
    val = rint(val);
    if (val > INT_MAX || val < INT_MIN) return invalid("the value exceeds the integer range");
  }
  const min = p.min ?? Number.NEGATIVE_INFINITY;
  const max = p.max ?? Number.POSITIVE_INFINITY;
  if (val < min || val > max) {
    const u = p.unit === undefined ? "" : ` ${p.unit}`;
    return `${val}${u} is outside the valid range for parameter "${p.name}" (${min}${u} .. ${max}${u})`;
  }
  if (p.type === "integer") return INT_CHECK_HOOKS[asciiLower(p.name)]?.(val, major) ?? null;
  return null;
}

/** convert_to_base_unit: the unit exactly as written (case-sensitive), rounded to the next smaller unit. */
function convertToBaseUnit(value: number, unitText: string, rows: UnitRow[]): number | undefined {
  let i = 0;
  let unit = "";
  while (i < unitText.length && !isCSpace(unitText[i]) && unit.length < MAX_UNIT_LEN) unit += unitText[i++];
  while (isCSpace(unitText[i])) i++;
  if (i < unitText.length) return undefined; // unit too long, or garbage after it
  const at = rows.findIndex((r) => r.unit === unit);
  const row = rows[at];
  if (!row) return undefined;
  let cvalue = value * row.multiplier;
  const next = rows[at + 1];
  if (next) cvalue = rint(cvalue / next.multiplier) * next.multiplier;
  return cvalue;
}

// --- check hooks ----------------------------------------------------------------------
// The server runs a check hook after the type's own parsing. Only those that matter for
// the configurations this project writes and reads are modelled.

const NAMEDATALEN = 64;

/** ReplicationSlotValidateName (check_primary_slot_name; empty means "no slot"). */
function checkSlotName(value: string): string | null {
  if (value === "") return null;
  if (value.length >= NAMEDATALEN) return `replication slot name "${value}" is too long`;
  if (!/^[a-z0-9_]+$/.test(value)) {
    return `replication slot name "${value}" contains invalid character; note that replication slot names may only contain lower case letters, numbers, and the underscore character`;
  }
  return null;
}

const CHECK_HOOKS: Readonly<Record<string, (value: string, major: number) => string | null>> = lookupTable({
  primary_slot_name: checkSlotName,
});

/** check_slru_buffers (17+): the SLRU caches are allocated in banks of 16 buffers. */
function slruBuffers(name: string) {
  return (value: number) => (value % 16 === 0 ? null : `"${name}" must be a multiple of 16`);
}

// check_max_connections and its three siblings (12–17): the four together, plus one for
// the launcher, may not exceed MAX_BACKENDS. The server adds the values the other three
// have when the line is read; a single value can only be checked against their defaults.
// 18 checks the sum after loading the whole file instead.
const MAX_BACKENDS = 0x3ffff;
const BACKEND_COUNTS = [
  "max_connections",
  "autovacuum_max_workers",
  "max_worker_processes",
  "max_wal_senders",
];

function backendSum(name: string) {
  return (value: number, major: number): string | null => {
    if (major >= 18) return null;
    let sum = value + 1;
    for (const other of BACKEND_COUNTS) {
      if (other !== name) sum += Number(getParam(major, other)?.bootVal ?? 0);
    }
    return sum <= MAX_BACKENDS
      ? null
      : `"${name}" plus the other backend counts at their defaults (${BACKEND_COUNTS.filter((o) => o !== name).join(", ")}) exceeds ${MAX_BACKENDS} backends`;
  };
}

const INT_CHECK_HOOKS: Readonly<Record<string, (value: number, major: number) => string | null>> =
  lookupTable({
    max_connections: backendSum("max_connections"),
    autovacuum_max_workers: backendSum("autovacuum_max_workers"),
    max_worker_processes: backendSum("max_worker_processes"),
    max_wal_senders: backendSum("max_wal_senders"),
    // check_vacuum_buffer_usage_limit (16+): 0 disables the ring, else 128 kB .. 16 GB
    vacuum_buffer_usage_limit: (v) =>
      v === 0 || (v >= 128 && v <= 16777216)
        ? null
        : `"vacuum_buffer_usage_limit" must be 0 or between 128 kB and 16777216 kB`,
    commit_timestamp_buffers: slruBuffers("commit_timestamp_buffers"),
    multixact_member_buffers: slruBuffers("multixact_member_buffers"),
    multixact_offset_buffers: slruBuffers("multixact_offset_buffers"),
    notify_buffers: slruBuffers("notify_buffers"),
    serializable_buffers: slruBuffers("serializable_buffers"),
    subtransaction_buffers: slruBuffers("subtransaction_buffers"),
    transaction_buffers: slruBuffers("transaction_buffers"),
  });
