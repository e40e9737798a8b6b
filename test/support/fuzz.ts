/**
 * Shared pieces of the parser fuzz tests (test/fuzz-*.test.ts): how many cases to run, the
 * seed corpus of real files, byte-level mutations of them, and the checks every parser's
 * problems must pass (a position inside the input, no control characters, no secret).
 *
 * FUZZ_RUNS is the cases per parser (scripts/fuzz.mjs sets 100 000); FUZZ_SEED replays a run;
 * FUZZ_REPORT names a file that receives one JSON line per property (cases, time, failures).
 */
import { appendFileSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { expect } from "vitest";

export const ROOT = join(import.meta.dirname, "..", "..");

/** A vitest timeout that fits the run: long runs take minutes. */
export const TIMEOUT = process.env.FUZZ_RUNS ? 6 * 3600_000 : 120_000;

/**
 * Cases for one property: the short in-suite number, or with FUZZ_RUNS (cases per parser) half
 * of it, since every parser has two properties: generated input and mutated real files.
 */
export function runs(short: number): number {
  const n = Number(process.env.FUZZ_RUNS ?? "");
  return Number.isFinite(n) && n > 0 ? Math.ceil(n / 2) : short;
}

/**
 * Runs a property like fc.assert, records cases/time/outcome in FUZZ_REPORT, and fails the
 * test with fast-check's report (seed, path and shrunk counterexample) when a case fails.
 */
export function fuzz<T>(name: string, arb: fc.Arbitrary<T>, check: (v: T) => void, numRuns: number): void {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  const started = performance.now();
  const details = fc.check(
    fc.property(arb, (v) => {
      check(v);
    }),
    { numRuns, ...(seed === undefined ? {} : { seed }), endOnFailure: false },
  );
  const ms = performance.now() - started;
  if (process.env.FUZZ_REPORT) {
    appendFileSync(
      process.env.FUZZ_REPORT,
      `${JSON.stringify({ name, cases: details.numRuns, ms: Math.round(ms), failed: details.failed, seed: details.seed })}\n`,
    );
  }
  if (details.failed) {
    const why =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    expect.fail(`${name}: ${why}\n${fc.defaultReportMessage(details) ?? ""}`);
  }
}

/** Every regular file under dir (recursively), as paths relative to ROOT. */
export function filesUnder(dir: string, keep: (path: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (keep(p)) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out;
}

export interface Seed {
  /** where it came from, for the failure report */
  name: string;
  bytes: Uint8Array;
}

export function seedFile(path: string): Seed {
  return { name: path, bytes: new Uint8Array(readFileSync(join(ROOT, path))) };
}

/** The files of the differential fixtures (`{"files": {name: text}}`) whose name passes `keep`. */
export function differentialSeeds(dir: string, keep: (name: string) => boolean): Seed[] {
  const out: Seed[] = [];
  for (const f of filesUnder(dir, (p) => p.endsWith(".json"))) {
    const files = (JSON.parse(readFileSync(join(ROOT, f), "utf8")) as { files?: Record<string, unknown> })
      .files;
    for (const [name, text] of Object.entries(files ?? {})) {
      if (typeof text === "string" && keep(name))
        out.push({ name: `${f}#${name}`, bytes: new TextEncoder().encode(text) });
    }
  }
  return out;
}

/**
 * The files a mutated seed is parsed among: a seed from the differential corpus (`FIXTURE#name`)
 * stands in its own fixture's files (`pathOf` places each), with the mutated bytes in place of its
 * own; any other seed is the main file alone.
 */
export function seedTree(
  seed: Seed,
  bytes: Uint8Array,
  corpus: readonly Seed[],
  main: string,
  pathOf: (rel: string) => string,
): Record<string, string> {
  const text = lenientUtf8(bytes);
  const hash = seed.name.indexOf("#");
  if (hash < 0) return { [main]: text };
  const fixture = seed.name.slice(0, hash);
  const own = seed.name.slice(hash + 1);
  const tree: Record<string, string> = {};
  for (const t of corpus) {
    if (!t.name.startsWith(`${fixture}#`)) continue;
    const rel = t.name.slice(fixture.length + 1);
    tree[pathOf(rel)] = rel === own ? text : lenientUtf8(t.bytes);
  }
  tree[main] ??= "";
  return tree;
}

/** Bytes the mutations insert: the characters parsers treat specially, and malformed UTF-8. */
export const SPECIALS: readonly (readonly number[])[] = [
  ...[
    "'",
    '"',
    "\\",
    "#",
    "=",
    ",",
    ":",
    "@",
    "/",
    "\n",
    "\r",
    "\t",
    "\f",
    "\v",
    " ",
    "$",
    "{",
    "}",
    "(",
    ")",
    "`",
    ";",
    "*",
    "%",
    "&",
    "?",
    "[",
    "]",
  ].map((c) => [c.charCodeAt(0)]),
  [0x00],
  [0x01],
  [0x1b, 0x5b, 0x33, 0x31, 0x6d], // ESC [31m
  [0x7f],
  [0xc2, 0x9b], // U+009B, the C1 CSI
  [0xff],
  [0xfe, 0xff],
  [0xc3], // a lead byte alone
  [0x80], // a continuation byte alone
  [0xed, 0xa0, 0x80], // an encoded surrogate
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
  [0xc0, 0xaf], // overlong "/"
  [0xef, 0xbb, 0xbf], // a BOM
  [0xe2, 0x80, 0x98], // ‘
  [0xe2, 0x80, 0x99], // ’
  [0xe2, 0x80, 0xae], // U+202E right-to-left override
  [0xf0, 0x9f, 0x98, 0x80], // an astral character (a surrogate pair in UTF-16)
  [0x5c, 0x0a], // backslash newline (hba continuation)
  [0x27, 0x27], // ''
  [0x22, 0x22], // ""
];

export type Mutation =
  | { kind: "flip"; at: number; byte: number }
  | { kind: "truncate"; at: number }
  | { kind: "delete"; at: number; len: number }
  | { kind: "duplicate"; at: number; len: number; to: number }
  | { kind: "insert"; at: number; special: number }
  | { kind: "long-line"; at: number; len: number; byte: number }
  | { kind: "splice"; at: number; from: number; seedAt: number; len: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("flip"), at: fc.nat(), byte: fc.nat(255) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate"), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete"), at: fc.nat(), len: fc.nat(64) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("duplicate"), at: fc.nat(), len: fc.nat(200), to: fc.nat() }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("insert"), at: fc.nat(), special: fc.nat(SPECIALS.length - 1) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("long-line"),
      at: fc.nat(),
      len: fc.integer({ min: 1000, max: 20_000 }),
      byte: fc.constantFrom(0x61, 0x27, 0x5c, 0x20, 0x2c),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("splice"),
      at: fc.nat(),
      from: fc.nat(),
      seedAt: fc.nat(),
      len: fc.nat(300),
    }),
  },
) as fc.Arbitrary<Mutation>;

