/**
 * The parameter catalogue wired into validate (src/spec/settings.ts) and render
 * (src/render/defaults.ts, and what the drop-ins hold). Wording is pinned by the golden
 * files fixtures/specs/invalid/settings-*.out; here: positions, which major accepts what,
 * and that no fixture spec renders a parameter or value some major 12–18 would refuse.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import {
  checkValue,
  getParam,
  isKnownParam,
  SUPPORTED_MAJORS,
  type SupportedMajor,
} from "../src/pg/catalog/index.js";
import { parseConfText } from "../src/pg/conf/index.js";
import { STANDBY_MINIMUM_PARAMS } from "../src/pg/guc.js";
import { bootValue } from "../src/render/defaults.js";
import { renderFiles } from "../src/render/render.js";
import { checkSpecText } from "../src/spec/load.js";
import type { Topology } from "../src/spec/model.js";
import type { Problem } from "../src/util/diagnostic.js";
import { ROOT } from "./support/cli.js";

function spec(major: number, settings: string, nodeSettings = ""): string {
  return `version: 1
cluster:
  postgres: ${major}
  layout: pg_ctl
replication:
  user: repl_user
  password: { env: PGREPL_PASSWORD }
settings:
${settings}
nodes:
  - name: source
    role: primary
    host: 10.0.0.1
  - name: replica
    role: standby
    host: 10.0.0.2
${nodeSettings === "" ? "" : `    settings:\n${nodeSettings}\n`}`;
}

function problems(text: string): Problem[] {
  const r = checkSpecText(text, "t.yaml");
  return r.ok ? [] : r.problems;
}

const at = (p: Problem) => `${p.pos?.line}:${p.pos?.column}`;

describe("validate: settings are checked against the catalogue of cluster.postgres", () => {
  it("accepts parameters and values the major has, in any case, with aliases and custom names", () => {
    for (const major of SUPPORTED_MAJORS) {
      const text = spec(
        major,
        [
          "  work_mem: 64MB",
          "  Shared_Buffers: 1GB",
          "  hot_standby_feedback: true",
          "  wal_compression: on",
          "  checkpoint_completion_target: 0.9",
          "  log_min_duration_statement: 250ms",
          "  sort_mem: 4096",
          "  my_extension.threshold: whatever",
          "  role: none",
        ].join("\n"),
      );
      expect(problems(text), `PostgreSQL ${major}`).toEqual([]);
    }
  });

  it("wal_keep_segments: fine on 12, removed from 13 with wal_keep_size as the replacement, at the key", () => {
    for (const major of SUPPORTED_MAJORS) {
      const ps = problems(spec(major, "  wal_keep_segments: 64"));
      if (major === 12) {
        expect(ps).toEqual([]);
        continue;
      }
      expect(ps).toHaveLength(1);
      expect(at(ps[0] as Problem)).toBe("9:3");
      expect(ps[0]?.message).toContain("(removed in 13)");
      expect(ps[0]?.message).toContain("`wal_keep_size`");
    }
    expect(problems(spec(12, "  wal_keep_size: 1GB"))[0]?.message).toContain("(added in 13)");
  });

  it("a parameter only later majors have is named with the major that added it", () => {
    for (const [name, value, added] of [
      ["summarize_wal", "on", 17],
      ["idle_session_timeout", "1h", 14],
      ["io_method", "worker", 18],
    ] as const) {
      for (const major of SUPPORTED_MAJORS) {
        const ps = problems(spec(major, `  ${name}: ${value}`));
        if (major >= added) expect(ps, `${name} on ${major}`).toEqual([]);
        else expect(ps[0]?.message, `${name} on ${major}`).toContain(`(added in ${added})`);
      }
    }
  });

  it("a typo gets the closest name of that major, and a typo of a removed name its replacement", () => {
    expect(problems(spec(15, "  wal_keep_segment: 64"))[0]?.message).toMatch(
      /did you mean `wal_keep_size`\?$/,
    );
    expect(problems(spec(12, "  wal_keep_segment: 64"))[0]?.message).toMatch(
      /did you mean `wal_keep_segments`\?$/,
    );
    expect(problems(spec(16, "  max_wal_sender: 5"))[0]?.message).toMatch(
      /did you mean `max_wal_senders`\?$/,
    );
    expect(problems(spec(16, "  completely_unheard_of: 5"))[0]?.message).not.toContain("did you mean");
  });

  it("an invalid value is reported at the value, per major", () => {
    const ps = problems(spec(14, "  wal_compression: lz4"));
    expect(ps.map(at)).toEqual(["9:20"]);
    expect(ps[0]?.message).toContain("PostgreSQL 15 accepts it");
    expect(problems(spec(15, "  wal_compression: lz4"))).toEqual([]);
    // units are case-sensitive
    expect(problems(spec(15, "  shared_buffers: 1gb")).map(at)).toEqual(["9:19"]);
    expect(problems(spec(15, "  shared_buffers: 1GB"))).toEqual([]);
    // ranges, booleans, enums
    expect(problems(spec(15, "  max_connections: 0"))).toHaveLength(1);
    expect(problems(spec(15, "  hot_standby_feedback: maybe"))).toHaveLength(1);
    expect(problems(spec(15, "  synchronous_commit: always"))).toHaveLength(1);
    expect(problems(spec(15, "  synchronous_commit: remote_apply"))).toEqual([]);
  });

  it("checks per-node settings at their own position", () => {
    const ps = problems(spec(16, "  work_mem: 4MB", "      work_mem: 4mb\n      wal_keep_segments: 8"));
    expect(ps.map((p) => `${at(p)} ${p.message.split(":")[0]}`)).toEqual([
      "18:17 nodes[1].settings.work_mem",
      "19:7 nodes[1].settings.wal_keep_segments",
    ]);
  });

  it("read-only parameters and roles are refused, as the server refuses them in a file", () => {
    expect(problems(spec(15, "  block_size: 8192"))).toHaveLength(1);
    expect(problems(spec(15, "  role: admin"))).toHaveLength(1);
    expect(problems(spec(15, "  session_authorization: admin"))).toHaveLength(1);
  });

  it("leaves managed settings to the topology check (one problem, not two)", () => {
    const ps = problems(spec(15, "  max_slot_wal_keep_size: 10gb"));
    expect(ps).toHaveLength(1);
    expect(ps[0]?.message).toContain("set through");
  });

  it("never repeats a value under a key that looks like a secret", () => {
    const ps = problems(
      spec(
        15,
        "  ssl_passphrase_command_supports_reload: Sup3r-Secret!\n  archive_cleanup_command: 'PGPASSWORD=Sup3r-Secret! x'",
      ),
    );
    expect(ps).toHaveLength(2);
    for (const p of ps) expect(p.message).not.toContain("Sup3r");
  });

  it("checks nothing when the major itself is invalid (the schema reports that)", () => {
    const ps = problems(spec(11, "  wal_keep_segments: 64"));
    expect(ps.every((p) => !p.message.startsWith("settings."))).toBe(true);
  });
});

describe("render: boot values come from the catalogue", () => {
  it("bootValue is pg_settings.boot_val of each major", () => {
    for (const major of SUPPORTED_MAJORS) {
      for (const name of STANDBY_MINIMUM_PARAMS) {
        expect(bootValue(major, name)).toBe(Number(getParam(major, name)?.bootVal));
      }
    }
    expect(bootValue(15, "max_connections")).toBe(100);
    expect(() => bootValue(15, "wal_keep_segments")).toThrow(/has no parameter/);
    expect(() => bootValue(15, "wal_level")).toThrow(/no integer default/);
  });
});

/** A fixture spec re-targeted at another major (max_slot_wal_keep_size dropped for 12). */
function retarget(rel: string, major: SupportedMajor): Topology {
  const doc = parseDocument(readFileSync(join(ROOT, rel), "utf8"));
  doc.setIn(["cluster", "postgres"], major);
  if (major === 12) doc.deleteIn(["replication", "max_slot_wal_keep_size"]);
  // Re-serialised as YAML (a JSON spec too), so the strict JSON grammar check does not apply.
  const r = checkSpecText(doc.toString(), rel.replace(/\.json$/, ".yaml"), join(ROOT, rel));
  if (!r.ok) throw new Error(`${rel} on ${major}: ${r.problems.map((p) => p.message).join("; ")}`);
  return r.topology;
}

describe("render: no fixture spec writes a parameter or value some major refuses", () => {
  const specs = readdirSync(join(ROOT, "fixtures", "specs")).filter((f) => /\.(ya?ml|json)$/.test(f));
  for (const f of specs) {
    it(f, () => {
      let checked = 0;
      for (const major of SUPPORTED_MAJORS) {
        const rel = `fixtures/specs/${f}`;
        const files = renderFiles(retarget(rel, major), rel).filter(
          (x) => x.path.endsWith("/conf.d/pgrepl-gen.conf") || x.path.endsWith("/postgresql.auto.conf"),
        );
        expect(files.length).toBeGreaterThan(0);
        for (const file of files) {
          const parsed = parseConfText(file.content, file.path);
          expect(parsed.problems, `${major} ${file.path}`).toEqual([]);
          for (const s of parsed.settings) {
            const where = `PostgreSQL ${major}: ${file.path}:${s.line}: ${s.name} = ${s.raw}`;
            expect(isKnownParam(major, s.name), where).toBe(true);
            expect(checkValue(major, s.name, s.value), where).toBeNull();
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});
