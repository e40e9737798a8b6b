/** Small questions rules ask of the model, answered in one place. */
import { type ConfProblem, type ConfSetting, valueColumnOf } from "../pg/conf/index.js";
import type { HbaAddress, HbaLine, HbaProblem, HbaResult } from "../pg/hba/index.js";
import type { Server } from "./model.js";

/** True when every candidate major says so, and there is at least one. */
export function everyMajor(majors: readonly number[], pred: (major: number) => boolean): boolean {
  return majors.length > 0 && majors.every(pred);
}

/** "postgresql 15", or "postgresql 12–18" when lint judged against every major. */
export function versionText(majors: readonly number[]): string {
  if (majors.length === 1) return `postgresql ${majors[0]}`;
  return `postgresql ${majors[0]}–${majors.at(-1)}`;
}

/** The winning setting of a parameter (the server's last-wins, postgresql.auto.conf last). */
export function effective(server: Server, key: string): ConfSetting | undefined {
  return server.conf?.effective.get(key);
}

/**
 * Every primary_conninfo the server's files hold, non-empty: the effective one of its
 * configuration, and recovery.conf's (what 11 and older read; on 12+ a leftover that still
 * holds whatever secret it holds). Every conninfo rule judges each of them.
 */
export function conninfoSettings(server: Server): ConfSetting[] {
  const out: ConfSetting[] = [];
  for (const tree of [server.conf, server.recovery]) {
    const s = tree?.effective.get("primary_conninfo");
    if (s && s.value.trim() !== "") out.push(s);
  }
  return out;
}

/** A setting's value, or "" when unset. */
export function settingValue(server: Server, key: string): string {
  return effective(server, key)?.value ?? "";
}

/** The file as the newest candidate major reads it (the one other rules look at). */
export function newestHba(server: Server): HbaResult | undefined {
  return server.hba?.results.at(-1)?.result;
}

/**
 * Problems on lines every candidate major rejects (so one version's syntax is not reported
 * for another), with the newest major's message.
 */
export function hbaProblemsInAll(server: Server): HbaProblem[] {
  const results = server.hba?.results ?? [];
  const last = results.at(-1);
  if (!last) return [];
  const key = (p: HbaProblem) => `${p.file}:${p.line}:${p.severity}`;
  const others = results.slice(0, -1).map((r) => new Map(r.result.problems.map((p) => [key(p), p])));
  const out: HbaProblem[] = [];
  for (const p of last.result.problems) {
    if (!others.every((m) => m.has(key(p)))) continue;
    const differ = others.some((m) => m.get(key(p))?.message !== p.message);
    out.push(
      differ
        ? {
            ...p,
            // the version is not known: say what every candidate agrees on, name none of them
            message: `${p.message}; note that every postgresql ${results[0]?.major}–${last.major} rejects this line, not all of them for this reason`,
          }
        : p,
    );
  }
  return out;
}

export function confProblems(server: Server, codes: readonly ConfProblem["code"][]): ConfProblem[] {
  return (server.conf?.problems ?? []).filter((p) => codes.includes(p.code));
}

/** The server's own messages quote with "…"; ours with backticks. */
export function backticks(serverText: string): string {
  return serverText.replace(/"([^"]*)"/g, "`$1`");
}

/** `/etc/postgresql/15/main/conf.d/x.conf:3` → a short "file:line" for messages. */
export function where(file: string, line: number | null, relativeTo?: string): string {
  let f = file;
  if (relativeTo !== undefined) {
    const dir = relativeTo.endsWith("/")
      ? relativeTo
      : `${relativeTo.slice(0, relativeTo.lastIndexOf("/") + 1)}`;
    if (f.startsWith(dir)) f = f.slice(dir.length);
  }
  return line === null ? f : `${f}:${line}`;
}

// ---- replication access (hba-*, replication-unencrypted, conninfo-*) -------------------------

/** An address only this machine can connect from: 127.0.0.0/8, ::1, `samehost`, `localhost`. */
export function isLoopbackAddress(a: HbaAddress | null): boolean {
  if (a === null) return true;
  if (a.kind === "samehost") return true;
  if (a.kind === "hostname") return a.name.toLowerCase() === "localhost";
  if (a.kind !== "ip") return false;
  const n = a.network;
  if (n.family === 4) return (n.mask[0] ?? 0) === 0xff && ((n.bytes[0] ?? 0) & 0xff) === 127;
  return n.prefix === 128 && n.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

/** A host in a conninfo that is this machine or a Unix socket (nothing crosses a network). */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase();
  return (
    h === "" || h.startsWith("/") || h.startsWith("@") || h === "localhost" || /^127\./.test(h) || h === "::1"
  );
}

/** The column in the file of a 0-based code-point offset into a setting's value (its start when outside it). */
export function valueColumn(setting: ConfSetting, offset: number): number {
  return valueColumnOf(setting, offset + 1) ?? setting.valueColumn;
}

/** The record admits physical replication: `replication` written as the keyword (`all` does not). */
export function admitsReplication(line: HbaLine): boolean {
  return line.databases.some((t) => !t.quoted && t.value === "replication");
}

/** A record for a network connection that names database `all` (which does not match replication). */
export function remoteForAllDatabases(line: HbaLine): boolean {
  return line.type !== "local" && line.databases.some((t) => !t.quoted && t.value === "all");
}

/** The linted server a conninfo points at: a rendered node by its host, or one listening on that address by name; same port. */
export function serverAt(
  host: string,
  port: string,
  servers: readonly Server[],
  except: Server,
): Server | undefined {
  const h = host.toLowerCase();
  return servers.find((s) => {
    if (s === except) return false;
    if (s.known?.some((k) => k.host.toLowerCase() === h && k.port === port)) return true;
    if ((settingValue(s, "port") || "5432") !== port) return false;
    if (s.host !== undefined) return s.host.toLowerCase() === h;
    const listen = settingValue(s, "listen_addresses")
      .split(",")
      .map((x) => x.trim().toLowerCase());
    return !isLocalHost(h) && listen.includes(h);
  });
}