/** Applies mutations in order; positions wrap around the current length. */
export function mutate(
  seed: Uint8Array,
  mutations: readonly Mutation[],
  others: readonly Seed[],
): Uint8Array {
  let b = Array.from(seed);
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    switch (m.kind) {
      case "flip":
        if (b.length > 0) b[at % b.length] = m.byte;
        break;
      case "truncate":
        b = b.slice(0, at);
        break;
      case "delete":
        b.splice(at, m.len);
        break;
      case "duplicate": {
        const piece = b.slice(at, at + m.len);
        b.splice(b.length === 0 ? 0 : m.to % (b.length + 1), 0, ...piece);
        break;
      }
      case "insert":
        b.splice(at, 0, ...(SPECIALS[m.special] as number[]));
        break;
      case "long-line":
        b.splice(at, 0, ...new Array<number>(m.len).fill(m.byte));
        break;
      case "splice": {
        const other = others.length > 0 ? (others[m.from % others.length] as Seed).bytes : new Uint8Array();
        const start = other.length === 0 ? 0 : m.seedAt % other.length;
        b.splice(at, 0, ...other.subarray(start, start + m.len));
        break;
      }
    }
  }
  return Uint8Array.from(b);
}

/** A real file and the mutations to make of it. */
export function mutatedSeed(seeds: readonly Seed[]): fc.Arbitrary<{ seed: Seed; bytes: Uint8Array }> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutationArb, { minLength: 1, maxLength: 6 }))
    .map(([seed, ms]) => {
      const bytes = mutate(seed.bytes, ms, seeds);
      return {
        seed,
        bytes,
        // fast-check prints counterexamples with this: the text, not a byte array
        [fc.toStringMethod]: () => `${seed.name} mutated to ${printable(shorten(lenientUtf8(bytes)))}`,
      };
    });
}

