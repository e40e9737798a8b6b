/**
 * Every lint rule, explicitly. A rule is added here, in src/lint/rules/<name>.ts and in
 * docs/rules/<name>.md; test/lint-meta.test.ts proves the three agree.
 */
import type { Rule } from "./rule.js";
import { confAutoOverrides } from "./rules/conf-auto-overrides.js";
import { confDuplicateSetting } from "./rules/conf-duplicate-setting.js";
import { confIncludeCycle } from "./rules/conf-include-cycle.js";
import { confIncludeMissing } from "./rules/conf-include-missing.js";
import { confInvalidValue } from "./rules/conf-invalid-value.js";
import { confRemovedParameter } from "./rules/conf-removed-parameter.js";
import { confSmartQuotes } from "./rules/conf-smart-quotes.js";
import { confSyntax } from "./rules/conf-syntax.js";
import { confUnknownParameter } from "./rules/conf-unknown-parameter.js";
import { datadirOwner } from "./rules/datadir-owner.js";
import { datadirPermissions } from "./rules/datadir-permissions.js";
import { hbaCidrHostBits } from "./rules/hba-cidr-host-bits.js";
import { hbaSyntax } from "./rules/hba-syntax.js";
import { recoveryConfPresent } from "./rules/recovery-conf-present.js";
import { specInvalid } from "./rules/spec-invalid.js";
import { standbyMissingSlot } from "./rules/standby-missing-slot.js";
import { suppressionInvalid } from "./rules/suppression-invalid.js";
import { unreadableFile } from "./rules/unreadable-file.js";

export const RULES: readonly Rule[] = [
  confSyntax,
  confSmartQuotes,
  confUnknownParameter,
  confRemovedParameter,
  confInvalidValue,
  confDuplicateSetting,
  confAutoOverrides,
  confIncludeMissing,
  confIncludeCycle,
  recoveryConfPresent,
  standbyMissingSlot,
  hbaSyntax,
  hbaCidrHostBits,
  datadirPermissions,
  datadirOwner,
  unreadableFile,
  specInvalid,
  suppressionInvalid,
];

/**
 * Names RULES.md makes public whose rules are not implemented yet. Users may already write
 * them in suppressions and in the config file (render does), so they are accepted there and
 * do nothing until the rule arrives.
 */
export const RESERVED_RULE_NAMES: readonly string[] = [
  "signal-files-conflict",
  "standby-no-upstream",
  "conninfo-without-signal",
  "stale-recovery-target",
  "hot-standby-off",
  "wal-level-insufficient",
  "wal-senders-insufficient",
  "slots-insufficient",
  "slot-unbounded-wal",
  "wal-log-hints-off",
  "archive-noop-command",
  "durability-off",
  "listen-addresses-local",
  "standby-params-lower",
  "sync-names-unmatched",
  "sync-num-too-high",
  "sync-single-candidate",
  "sync-commit-local",
  "sync-reserved-name-unquoted",
  "application-name-collision",
  "sync-on-cascaded-standby",
  "hba-missing-replication",
  "hba-trust-remote",
  "hba-replication-wide-address",
  "hba-weak-auth",
  "hba-shadowed-line",
  "hba-hostssl-without-ssl",
  "replication-unencrypted",
  "conninfo-invalid",
  "conninfo-plaintext-password",
  "conninfo-self-host",
  "datadir-version-mismatch",
  "pgpass-permissions",
  "secret-file-readable",
  "topology-upstream-cycle",
  "topology-unknown-upstream",
  "topology-slot-collision",
  "topology-eol-version",
  "topology-delayed-sync",
];

export function ruleByName(name: string): Rule | undefined {
  return RULES.find((r) => r.name === name);
}

/** Every name a user may write in a suppression or the config file. */
export function knownRuleNames(): string[] {
  return [...RULES.map((r) => r.name), ...RESERVED_RULE_NAMES];
}
