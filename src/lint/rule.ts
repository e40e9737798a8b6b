import type { FactKind, Server, Severity, SpecTarget } from "./model.js";
import type { Directive } from "./suppress.js";

/** Anything with a position in a user's file: a setting, an hba token, a parser problem. */
export interface Located {
  file: string;
  line: number | null;
  column?: number | null;
}

/**
 * One report from a rule. Either `at` (a positioned thing) or `file` with `line`/`column`;
 * explicit fields win over `at`'s.
 */
export interface Report {
  at?: Located;
  file?: string;
  line?: number | null;
  column?: number | null;
  /** lowercase; user values in backticks; hints as "note that …" */
  message: string;
  /** the node the finding is about (its name is shown in JSON) */
  server?: Server;
  /** a severity other than the rule's default, for escalation (the config file still wins) */
  severity?: Severity;
}

export interface RuleContext {
  readonly servers: readonly Server[];
  readonly specs: readonly SpecTarget[];
  /** every suppression comment in the files read (for suppression-invalid) */
  readonly directives: readonly Directive[];
  /** every rule name a user may write: implemented and reserved (docs/rule-catalogue.md) */
  readonly knownRuleNames: readonly string[];
  /** names of the rules that run in this lint (for unreadable-file's "not checked: …") */
  readonly enabledRules: ReadonlyArray<{ name: string; reads: readonly FactKind[] }>;
  /**
   * The majors a server's files are judged against: its own when known, else every supported
   * major (then a rule reports only what every one of them would reject).
   */
  majorsOf(server: Server): readonly number[];
  /** the day lint runs, for date-dependent rules (the CLI's `now`; tests fix it) */
  readonly today: Date;
  /** the text of a file discovery read (every config, hba and spec file), by absolute path */
  source(path: string): string | undefined;
  report(r: Report): void;
}

export interface Rule {
  /** public kebab-case name (docs/rule-catalogue.md); users write it in suppressions */
  name: string;
  severity: Severity;
  /** one lowercase line: what it detects */
  summary: string;
  /** the documentation page, relative to the package root; default `docs/rules/<name>.md` */
  docs?: string;
  /** about owners and modes of live files: skipped by --no-fs */
  filesystem?: boolean;
  /** the facts it needs: when discovery could not read one, unreadable-file names this rule */
  reads: readonly FactKind[];
  /**
   * "server": judges each server on its own (ctx.servers holds one server, ctx.specs and
   * ctx.directives are empty); lint runs it as soon as discovery has the server and then keeps
   * only what workspace rules read (lint/retain.ts). "workspace": compares servers (topology,
   * an upstream's pg_hba.conf), reads specs or suppression comments; runs once over everything.
   */
  scope: "server" | "workspace";
  check(ctx: RuleContext): void;
}

export function docsPath(rule: Rule): string {
  return rule.docs ?? `docs/rules/${rule.name}.md`;
}
