/**
 * TLS end to end on two Debian harness hosts (fresh `main` running on each), addressed by DNS names
 * as the README's example spec is (db1.example.com, db2.example.com), which resolve through each
 * host's own /etc/hosts. Certificates made by openssl here: each host has its own server certificate
 * naming itself, at the same paths the spec names (/etc/pg-tls/…). Replication with sslmode
 * verify-full and client-certificate authentication (auth: cert), run through the rendered runbooks.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./hosts/harness.js";
import { snapshot } from "./hosts/observe.js";

const ENV = { PGREPL_PASSWORD: "unused-with-cert-auth" };
const NAMES = { "db1.example.com": "10.40.0.1", "db2.example.com": "10.40.0.2" };
let h: Harness;
let tls = "";

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
  writeFileSync(join(tls, `${name}.ext`), san ? `subjectAltName=${san}\n` : "basicConstraints=CA:FALSE\n");
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
    `${name}.ext`,
  ]);
}

const file = (f: string) => readFileSync(join(tls, f));

/** On each host the spec's paths hold that host's files, as a DBA's certificate rollout leaves them. */
function placeCertificates(host: string, keyMode = "0600"): void {
  const x = h.host(host);
  x.writeFile("/etc/pg-tls/root.crt", file("ca.crt"));
  x.writeFile("/etc/pg-tls/server.crt", file(`${host}.crt`));
  x.writeFile("/etc/pg-tls/server.key", file(`${host}.key`), { mode: keyMode, owner: "postgres" });
  x.writeFile("/etc/pg-tls/repl_tls.crt", file("repl_tls.crt"), { owner: "postgres" });
  x.writeFile("/etc/pg-tls/repl_tls.key", file("repl_tls.key"), { mode: "0600", owner: "postgres" });
  x.writeFile("/etc/pg-tls/intruder.crt", file("intruder.crt"), { owner: "postgres" });
  x.writeFile("/etc/pg-tls/intruder.key", file("intruder.key"), { mode: "0600", owner: "postgres" });
}

beforeAll(async () => {
  tls = mkdtempSync("/tmp/pgrepl-tls-");
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
  issue("db1", "/CN=db1.example.com", "DNS:db1.example.com");
  issue("db2", "/CN=db2.example.com", "DNS:db2.example.com");
  issue("repl_tls", "/CN=repl_tls");
  issue("intruder", "/CN=intruder");
  h = await createHarness([
    { name: "db1", address: NAMES["db1.example.com"], state: "debian", etcHosts: NAMES },
    { name: "db2", address: NAMES["db2.example.com"], state: "debian", etcHosts: NAMES },
  ]);
  await h.render(`version: 1
cluster: { postgres: 15, layout: debian }
replication:
  user: repl_tls
  password: { env: PGREPL_PASSWORD }
  auth: cert
  sslmode: verify-full
  tls:
    ca_file: /etc/pg-tls/root.crt
    server_cert: /etc/pg-tls/server.crt
    server_key: /etc/pg-tls/server.key
    client_cert: /etc/pg-tls/repl_tls.crt
    client_key: /etc/pg-tls/repl_tls.key
nodes:
  - { name: db1, role: primary, host: db1.example.com }
  - { name: db2, role: standby, host: db2.example.com }
`);
  h.install();
  placeCertificates("db1", "0644");
  placeCertificates("db2");
}, 300_000);

afterAll(async () => {
  await h?.destroy();
  if (tls) rmSync(tls, { recursive: true, force: true });
});

/** IDENTIFY_SYSTEM over a replication connection from db2, as postgres, with the given conninfo. */
const identify = (conninfo: string) =>
  h
    .host("db2")
    .exec(
      "/usr/lib/postgresql/15/bin/psql",
      ["-X", "-At", "-d", `dbname=replication replication=true ${conninfo}`, "-c", "IDENTIFY_SYSTEM"],
      {
        user: "postgres",
      },
    );
const BASE = "user=repl_tls sslmode=verify-full sslrootcert=/etc/pg-tls/root.crt";

describe("e2e: replication over verify-full TLS with client certificates, by DNS name", () => {
  it("the names resolve through each host's own /etc/hosts", () => {
    expect(h.host("db2").sh("getent hosts db1.example.com").trim()).toMatch(
      /^10\.40\.0\.1\s+db1\.example\.com\b/,
    );
  });

  it("the primary's runbook refuses a private key with an unsafe mode before changing anything", () => {
    const [prepare] = h.plan();
    if (!prepare) throw new Error("empty plan");
    const before = snapshot(h.host("db1"));
    const r = h.runStep(prepare, ENV);
    expect(r.status).toBe(1);
    expect(r.output).toContain("server.key (server key) has mode 644");
    expect(snapshot(h.host("db1"))).toEqual(before);
    h.host("db1").sh("chmod 0600 /etc/pg-tls/server.key");
  });

  it("runs the plan; the standby streams over TLS from db1.example.com, authenticated by its certificate", () => {
    h.runPlan(ENV);
    expect(
      h
        .host("db1")
        .psql(
          "SELECT r.application_name, r.state, s.ssl, s.client_dn FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)",
        ),
    ).toBe("db2|streaming|t|/CN=repl_tls");
    expect(
      h
        .host("db1")
        .psql(
          "SELECT auth_method FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND type = 'hostssl'",
        ),
    ).toBe("cert");
    expect(h.host("db2").psql("SELECT sender_host, status FROM pg_stat_wal_receiver")).toBe(
      "db1.example.com|streaming",
    );
  });

  it("a client presenting a certificate for another name is refused", () => {
    const good = identify(
      `host=db1.example.com ${BASE} sslcert=/etc/pg-tls/repl_tls.crt sslkey=/etc/pg-tls/repl_tls.key`,
    );
    expect(good.status, good.stderr).toBe(0);
    const bad = identify(
      `host=db1.example.com ${BASE} sslcert=/etc/pg-tls/intruder.crt sslkey=/etc/pg-tls/intruder.key`,
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('certificate authentication failed for user "repl_tls"');
  });

  it("verify-full refuses the server when connected by an address its certificate does not name", () => {
    const r = identify(
      `host=10.40.0.1 ${BASE} sslcert=/etc/pg-tls/repl_tls.crt sslkey=/etc/pg-tls/repl_tls.key`,
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/does not match host name "10\.40\.0\.1"/);
  });
});
