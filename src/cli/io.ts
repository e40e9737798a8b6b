import { decodeText, type ReadResult } from "../util/read-text.js";

/** Everything the CLI needs from the outside world, so tests can call `main` directly. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** stdout is a terminal (colours, excerpts). */
  isTTY: boolean;
  /** "today" for date-dependent rules (topology-eol-version); tests fix it. */
  now: Date;
  /** standard input to its end (the PATH or SPEC `-`), at most maxBytes; absent: there is none */
  readStdin?: (maxBytes: number) => ReadResult;
}

/** A readStdin that gives `text` (tests; embedding). */
export function stdinOf(text: string): (maxBytes: number) => ReadResult {
  return (maxBytes) => {
    const bytes = Buffer.from(text, "utf8");
    if (bytes.length > maxBytes) return { ok: false, reason: "is too large", pos: null, kind: "invalid" };
    return decodeText(bytes);
  };
}

/** An IO that collects output in strings: for tests and for embedding. */
export function bufferIO(overrides: Partial<CliIO> = {}): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    cwd: overrides.cwd ?? "/",
    env: overrides.env ?? {},
    isTTY: overrides.isTTY ?? false,
    now: overrides.now ?? new Date("2026-11-26T00:00:00Z"),
    out: () => out,
    err: () => err,
    ...overrides,
  };
}
