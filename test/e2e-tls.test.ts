/**
 * TLS end to end (PostgreSQL 15, pg_ctl layout): certificates made by openssl here, replication
 * with sslmode verify-full and client-certificate authentication (auth: cert), run through the
 * rendered runbooks. A client presenting a certificate for another name is refused.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { freePorts, initPrimary, makeTempDir, PG15_BIN, runAsPostgres } from "./support/pg.js";
import { readPlan, runPlan, runStep, sql } from "./support/plan.js";

const ENV = { PGREPL_PASSWORD: "unused-with-cert-auth" };
let root = "";
let tls = "";
let out = "";
let sock = "";
const ports = { primary: 0, standby: 0 };

function openssl(args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: tls, encoding: "utf8" });
  if (r.error)
    throw new Error(`openssl is not installed: run scripts/install-test-deps.sh (${r.error.message})`);
  expect(r.status, r.stderr).toBe(0);
}

/** A key and a certificate signed by the test CA. */
function issue(name: string, subject: string, san?: string): void {
  openssl([
    "req",
    "-new",
    "-nodes",
    "-newkey",
    "rsa:2048",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    subject,
  ]);
  const ext = join(tls, `${name}.ext`);
  writeFileSync(ext, san ? `subjectAltName=${san}\n` : "basicConstraints=CA:FALSE\n");
  openssl([
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    `${name}.crt`,
    "-extfile",
    ext,
  ]);
}

function ownByPostgres(files: string[], mode: number): void {
  for (const f of files) {
    chmodSync(join(tls, f), mode);
    spawnSync("chown", ["postgres:postgres", join(tls, f)]);
  }
}

const psql = (port: number, conninfo: string) =>
  runAsPostgres(join(PG15_BIN, "psql"), [
    "-X",
    "-At",
    "-d",
    `port=${port} dbname=replication replication=true ${conninfo}`,
    "-c",
    "IDENTIFY_SYSTEM",
  ]);

beforeAll(async () => {
  root = await makeTempDir("pgrepl-tls-");
  tls = join(root, "tls");
  out = join(root, "out");
  sock = join(root, "sock");
  runAsPostgres("mkdir", ["-m", "0700", tls, sock]);
  spawnSync("chmod", ["0755", tls]);
  [ports.primary, ports.standby] = (await freePorts(2)) as [number, number];
  openssl([
    "req",
    "-x509",
    "-new",
    "-nodes",
    "-newkey",
    "rsa:2048",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=pgrepl-gen test CA",
  ]);
  issue("server", "/CN=127.0.0.1", "IP:127.0.0.1");
  issue("repl_tls", "/CN=repl_tls");
  issue("intruder", "/CN=intruder");
  ownByPostgres(["ca.crt", "server.crt", "repl_tls.crt", "intruder.crt"], 0o644);
  ownByPostgres(["server.key", "repl_tls.key", "intruder.key"], 0o600);

  const node = (name: string, port: number, role: string) => `  - name: ${name}
    role: ${role}
    host: 127.0.0.1
    port: ${port}
    data_directory: ${join(root, name)}
    bin_directory: ${PG15_BIN}
    socket_directory: ${sock}
`;
  const spec = join(root, "spec.yaml");
  writeFileSync(
    spec,
    `version: 1
cluster:
  postgres: 15
  layout: pg_ctl
replication:
  user: repl_tls
  password: { env: PGREPL_PASSWORD }
  auth: cert
  sslmode: verify-full
  tls:
    ca_file: ${tls}/ca.crt
    server_cert: ${tls}/server.crt
    server_key: ${tls}/server.key
    client_cert: ${tls}/repl_tls.crt
    client_key: ${tls}/repl_tls.key
nodes:
${node("tls_primary", ports.primary, "primary")}${node("tls_standby", ports.standby, "standby")}`,
  );
  const io = bufferIO({ cwd: root });
  expect(await main(["render", spec, "--out", out], io), io.err()).toBe(0);
  const data = join(root, "tls_primary");
  initPrimary(data, { port: ports.primary as number, sock });
}, 120_000);

afterAll(() => {
  for (const n of ["tls_primary", "tls_standby"]) {
    const d = join(root, n);
    if (existsSync(join(d, "postmaster.pid")))
      runAsPostgres(join(PG15_BIN, "pg_ctl"), ["-D", d, "-m", "immediate", "-w", "stop"]);
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("e2e: replication over verify-full TLS with client certificates", () => {
  it("the primary's runbook refuses a private key with an unsafe mode before changing anything", () => {
    chmodSync(join(tls, "server.key"), 0o644);
    const step = readPlan(out)[0];
    if (!step) throw new Error("empty plan");
    const r = runStep(out, step, ENV, "postgres");
    expect(r.status).toBe(1);
    expect(r.output).toContain("server.key (server key) has mode 644");
    expect(existsSync(join(root, "tls_primary", "conf.d"))).toBe(false);
    chmodSync(join(tls, "server.key"), 0o600);
  });

  it("runs the plan; the standby streams over TLS, authenticated by its certificate", () => {
    runPlan(out, ENV, "postgres");
    const row = sql(
      sock,
      ports.primary,
      "SELECT r.application_name, r.state, s.ssl, s.client_dn FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)",
    );
    expect(row).toBe("tls_standby|streaming|t|/CN=repl_tls");
    expect(
      sql(
        sock,
        ports.primary,
        "SELECT auth_method FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND type = 'hostssl'",
      ),
    ).toBe("cert");
  });

  it("a client presenting a certificate for another name is refused", () => {
    const base = `host=127.0.0.1 user=repl_tls sslmode=verify-full sslrootcert=${tls}/ca.crt`;
    const good = psql(ports.primary, `${base} sslcert=${tls}/repl_tls.crt sslkey=${tls}/repl_tls.key`);
    expect(good.status, good.stderr).toBe(0);
    const bad = psql(ports.primary, `${base} sslcert=${tls}/intruder.crt sslkey=${tls}/intruder.key`);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('certificate authentication failed for user "repl_tls"');
  });

  it("verify-full refuses a server whose certificate does not name the host connected to", () => {
    const r = psql(
      ports.primary,
      `host=localhost user=repl_tls sslmode=verify-full sslrootcert=${tls}/ca.crt sslcert=${tls}/repl_tls.crt sslkey=${tls}/repl_tls.key`,
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/does not match host name "localhost"/);
  });
});
