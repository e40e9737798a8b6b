/**
 * tokenize_auth_file's files: a file's records tokenized into fields, `@file` lists expanded into
 * the field, and (16+) `include`, `include_if_exists` and `include_dir` records followed, with the
 * server's nesting limit and its error texts.
 */
import { posix } from "node:path";
import { isFsError } from "../conf/fs.js";
import {
  absoluteConfigLocation,
  BUDGET_SPENT,
  CONF_FILE_MAX_DEPTH,
  IncludeBudget,
  includeDirFiles,
  isBlankName,
} from "../include.js";
import {
  type Field,
  type LineSink,
  type Located,
  nextToken,
  type RawRecord,
  splitRecords,
  type TokenState,
  type TokLine,
} from "./tokenize.js";
import type { HbaInclude, HbaToken, ParseHbaOptions } from "./types.js";

export class HbaReader {
  includes: HbaInclude[] = [];
  private readonly visiting: string[] = [];
  /** includes followed so far: a cycle that branches would open k^10 files (include records go on after an error) */
  private readonly budget = new IncludeBudget();
  private readonly tooMany = `${BUDGET_SPENT}; not followed`;
  constructor(private readonly opts: ParseHbaOptions) {}

  private get major(): number {
    return this.opts.major;
  }

  tokenizeFile(file: string, text: string, depth: number, out: LineSink): void {
    this.visiting.push(file);
    for (const rec of splitRecords(text, this.major)) {
      const tl: TokLine = {
        file,
        line: rec.line,
        raw: rec.text,
        fields: [],
        error: null,
        errorAt: null,
        record: rec,
        depth,
        serverKnows: true,
      };
      if (rec.tooLong) {
        tl.error = "authentication file line too long";
        tl.errorAt = { line: rec.line, column: 1 };
        out.push(tl);
        continue;
      }
      const state: TokenState = { pos: 0, value: "", quoted: false, start: 0, terminatingComma: false };
      while (state.pos < rec.text.length && tl.error === null) {
        const field = this.nextField(file, rec, state, depth, tl);
        if (field.tokens.length > 0) tl.fields.push(field);
      }
      if (tl.fields.length === 0 && tl.error === null) continue;
      if (tl.error === null && tl.fields.length === 2 && this.major >= 16) {
        const first = tl.fields[0]?.tokens[0];
        const field = tl.fields[1];
        const second = field?.tokens[0];
        if (
          field &&
          first &&
          second &&
          ["include", "include_if_exists", "include_dir"].includes(first.value)
        ) {
          // the target may come from an `@file` list: the record's position is the field's, in this file
          const at = { line: field.line, column: field.column };
          if (this.includeRecord(first.value, second.value, at, file, depth, out, tl)) continue;
          out.push(tl);
          continue;
        }
      }
      out.push(tl);
    }
    this.visiting.pop();
  }

  private nextField(file: string, rec: RawRecord, state: TokenState, depth: number, tl: TokLine): Field {
    // most fields are one token: an array made for it holds one (an empty one grown by push has
    // room for 16)
    let tokens: HbaToken[] | null = null;
    let line = rec.line;
    let column = 1;
    while (nextToken(rec.text, state)) {
      if (tokens === null) {
        line = rec.lineAt(state.start);
        column = rec.columnAt(state.start);
      }
      if (this.major <= 13 && Buffer.byteLength(state.value, "utf8") > 255) {
        tl.error = "authentication file token too long";
        tl.errorAt = rec.at(state.start);
        state.pos = rec.text.length;
        break;
      }
      const more = state.terminatingComma;
      if (!state.quoted && state.value.length > 1 && state.value.startsWith("@")) {
        tokens ??= [];
        this.expandFile(state.value.slice(1), file, rec.at(state.start), depth + 1, tokens, tl);
      } else {
        const t: HbaToken = {
          value: state.value,
          quoted: state.quoted,
          file,
          line: rec.lineAt(state.start),
          column: rec.columnAt(state.start),
        };
        if (tokens === null) tokens = [t];
        else tokens.push(t);
      }
      if (!more || tl.error !== null) break;
    }
    return { tokens: tokens ?? [], line, column };
  }

