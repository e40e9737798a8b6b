/**
 * Runs the rules over what discovery found: every report is checked, a rule that throws
 * becomes a finding naming it, suppression comments and the config file's `ignore` and
 * severities are applied, and findings come back sorted and without duplicates.
 */
import { relative, sep } from "node:path";
import { isSupportedMajor, SUPPORTED_MAJORS } from "../pg/catalog/index.js";
import { ignored, type LintConfig } from "./config.js";
import type { Finding, Server, Severity, Workspace } from "./model.js";
import { knownRuleNames, RULES } from "./registry.js";
import type { Report, Rule, RuleContext } from "./rule.js";
import { type Directive, parseDirectives, Suppressions } from "./suppress.js";

export interface EngineOptions {
  /** run file-system rules (owners, modes); --no-fs turns them off */
  fs: boolean;
  config: LintConfig;
  /** the rules to run (tests pass their own); default: the registry */
  rules?: readonly Rule[];
  /** "today" for date-dependent rules; default: the clock */
  today?: Date;
}

interface Raw {
  rule: string;
  severity: Severity;
  message: string;
  /** absolute path */
  file: string;
  line: number | null;
  column: number | null;
  node?: string;
}

/** The path as the user wrote it: under a PATH they gave, that PATH plus the rest; else absolute. */
export function displayPath(abs: string, roots: Workspace["roots"]): string {
  let best: { given: string; abs: string } | undefined;
  for (const r of roots) {
    if (
      (abs === r.abs || abs.startsWith(r.abs.endsWith(sep) ? r.abs : r.abs + sep)) &&
      (!best || r.abs.length > best.abs.length)
    )
      best = r;
  }
  if (!best) return abs;
  const rest = relative(best.abs, abs);
  if (rest === "") return best.given;
  const given = best.given.replace(/\/+$/, "");
  return given === "." || given === "" ? rest : `${given}/${rest}`;
}

/** Replaces absolute paths under the PATHs in a message with the paths as given. */
function relabel(message: string, roots: Workspace["roots"]): string {
  let out = message;
  for (const r of [...roots].sort((a, b) => b.abs.length - a.abs.length)) {
    if (r.abs === "/") continue;
    const given = r.given.replace(/\/+$/, "");
    const prefix = given === "." || given === "" ? "" : `${given}/`;
    out = out.split(`${r.abs}/`).join(prefix);
  }
  return out;
}

/** Control characters from a user's file (a NUL, an escape) would garble a terminal: show them as \xNN. */
function printable(message: string): string {
  let out = "";
  for (const c of message) {
    const n = c.charCodeAt(0);
    out += (n < 0x20 && n !== 0x09) || n === 0x7f ? `\\x${n.toString(16).padStart(2, "0")}` : c;
  }
  return out;
}

function isPosition(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 1;
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const al = a.line ?? 0;
  const bl = b.line ?? 0;
  if (al !== bl) return al - bl;
  const ac = a.column ?? 0;
  const bc = b.column ?? 0;
  if (ac !== bc) return ac - bc;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

export function runRules(ws: Workspace, opts: EngineOptions): Finding[] {
  const rules = opts.rules ?? RULES;
  const severityOf = (rule: Rule): Severity | "off" => opts.config.rules.get(rule.name) ?? rule.severity;
  const enabled = rules.filter((r) => severityOf(r) !== "off" && (opts.fs || !r.filesystem));
  const directives: Directive[] = [];
  for (const src of ws.texts.values()) directives.push(...parseDirectives(src));
  const suppressions = new Suppressions(directives);
  const names = knownRuleNames();
  for (const r of rules) if (!names.includes(r.name)) names.push(r.name);
  const raws: Raw[] = [];
  const fallbackFile = ws.roots[0]?.abs ?? ".";
  const today = opts.today ?? new Date();

  for (const rule of enabled) {
    const configured = opts.config.rules.get(rule.name);
    const found: Raw[] = [];
    let broken: string | undefined;
    const ctx: RuleContext = {
      servers: ws.servers,
      specs: ws.specs,
      directives,
      knownRuleNames: names,
      enabledRules: enabled.map((r) => ({ name: r.name, reads: r.reads })),
      majorsOf: (s: Server) =>
        s.major === undefined ? SUPPORTED_MAJORS : isSupportedMajor(s.major) ? [s.major] : [],
      today,
      source: (path: string) => ws.texts.get(path)?.text,
      report: (r: Report) => {
        const file = r.file ?? r.at?.file;
        const line = r.line !== undefined ? r.line : (r.at?.line ?? null);
        let column = r.column !== undefined ? r.column : (r.at?.column ?? null);
        if (line === null) column = null;
        const bad =
          typeof file !== "string" || file === ""
            ? "a report without a file"
            : line !== null && !isPosition(line)
              ? `a report with line ${String(line)}`
              : column !== null && !isPosition(column)
                ? `a report with column ${String(column)}`
                : typeof r.message !== "string" || r.message.trim() === "" || r.message.includes("\n")
                  ? "a report whose message is empty or has several lines"
                  : undefined;
        if (bad !== undefined) {
          broken ??= bad;
          return;
        }
        const severity =
          configured !== undefined && configured !== "off" ? configured : (r.severity ?? rule.severity);
        const raw: Raw = {
          rule: rule.name,
          severity,
          message: r.message,
          file: file as string,
          line,
          column,
        };
        if (r.server) raw.node = r.server.name;
        found.push(raw);
      },
    };
    try {
      rule.check(ctx);
    } catch (e) {
      const err = e as Error;
      broken = `it threw \`${(err?.message ?? String(e)).split("\n")[0]}\``;
    }
    raws.push(...found);
    if (broken !== undefined) {
      raws.push({
        rule: rule.name,
        severity: "error",
        message: `internal error in rule \`${rule.name}\`: ${broken}; its findings may be incomplete (please report it)`,
        file: fallbackFile,
        line: null,
        column: null,
      });
    }
  }

  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const r of raws) {
    if (suppressions.suppressed(r.rule, r.file, r.line)) continue;
    if (ignored(opts.config, r.rule, r.file)) continue;
    const f: Finding = {
      rule: r.rule,
      severity: r.severity,
      message: printable(relabel(r.message, ws.roots)),
      file: displayPath(r.file, ws.roots),
      line: r.line,
      column: r.column,
    };
    if (r.node !== undefined) f.node = r.node.startsWith("/") ? displayPath(r.node, ws.roots) : r.node;
    const key = `${f.rule}\0${f.file}\0${f.line}\0${f.column}\0${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(f);
  }
  return findings.sort(compareFindings);
}
