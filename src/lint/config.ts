/**
 * The lint config file, `.pgrepl-gen.yaml` (or `--config FILE`):
 *
 *   rules:                       # severity per rule: off | info | warning | error
 *     conf-duplicate-setting: error
 *   ignore:                      # no findings of these rules (all rules when omitted) in these files
 *     - path: legacy/**
 *       rules: [conf-unknown-parameter]
 *   postgres: 15                 # the major version when lint cannot infer it (--postgres wins)
 *   servers:                     # where the servers of the trees are reached (topology rules)
 *     - path: hosts/db1/**       # trees whose path matches
 *       host: 10.0.0.11          # the address others connect to
 *       port: 5432               # default 5432
 *
 * Found upward from the current directory, stopping at the repository root (a directory
 * holding `.git`) or the filesystem root. Every mistake in it is a usage error (exit 2) with
 * its position: a misspelt rule name silently ignored would switch nothing off.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import type { Node } from "yaml";
import { isSupportedMajor, SUPPORTED_MAJORS } from "../pg/catalog/index.js";
import { readText } from "../util/read-text.js";
import { closest, editDistance } from "../util/suggest.js";
import { globMatches } from "./glob.js";
import type { Severity } from "./model.js";

export const CONFIG_FILENAME = ".pgrepl-gen.yaml";

export interface LintConfig {
  /** absolute path, or null when there is no config file */
  file: string | null;
  rules: Map<string, Severity | "off">;
  ignore: Array<{ path: string; rules: string[] | null }>;
  postgres: number | undefined;
  /** where the servers of the trees are reached (`servers:`), for matching standbys to upstreams */
  servers: ServerEntry[];
}

/** A `servers:` entry: the trees whose path matches `path` are the server at host:port. */
export interface ServerEntry {
  path: string;
  host: string;
  port: string;
}

export const EMPTY_CONFIG: LintConfig = {
  file: null,
  rules: new Map(),
  ignore: [],
  postgres: undefined,
  servers: [],
};

export type ConfigResult = { ok: true; config: LintConfig } | { ok: false; error: string };

/** `.pgrepl-gen.yaml` in cwd or a parent, up to the repository root; null when none. */
export function findConfig(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILENAME);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, ".git"))) return null;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * Reads and checks a config file. `shown` is how the path is printed; `ruleNames` every name
 * a user may write (implemented and reserved rules).
 */