  /** `@file`: every token of every line of the file, appended to the field. */
  private expandFile(
    name: string,
    outer: string,
    at: Located,
    depth: number,
    tokens: HbaToken[],
    tl: TokLine,
  ): void {
    this.includes.push({ kind: "@", target: name, file: outer, ...at });
    const fs = this.opts.fs;
    if (!fs) {
      tokens.push({ value: `@${name}`, quoted: false, file: outer, line: at.line, column: at.column });
      return;
    }
    const path = absoluteConfigLocation(name, outer, posix.dirname(outer), this.major);
    const fail = (error: string): void => {
      tl.error = error;
      tl.errorAt = at;
    };
    if (!this.budget.open()) {
      fail(this.tooMany);
      tl.serverKnows = false;
      return;
    }
    if (this.major >= 16 && depth > CONF_FILE_MAX_DEPTH) {
      fail(`could not open file "${path}": maximum nesting depth exceeded`);
      return;
    }
    if (this.major < 16 && this.visiting.includes(path)) {
      // 12–15 have no depth limit here: the server recurses until it runs out of stack.
      fail(`\`@${name}\` includes itself: \`${[...this.visiting, path].join("` → `")}\``);
      tl.serverKnows = false;
      return;
    }
    const text = fs.readFile(path);
    if (isFsError(text)) {
      const reason = fsReason(text.error.kind, text.error.message);
      fail(
        this.major >= 16
          ? `could not open file "${path}": ${reason}`
          : `could not open secondary authentication file "@${name}" as "${path}": ${reason}`,
      );
      return;
    }
    if (!this.budget.read(text.length)) {
      fail(this.tooMany);
      tl.serverKnows = false;
      return;
    }
    const lines: TokLine[] = [];
    this.tokenizeFile(path, text, depth, lines);
    for (const l of lines) {
      if (l.error !== null) {
        fail(l.error);
        tl.serverKnows &&= l.serverKnows;
        return;
      }
      for (const f of l.fields) for (const t of f.tokens) tokens.push({ ...t, via: t.via ?? path });
    }
  }

  /** include / include_if_exists / include_dir (16+). Returns true when the record is fully handled. */
  private includeRecord(
    kind: string,
    target: string,
    at: Located,
    file: string,
    depth: number,
    out: LineSink,
    tl: TokLine,
  ): boolean {
    this.includes.push({ kind: kind as HbaInclude["kind"], target, file, line: at.line, column: at.column });
    const fs = this.opts.fs;
    if (!fs) return true;
    const includeFile = (path: string, missingOk: boolean): string | null => {
      if (!this.budget.open()) {
        tl.serverKnows = false;
        return this.tooMany;
      }
      if (depth + 1 > CONF_FILE_MAX_DEPTH)
        return `could not open file "${path}": maximum nesting depth exceeded`;
      const text = fs.readFile(path);
      if (isFsError(text)) {
        if (missingOk && text.error.kind === "missing") return null;
        return `could not open file "${path}": ${fsReason(text.error.kind, text.error.message)}`;
      }
      if (!this.budget.read(text.length)) {
        tl.serverKnows = false;
        return this.tooMany;
      }
      this.tokenizeFile(path, text, depth + 1, out);
      return null;
    };
    let error: string | null = null;
    if (kind === "include_dir") {
      if (isBlankName(target)) error = "empty configuration directory name";
      else {
        const dir = absoluteConfigLocation(target, file, posix.dirname(file), this.major);
        const listing = includeDirFiles(fs, dir, this.major);
        if ("listError" in listing) error = `could not open directory "${dir}"`;
        else if ("statError" in listing) error = `could not stat file "${listing.path}"`;
        else {
          const errs: string[] = [];
          for (const f of listing.files) {
            const e = includeFile(f, false);
            if (e !== null) errs.push(e);
          }
          if (errs.length > 0) error = errs.join("\n");
        }
      }
    } else {
      error = includeFile(
        absoluteConfigLocation(target, file, posix.dirname(file), this.major),
        kind === "include_if_exists",
      );
    }
    if (error === null) return true;
    tl.error = error;
    tl.errorAt = at;
    return false;
  }
}

function fsReason(kind: string, message: string): string {
  switch (kind) {
    case "missing":
      return "No such file or directory";
    case "permission":
      return "Permission denied";
    case "is-directory":
      return "Is a directory";
    case "not-directory":
      return "Not a directory";
    default:
      return message;
  }
}
