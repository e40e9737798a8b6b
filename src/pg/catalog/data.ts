/**
 * The generated catalogue (params.json), parsed one entry at a time. A lint or render run asks
 * for a few dozen of the ~350 parameters; parsing the whole file made ~190 KB of objects at every
 * start, which the first young-generation collections then had to copy (docs/performance.md).
 *
 * The file is imported as text (`?raw`: Vite's convention, which vitest follows and
 * scripts/build.mjs implements) and read in the layout scripts/gen-catalog.mjs (formatCatalog)
 * writes, and that `npm run gen:catalog:check` holds it to: one line `"aliases":{…},`, then
 * `"params":{`, one line per parameter `"name":{…},` (sorted), `},`, one line `"unlisted":{…},`
 * and one line `"versions":{…}`. test/catalog.test.ts compares every lookup with the whole file
 * parsed.
 */
import text from "./params.json?raw";

export interface RawParam {
  name?: string;
  type: string;
  unit?: string;
  min?: number;
  max?: number;
  enumvals?: string[];
  enumHidden?: string[];
  enumBuild?: Record<string, string>;
  bootVal: string | null;
  context: string;
  majors: number[];
  /** Per older major, the fields that differ from the newest major's (null: absent there). */
  byMajor?: Record<string, Record<string, unknown>>;
}

export interface RawAlias {
  target: string;
  majors: number[];
}

const PARAMS_OPEN = '\n"params":{\n';
const PARAMS_CLOSE = "\n},\n";

/**
 * Where each parameter's line starts, by name: one pass over the section when first asked (a
 * search of the text for every name looked up cost more than this).
 */
let lineStarts: Map<string, number> | undefined;

function index(): Map<string, number> {
  if (lineStarts) return lineStarts;
  const open = text.indexOf(PARAMS_OPEN);
  const end = open < 0 ? -1 : text.indexOf(PARAMS_CLOSE, open);
  if (end < 0) throw new Error("params.json is not laid out as scripts/gen-catalog.mjs writes it");
  lineStarts = new Map();
  // each line: "name":{…}, (JSON.stringify of a name: gen-catalog's names need no escapes, and
  // the test that compares every lookup with the whole file parsed would see one that did)
  for (let at = open + PARAMS_OPEN.length; at < end; ) {
    const next = text.indexOf("\n", at);
    const colon = text.indexOf('":', at);
    if (text[at] !== '"' || colon < 0 || colon > next)
      throw new Error(`params.json: a parameter line that is not "name":{…} at offset ${at}`);
    lineStarts.set(text.slice(at + 1, colon), at);
    at = next + 1;
  }
  return lineStarts;
}

/** The JSON value on the line starting at `at`, after `"name":`, its trailing comma dropped. */
function lineValue(at: number, prefixLength: number): unknown {
  const from = at + prefixLength;
  let to = text.indexOf("\n", from);
  if (to < 0) to = text.length;
  if (text[to - 1] === ",") to--;
  return JSON.parse(text.slice(from, to));
}

const params = new Map<string, RawParam | undefined>();

/** A parameter's entry by its lower-case name (any string: a name users write), undefined when there is none. */
export function rawParam(key: string): RawParam | undefined {
  if (params.has(key)) return params.get(key);
  const at = index().get(key);
  const found = at === undefined ? undefined : (lineValue(at, key.length + 3) as RawParam);
  params.set(key, found);
  return found;
}

let whole: { params: Record<string, RawParam> } | undefined;

/** Every parameter entry, by lower-case name (the whole file parsed, once: for suggestions). */
export function allParams(): Readonly<Record<string, RawParam>> {
  whole ??= JSON.parse(text) as { params: Record<string, RawParam> };
  return whole.params;
}

const sections = new Map<string, Record<string, unknown>>();

/** One of the one-line sections outside the parameters. */
function section<T>(name: "aliases" | "unlisted" | "versions"): Readonly<Record<string, T>> {
  let s = sections.get(name);
  if (!s) {
    const at = text.indexOf(`\n"${name}":`);
    if (at < 0) throw new Error(`params.json has no "${name}" line`);
    s = lineValue(at + 1, name.length + 3) as Record<string, unknown>;
    sections.set(name, s);
  }
  return s as Record<string, T>;
}

/** A table's own entry for a name users write: `constructor` or `__proto__` is a missing key like any other. */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** obsolete lower-case name -> its entry (guc.c's map_old_guc_names) */
export function rawAlias(key: string): RawAlias | undefined {
  return own(section<RawAlias>("aliases"), key);
}

/** the majors that accept a name pg_settings does not list */
export function rawUnlisted(key: string): number[] | undefined {
  return own(section<number[]>("unlisted"), key);
}

/** The PostgreSQL release the catalogue was read from for a major ("15.18"), by major. */
export function rawVersion(major: string): string | undefined {
  return own(section<string>("versions"), major);
}