function shorten(s: string): string {
  return s.length > 2000 ? `${s.slice(0, 1000)}…(${s.length - 2000} more)…${s.slice(-1000)}` : s;
}

/** JSON-quoted, with C1 and other invisible characters escaped too (counterexamples must be readable). */
export function printable(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** UTF-8 as the config readers decode it (nodeConfFs): a malformed byte becomes U+FFFD. */
export function lenientUtf8(b: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(b);
}

/**
 * The first raw control character a message must never carry to a terminal (C0, DEL and C1;
 * those in `allowed` excepted), or undefined.
 */
export function firstControl(s: string, allowed = ""): string | undefined {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if ((c < 0x20 || (c >= 0x7f && c <= 0x9f)) && !allowed.includes(ch)) return ch;
  }
  return undefined;
}

/** A problem message: one printable line that holds none of the secrets. */
export function expectCleanMessage(message: string, secrets: readonly string[] = [], what = "message"): void {
  const bad = firstControl(message);
  if (bad !== undefined) {
    expect.fail(
      `${what} holds the control character U+${bad.charCodeAt(0).toString(16).padStart(4, "0")}: ${printable(message)}`,
    );
  }
  for (const s of secrets) {
    if (s.length > 0 && message.includes(s)) expect.fail(`${what} repeats a secret: ${printable(message)}`);
  }
}

/** The text's lines as the parsers count them (split at LF only). */
export function linesOf(text: string): string[] {
  if (text !== lastText) {
    lastText = text;
    lastLines = text.split("\n");
  }
  return lastLines;
}
let lastText = "";
let lastLines = [""];

/** Length in code points (what every parser's columns count). */
export function cpLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || !isHighSurrogate(s.charCodeAt(i - 1))) n++;
  }
  return n;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** The rest of a line from a 1-based code-point column. */
export function fromColumn(line: string, column: number): string {
  let col = 1;
  let i = 0;
  while (i < line.length && col < column) {
    const c = line.charCodeAt(i);
    i += isHighSurrogate(c) && i + 1 < line.length && (line.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    col++;
  }
  return line.slice(i);
}

/** A position must name a line of the text and a column on it (at most one past its end). */
export function expectInside(text: string, line: number, column: number, what: string): void {
  const lines = linesOf(text);
  if (!Number.isInteger(line) || line < 1 || line > lines.length) {
    expect.fail(`${what}: line ${line} is outside the text (${lines.length} lines)`);
  }
  const len = cpLength(lines[line - 1] as string);
  if (!Number.isInteger(column) || column < 1 || column > len + 1) {
    expect.fail(`${what}: column ${column} is outside line ${line} (${len} characters)`);
  }
}

/** A secret that cannot occur by chance in a message: letters, digits and the characters given. */
export function secretArb(extra = ""): fc.Arbitrary<string> {
  const unit = fc.constantFrom(
    ..."ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".split(""),
    ...extra,
  );
  return fc.string({ unit, minLength: 8, maxLength: 16 }).map((s) => `Pw${s}`);
}
