/**
 * What the rules that judge a parameter's name by version share (conf-unknown-parameter,
 * conf-removed-parameter): every setting of every server, custom `ext.name` placeholders aside
 * (every server accepts them), that every major the server is judged against finds at fault.
 */
import { everyMajor } from "./facts.js";
import type { RuleContext } from "./rule.js";

export interface ParameterNameCheck {
  /** whether the server of `major` finds fault with the name */
  faulty(major: number, name: string): boolean;
  /** the finding's text for a name every major found at fault; undefined: no finding */
  message(name: string, majors: readonly number[]): string | undefined;
}

export function checkParameterNames(ctx: RuleContext, check: ParameterNameCheck): void {
  for (const server of ctx.servers) {
    const majors = ctx.majorsOf(server);
    for (const s of server.conf?.settings ?? []) {
      if (s.key.includes(".")) continue;
      if (!everyMajor(majors, (m) => check.faulty(m, s.name))) continue;
      const message = check.message(s.name, majors);
      if (message !== undefined) ctx.report({ at: s, message, server });
    }
  }
}
