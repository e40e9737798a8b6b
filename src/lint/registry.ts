/**
 * Every lint rule, explicitly. A rule is added here, in src/lint/rules/<name>.ts and in
 * docs/rules/<name>.md; test/lint-meta.test.ts proves the three agree.
 */
import type { Rule } from "./rule.js";
import { applicationNameCollision } from "./rules/application-name-collision.js";
import { archiveNoopCommand } from "./rules/archive-noop-command.js";
import { confAutoOverrides } from "./rules/conf-auto-overrides.js";
import { confDuplicateSetting } from "./rules/conf-duplicate-setting.js";
import { confIncludeCycle } from "./rules/conf-include-cycle.js";
import { confIncludeMissing } from "./rules/conf-include-missing.js";
import { confInvalidValue } from "./rules/conf-invalid-value.js";
import { confRemovedParameter } from "./rules/conf-removed-parameter.js";
import { confSmartQuotes } from "./rules/conf-smart-quotes.js";
import { confSyntax } from "./rules/conf-syntax.js";
import { confUnknownParameter } from "./rules/conf-unknown-parameter.js";
import { conninfoInvalid } from "./rules/conninfo-invalid.js";
import { conninfoPlaintextPassword } from "./rules/conninfo-plaintext-password.js";
import { conninfoSelfHost } from "./rules/conninfo-self-host.js";
import { conninfoWithoutSignal } from "./rules/conninfo-without-signal.js";
import { datadirOwner } from "./rules/datadir-owner.js";
import { datadirPermissions } from "./rules/datadir-permissions.js";
import { datadirVersionMismatch } from "./rules/datadir-version-mismatch.js";
import { durabilityOff } from "./rules/durability-off.js";
import { hbaCidrHostBits } from "./rules/hba-cidr-host-bits.js";
import { hbaHostsslWithoutSsl } from "./rules/hba-hostssl-without-ssl.js";
import { hbaMissingReplication } from "./rules/hba-missing-replication.js";
import { hbaReplicationWideAddress } from "./rules/hba-replication-wide-address.js";
import { hbaShadowedLine } from "./rules/hba-shadowed-line.js";
import { hbaSyntax } from "./rules/hba-syntax.js";
import { hbaTrustRemote } from "./rules/hba-trust-remote.js";
import { hbaWeakAuth } from "./rules/hba-weak-auth.js";
import { hotStandbyOff } from "./rules/hot-standby-off.js";
import { listenAddressesLocal } from "./rules/listen-addresses-local.js";
import { pgpassPermissions } from "./rules/pgpass-permissions.js";
import { recoveryConfPresent } from "./rules/recovery-conf-present.js";
import { replicationUnencrypted } from "./rules/replication-unencrypted.js";
import { secretFileReadable } from "./rules/secret-file-readable.js";
import { signalFilesConflict } from "./rules/signal-files-conflict.js";
import { slotUnboundedWal } from "./rules/slot-unbounded-wal.js";
import { slotsInsufficient } from "./rules/slots-insufficient.js";
import { specInvalid } from "./rules/spec-invalid.js";
import { staleRecoveryTarget } from "./rules/stale-recovery-target.js";
import { standbyMissingSlot } from "./rules/standby-missing-slot.js";
import { standbyNoUpstream } from "./rules/standby-no-upstream.js";
import { standbyParamsLower } from "./rules/standby-params-lower.js";
import { suppressionInvalid } from "./rules/suppression-invalid.js";
import { syncCommitLocal } from "./rules/sync-commit-local.js";
import { syncNamesUnmatched } from "./rules/sync-names-unmatched.js";
import { syncNumTooHigh } from "./rules/sync-num-too-high.js";
import { syncOnCascadedStandby } from "./rules/sync-on-cascaded-standby.js";
import { syncReservedNameUnquoted } from "./rules/sync-reserved-name-unquoted.js";
import { syncSingleCandidate } from "./rules/sync-single-candidate.js";
import { topologyDelayedSync } from "./rules/topology-delayed-sync.js";
import { topologyEolVersion } from "./rules/topology-eol-version.js";
import { topologySlotCollision } from "./rules/topology-slot-collision.js";
import { topologyUnknownUpstream } from "./rules/topology-unknown-upstream.js";
import { topologyUpstreamCycle } from "./rules/topology-upstream-cycle.js";
import { unreadableFile } from "./rules/unreadable-file.js";
import { versionUnsupported } from "./rules/version-unsupported.js";
import { walLevelInsufficient } from "./rules/wal-level-insufficient.js";
import { walLogHintsOff } from "./rules/wal-log-hints-off.js";
import { walSendersInsufficient } from "./rules/wal-senders-insufficient.js";

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
  signalFilesConflict,
  standbyNoUpstream,
  conninfoWithoutSignal,
  staleRecoveryTarget,
  hotStandbyOff,
  walLevelInsufficient,
  walSendersInsufficient,
  slotsInsufficient,
  slotUnboundedWal,
  walLogHintsOff,
  archiveNoopCommand,
  durabilityOff,
  listenAddressesLocal,
  standbyParamsLower,
  syncNamesUnmatched,
  syncNumTooHigh,
  syncSingleCandidate,
  syncCommitLocal,
  syncReservedNameUnquoted,
  applicationNameCollision,
  syncOnCascadedStandby,
  topologyUpstreamCycle,
  topologyUnknownUpstream,
  topologySlotCollision,
  topologyEolVersion,
  topologyDelayedSync,
  hbaSyntax,
  hbaCidrHostBits,
  hbaMissingReplication,
  hbaTrustRemote,
  hbaReplicationWideAddress,
  hbaWeakAuth,
  hbaShadowedLine,
  hbaHostsslWithoutSsl,
  replicationUnencrypted,
  conninfoInvalid,
  conninfoPlaintextPassword,
  conninfoSelfHost,
  datadirPermissions,
  datadirOwner,
  pgpassPermissions,
  secretFileReadable,
  datadirVersionMismatch,
  versionUnsupported,
  unreadableFile,
  specInvalid,
  suppressionInvalid,
];

/**
 * Names docs/rule-catalogue.md makes public whose rules are not implemented yet. Users may
 * already write them in suppressions and in the config file (render does), so they are
 * accepted there and do nothing until the rule arrives.
 */
export const RESERVED_RULE_NAMES: readonly string[] = [];

export function ruleByName(name: string): Rule | undefined {
  return RULES.find((r) => r.name === name);
}

/** Every name a user may write in a suppression or the config file. */
export function knownRuleNames(): string[] {
  return [...RULES.map((r) => r.name), ...RESERVED_RULE_NAMES];
}
