/**
 * The network of simulated hosts: one network namespace per host holding exactly its address, all
 * linked through a bridge in a namespace of its own, with no link or route to this machine's real
 * network. Names start with `pgrg` and carry the creating process's pid, so a run that died can be
 * swept by the next one (sweepStale).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readlinkSync } from "node:fs";

export interface Sh {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command on this machine (outside every host) and throws with its stderr when it fails. */
export function must(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`harness: cannot run ${cmd}: ${r.error.message} (install it)`);
  if (r.status !== 0) throw new Error(`harness: ${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export function trySh(cmd: string, args: string[]): Sh {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** The namespace ids of the test process itself: every host's must differ from these. */
export const OUTSIDE = {
  net: readlinkSync("/proc/self/ns/net"),
  mnt: readlinkSync("/proc/self/ns/mnt"),
};

const PREFIX = "pgrg";

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

/** Kills every process inside a network namespace: TERM, then KILL whatever is left after 5 s. */
export function killNamespace(ns: string): void {
  const pids = () => trySh("ip", ["netns", "pids", ns]).stdout.split("\n").filter(Boolean).map(Number);
  const first = pids();
  for (const p of first) trySh("kill", ["-TERM", String(p)]);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && pids().length > 0) spawnSync("sleep", ["0.1"]);
  for (const p of pids()) trySh("kill", ["-KILL", String(p)]);
}

/** Removes the namespaces of harness runs whose process is gone (a run killed before its clean-up). */
export function sweepStale(): void {
  if (!existsSync("/run/netns")) return;
  for (const ns of readdirSync("/run/netns")) {
    const m = /^pgrg(\d+)-/.exec(ns);
    if (!m || alive(Number(m[1]))) continue;
    killNamespace(ns);
    trySh("ip", ["netns", "del", ns]);
  }
}

let serial = 0;

/** A bridge namespace for one harness, and the veth pairs that hang hosts on it. */
export class Network {
  readonly id: string;
  readonly bridgeNs: string;
  private readonly hostNs: string[] = [];

  constructor() {
    serial += 1;
    this.id = `${PREFIX}${process.pid}-${serial}`;
    this.bridgeNs = `${this.id}-br`;
    must("ip", ["netns", "add", this.bridgeNs]);
    must("ip", ["-n", this.bridgeNs, "link", "add", "br0", "type", "bridge"]);
    must("ip", ["-n", this.bridgeNs, "link", "set", "br0", "up"]);
  }

  /**
   * A host's namespace with `eth0` holding `address/prefix` (the prefix makes the other hosts
   * directly reachable; there is no default route, so nothing can leave), and `lo` up.
   */
  addHost(index: number, address: string): string {
    const ns = `${this.id}-h${index}`;
    must("ip", ["netns", "add", ns]);
    this.hostNs.push(ns);
    // Interface names outside the host namespace must be unique and at most 15 characters.
    const outer = `pg${process.pid % 100000}${serial}h${index}`.slice(0, 15);
    must("ip", ["link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", ns]);
    must("ip", ["link", "set", outer, "netns", this.bridgeNs]);
    must("ip", ["-n", this.bridgeNs, "link", "set", outer, "master", "br0", "up"]);
    const v6 = address.includes(":");
    must("ip", ["-n", ns, ...(v6 ? ["-6"] : []), "addr", "add", `${address}/${v6 ? 64 : 24}`, "dev", "eth0"]);
    must("ip", ["-n", ns, "link", "set", "eth0", "up"]);
    must("ip", ["-n", ns, "link", "set", "lo", "up"]);
    const routes = must("ip", ["-n", ns, "route", "show", "default"]);
    if (routes.trim() !== "") throw new Error(`harness: ${ns} has a default route: ${routes}`);
    return ns;
  }

  /** Takes a host's link down or up (the host's own side: its address stays, nothing reaches it). */
  link(ns: string, up: boolean): void {
    must("ip", ["-n", ns, "link", "set", "eth0", up ? "up" : "down"]);
  }

  destroy(): void {
    for (const ns of this.hostNs) {
      killNamespace(ns);
      trySh("ip", ["netns", "del", ns]);
    }
    trySh("ip", ["netns", "del", this.bridgeNs]);
  }
}
