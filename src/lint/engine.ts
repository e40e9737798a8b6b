/**
 * Runs the rules over what discovery found: every report is checked, a rule that throws
 * becomes a finding naming it, suppression comments and the config file's `ignore` and
 * severities are applied, and findings come back sorted and without duplicates.
 */
import { relative, sep } from "node:path";
import { isSupportedMajor, SUPPORTED_MAJORS } from "../pg/catalog/index.js";
import { CONFIG_FILENAME, ignored, type LintConfig } from "./config.js";
import type { Finding, Server, Severity, SourceText, Workspace } from "./model.js";
import { identify } from "./place.js";
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
    const abs = `${r.abs}/`;
    if (out.includes(abs)) out = out.split(abs).join(prefix);
  }
  return out;
}

/** Control characters from a user's file (a NUL, an escape) would garble a terminal: show them as \xNN. */
function printable(message: string): string {
  // one regex pass: building the string character by character left a rope of ~150 cons
  // strings per finding (18 MB for 3 600 findings)
  return message.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters replaced
    /[\x00-\x08\x0a-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
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

/**
 * One lint run's rules. `server()` runs the rules whose scope is "server" on one server as soon
 * as discovery has it (so a fleet need not be held in memory at once); `finish()` runs the
 * workspace rules over everything, then applies suppressions, `ignore` and severities.
 */
export class RuleRun {
  /** the enabled rules, by scope (in registry order within each) */
  private readonly serverRules: readonly Rule[];
  private readonly workspaceRules: readonly Rule[];
  private readonly enabledInfo: RuleContext["enabledRules"];
  private readonly names: string[];
  private readonly raws: Raw[] = [];
  /** suppression comments of texts already let go (retire()) */
  private readonly retiredDirectives: Directive[] = [];
  private readonly retired = new Set<string>();
  private readonly fallbackFile: string;
  private readonly today: Date;

  constructor(
    private readonly opts: EngineOptions,
    private readonly roots: Workspace["roots"],
  ) {
    const rules = opts.rules ?? RULES;
    const severityOf = (rule: Rule): Severity | "off" => opts.config.rules.get(rule.name) ?? rule.severity;
    const enabled = rules.filter((r) => severityOf(r) !== "off" && (opts.fs || !r.filesystem));
    this.serverRules = enabled.filter((r) => r.scope === "server");
    this.workspaceRules = enabled.filter((r) => r.scope !== "server");
    this.enabledInfo = enabled.map((r) => ({ name: r.name, reads: r.reads }));
    this.names = knownRuleNames();
    for (const r of rules) if (!this.names.includes(r.name)) this.names.push(r.name);
    this.fallbackFile = roots[0]?.abs ?? ".";
    this.today = opts.today ?? new Date();
  }

  /** The server-scope rules on one server, with the texts read so far. */
  server(server: Server, texts: ReadonlyMap<string, SourceText>): void {
    const source = (path: string) => texts.get(path)?.text;
    for (const rule of this.serverRules) this.run(rule, [server], [], [], source);
  }

  /**
   * Keeps a text's suppression comments so that the text itself need not be kept: for files no
   * workspace rule reads and no excerpt shows. A text read again later is not counted twice.
   */
  retire(src: SourceText): void {
    if (this.retired.has(src.path)) return;
    this.retired.add(src.path);
    for (const d of parseDirectives(src)) this.retiredDirectives.push(d);
  }

  /** The workspace rules over every server and spec, then the findings as printed. */
  finish(ws: Workspace): Finding[] {
    // where the servers are reached (config `servers:`, specs), before the topology rules run
    identify(ws, this.opts.config, CONFIG_FILENAME);
    const directives: Directive[] = [...this.retiredDirectives];
    for (const src of ws.texts.values())
      if (!this.retired.has(src.path)) directives.push(...parseDirectives(src));
    const source = (path: string) => ws.texts.get(path)?.text;
    for (const rule of this.workspaceRules) this.run(rule, ws.servers, ws.specs, directives, source);
    const suppressions = new Suppressions(directives);
    const findings: Finding[] = [];
    for (const r of this.raws) {
      if (suppressions.suppressed(r.rule, r.file, r.line)) continue;
      if (ignored(this.opts.config, r.rule, r.file)) continue;
      const f: Finding = {
        rule: r.rule,
        severity: r.severity,
        message: printable(relabel(r.message, this.roots)),
        file: displayPath(r.file, this.roots),
        line: r.line,
        column: r.column,
      };
      if (r.node !== undefined) f.node = r.node.startsWith("/") ? displayPath(r.node, this.roots) : r.node;
      findings.push(f);
    }
    this.raws.length = 0;
    // The sort is stable and orders by every field of a duplicate's identity (file, line, column,
    // rule, message): duplicates end up side by side, the first reported first. No key strings.
    findings.sort(compareFindings);
    return findings.filter((f, i) => i === 0 || compareFindings(findings[i - 1] as Finding, f) !== 0);
  }

  private run(
    rule: Rule,
    servers: readonly Server[],
    specs: Workspace["specs"],
    directives: readonly Directive[],
    source: (path: string) => string | undefined,
  ): void {
    const configured = this.opts.config.rules.get(rule.name);
    const found: Raw[] = [];
    let broken: string | undefined;
    const ctx: RuleContext = {
      servers,
      specs,
      directives,
      knownRuleNames: this.names,
      enabledRules: this.enabledInfo,
      majorsOf,
      today: this.today,
      source,
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
    for (const r of found) this.raws.push(r);
    if (broken !== undefined) {
      this.raws.push({
        rule: rule.name,
        severity: "error",
        message: `internal error in rule \`${rule.name}\`: ${broken}; its findings may be incomplete (please report it)`,
        file: this.fallbackFile,
        line: null,
        column: null,
      });
    }
  }
}

/** RuleContext.majorsOf */
function majorsOf(s: Server): readonly number[] {
  return s.major === undefined ? SUPPORTED_MAJORS : isSupportedMajor(s.major) ? [s.major] : [];
}

/** Every rule over a workspace discovery has finished (what lint() does, without streaming). */
export function runRules(ws: Workspace, opts: EngineOptions): Finding[] {
  const run = new RuleRun(opts, ws.roots);
  for (const s of ws.servers) run.server(s, ws.texts);
  return run.finish(ws);
}
