/**
 * The host harness itself: each host has exactly its address and nothing routes out; two hosts both
 * have Debian's /etc/postgresql/15/main as two real installs would; commands outside the host's
 * namespaces are refused; clean-up leaves no namespace, process or file behind.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./hosts/harness.js";
import { Host } from "./hosts/host.js";
import { OUTSIDE } from "./hosts/netns.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness([
    { name: "a", address: "192.168.1.4", state: "debian" },
    { name: "b", address: "192.168.1.5", state: "debian" },
  ]);
}, 180_000);

afterAll(async () => {
  await h?.destroy();
});

describe("host harness", () => {
  it("gives each host exactly its own address and no route out", () => {
    const a = h.host("a");
    const addrs = a.sh("ip -o -4 addr show | awk '{print $2, $4}'").trim().split("\n");
    expect(addrs).toEqual(["lo 127.0.0.1/8", "eth0 192.168.1.4/24"]);
    expect(a.sh("ip route show default").trim()).toBe("");
    // An address outside the test's network: no route, refused at once (nothing is sent).
    const out = a.exec("bash", ["-c", "exec 3<>/dev/tcp/10.255.255.1/5432"], { timeoutMs: 5000 });
    expect(out.status).not.toBe(0);
    expect(out.stderr).toMatch(/unreachable/i);
  });

  it("links the hosts to each other: a reaches b's server by address and by name", () => {
    const r = h.host("a").exec("bash", ["-c", "exec 3<>/dev/tcp/192.168.1.5/22 || true; getent hosts b"]);
    expect(r.stdout.trim()).toBe("192.168.1.5     b");
    // b's server listens on localhost only (Debian's default): its port answers on loopback.
    expect(h.host("b").psql("SHOW listen_addresses")).toBe("localhost");
  });

  it("gives each host its own Debian cluster 15/main, running, with its own system identifier", () => {
    const ids = ["a", "b"].map((n) => {
      const host = h.host(n);
      expect(host.sh("pg_lsclusters -h").trim()).toMatch(
        /^15\s+main\s+5432\s+online\s+postgres\s+\/var\/lib\/postgresql\/15\/main/,
      );
      expect(host.psql("SHOW unix_socket_directories")).toBe("/var/run/postgresql");
      expect(host.psql("SHOW cluster_name")).toBe("15/main");
      return host.psql("SELECT system_identifier FROM pg_control_system()");
    });
    expect(ids[0]).not.toBe(ids[1]);
    // The files are the host's own: seen from outside under its root, not in this machine's /etc.
    expect(existsSync(h.host("a").path("/etc/postgresql/15/main/postgresql.conf"))).toBe(true);
    expect(h.host("a").sh("hostname").trim()).toBe("a");
  });

  it("refuses to run a command that would not be inside the host's namespaces", () => {
    const a = h.host("a");
    const fake = Object.assign(Object.create(Host.prototype) as Host, a, { net: OUTSIDE.net });
    expect(() => fake.exec("true")).toThrow(/refusing to run/);
  });

  it("cleans up completely: no namespace, no process, no file", async () => {
    const other = await createHarness([{ name: "x", address: "192.168.9.9", state: "bare" }]);
    const x = other.host("x");
    x.sh("sleep 300 >/dev/null 2>&1 & disown");
    const ns = readdirSync("/run/netns").filter((n) => n.startsWith(other.root.split("/").pop() ?? "?"));
    expect(ns.length).toBe(2);
    await other.destroy();
    expect(readdirSync("/run/netns").filter((n) => ns.includes(n))).toEqual([]);
    expect(existsSync(other.root)).toBe(false);
    expect(existsSync(`/proc/${x.pid}`)).toBe(false);
    const left = spawnSync("pgrep", ["-f", "^sleep 300$"], { encoding: "utf8" }).stdout.trim();
    expect(left).toBe("");
  });
});