export async function loadConfig(
  path: string,
  shown: string,
  ruleNames: readonly string[],
): Promise<ConfigResult> {
  try {
    if (statSync(path).isDirectory()) return { ok: false, error: `${shown}: is a directory, not a file` };
  } catch {
    // readText says why
  }
  const r = readText(path, 1024 * 1024);
  if (!r.ok) {
    const pos = r.pos ? `:${r.pos.line}:${r.pos.column}` : "";
    return { ok: false, error: `${shown}${pos}: ${r.reason}` };
  }
  // the YAML parser is loaded only when there is a config file
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = await import("../util/yaml.js");
  const lc = new LineCounter();
  const doc = parseDocument(r.text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const at = (node: { range?: [number, number, number] | null } | null | undefined): string => {
    const off = node?.range?.[0] ?? 0;
    const p = lc.linePos(off);
    return `${shown}:${p.line}:${p.col}`;
  };
  const err = doc.errors[0];
  if (err) {
    const p = lc.linePos(err.pos[0]);
    const msg = err.message.split("\n")[0] ?? "";
    return { ok: false, error: `${shown}:${p.line}:${p.col}: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}` };
  }
  const config: LintConfig = { file: path, rules: new Map(), ignore: [], postgres: undefined, servers: [] };
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && (root.value === null || root.value === undefined)))
    return { ok: true, config };
  if (!isMap(root))
    return {
      ok: false,
      error: `${at(root)}: the config file is a mapping (rules, ignore, postgres, servers)`,
    };

  const unknownRule = (name: string, node: Node | null): string => {
    const near = closest(name, ruleNames);
    if (near !== undefined) return `${at(node)}: unknown rule \`${name}\`; did you mean \`${near}\`?`;
    const nearest = [...ruleNames]
      .sort((a, b) => editDistance(name, a) - editDistance(name, b) || (a < b ? -1 : 1))
      .slice(0, 3);
    return `${at(node)}: unknown rule \`${name}\`; did you mean one of ${nearest.map((n) => `\`${n}\``).join(", ")}? (the rules: docs/rules/README.md)`;
  };

  for (const pair of root.items) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : "";
    const value = pair.value as Node | null;
    if (key === "rules") {
      if (value === null || (isScalar(value) && value.value === null)) continue;
      if (!isMap(value))
        return { ok: false, error: `${at(value)}: \`rules\` maps rule names to off, info, warning or error` };
      for (const item of value.items) {
        const k = item.key as Node | null;
        const name = isScalar(k) ? String(k.value) : "";
        if (!ruleNames.includes(name)) return { ok: false, error: unknownRule(name, k) };
        const v = item.value as Node | null;
        // YAML 1.1 readers turn a bare `off` into false; accept that spelling too.
        const raw = isScalar(v) ? v.value : undefined;
        const sev = raw === false ? "off" : typeof raw === "string" ? raw : undefined;
        if (sev !== "off" && sev !== "info" && sev !== "warning" && sev !== "error") {
          return {
            ok: false,
            error: `${at(v ?? k)}: invalid severity \`${String(raw)}\` for \`${name}\`; use off, info, warning or error`,
          };
        }
        config.rules.set(name, sev);
      }
    } else if (key === "ignore") {
      if (value === null || (isScalar(value) && value.value === null)) continue;
      if (!isSeq(value))
        return { ok: false, error: `${at(value)}: \`ignore\` is a list of {path: GLOB, rules: [RULE, …]}` };
      for (const entry of value.items as Array<Node | null>) {
        if (!isMap(entry))
          return { ok: false, error: `${at(entry)}: an \`ignore\` entry is {path: GLOB, rules: [RULE, …]}` };
        let glob: string | undefined;
        let rules: string[] | null = null;
        for (const item of entry.items) {
          const k = item.key as Node | null;
          const name = isScalar(k) ? String(k.value) : "";
          const v = item.value as Node | null;
          if (name === "path") {
            if (!isScalar(v) || typeof v.value !== "string" || v.value.trim() === "")
              return { ok: false, error: `${at(v ?? k)}: \`path\` is a glob such as \`legacy/**/*.conf\`` };
            glob = v.value;
          } else if (name === "rules") {
            const list = isSeq(v) ? (v.items as Array<Node | null>) : isScalar(v) ? [v] : null;
            if (list === null)
              return { ok: false, error: `${at(v ?? k)}: \`rules\` is a list of rule names` };
            rules = [];
            for (const r of list) {
              const rn = isScalar(r) ? String(r.value) : "";
              if (!ruleNames.includes(rn)) return { ok: false, error: unknownRule(rn, r) };
              rules.push(rn);
            }
          } else {
            return {
              ok: false,
              error: `${at(k)}: unknown key \`${name}\` in an \`ignore\` entry; expected path, rules`,
            };
          }
        }
        if (glob === undefined)
          return { ok: false, error: `${at(entry)}: an \`ignore\` entry needs a \`path\`` };
        config.ignore.push({ path: glob, rules });
      }
    } else if (key === "postgres") {
      const n = isScalar(value) ? Number(value.value) : Number.NaN;
      if (!isSupportedMajor(n)) {
        return {
          ok: false,
          error: `${at(value)}: \`postgres\` is a major version, ${SUPPORTED_MAJORS[0]}..${SUPPORTED_MAJORS.at(-1)}`,
        };
      }
      config.postgres = n;
    } else if (key === "servers") {
      if (value === null || (isScalar(value) && value.value === null)) continue;
      const SHAPE = "{path: GLOB, host: HOST, port: N}";
      if (!isSeq(value)) return { ok: false, error: `${at(value)}: \`servers\` is a list of ${SHAPE}` };
      for (const entry of value.items as Array<Node | null>) {
        if (!isMap(entry)) return { ok: false, error: `${at(entry)}: a \`servers\` entry is ${SHAPE}` };
        const e: Partial<ServerEntry> = {};
        for (const item of entry.items) {
          const k = item.key as Node | null;
          const name = isScalar(k) ? String(k.value) : "";
          const v = item.value as Node | null;
          const text = isScalar(v) && v.value !== null ? String(v.value).trim() : "";
          if (name === "path" || name === "host") {
            if (text === "" || /\s/.test(text))
              return {
                ok: false,
                error: `${at(v ?? k)}: \`${name}\` is ${name === "path" ? "a glob such as `hosts/db1/**`" : "an address or DNS name such as `10.0.0.11`"}`,
              };
            e[name] = text;
          } else if (name === "port") {
            if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535)
              return { ok: false, error: `${at(v ?? k)}: \`port\` is a TCP port, 1..65535` };
            e.port = String(Number(text));
          } else {
            return {
              ok: false,
              error: `${at(k)}: unknown key \`${name}\` in a \`servers\` entry; expected path, host, port`,
            };
          }
        }
        if (e.path === undefined || e.host === undefined)
          return { ok: false, error: `${at(entry)}: a \`servers\` entry needs a \`path\` and a \`host\`` };
        config.servers.push({ path: e.path, host: e.host, port: e.port ?? "5432" });
      }
    } else {
      const near = closest(key, ["rules", "ignore", "postgres", "servers"]);
      return {
        ok: false,
        error: `${at(keyNode)}: unknown key \`${key}\`${near ? `; did you mean \`${near}\`?` : "; expected rules, ignore, postgres, servers"}`,
      };
    }
  }
  return { ok: true, config };
}

/** The `servers:` entry whose glob matches a path of the server (its directory or a file), if any. */
export function serverEntryFor(config: LintConfig, absPaths: readonly string[]): ServerEntry | undefined {
  if (config.servers.length === 0) return undefined;
  const base = config.file ? dirname(config.file) : "/";
  return config.servers.find((e) =>
    absPaths.some((abs) => {
      const rel = relative(base, abs).split("\\").join("/");
      const candidates = rel.startsWith("..") ? [abs] : [rel, abs];
      return candidates.some((c) => globMatches(e.path, posix.normalize(c)));
    }),
  );
}

/** Whether the config's `ignore` list drops findings of `rule` in the file at `absPath`. */
export function ignored(config: LintConfig, rule: string, absPath: string): boolean {
  if (config.ignore.length === 0) return false;
  const base = config.file ? dirname(config.file) : "/";
  const rel = relative(base, absPath).split("\\").join("/");
  const candidates = rel.startsWith("..") ? [absPath] : [rel, absPath];
  return config.ignore.some(
    (e) =>
      (e.rules === null || e.rules.includes(rule)) &&
      candidates.some((c) => globMatches(e.path, posix.normalize(c))),
  );
}
