/**
 * The host harness: N simulated hosts on this machine, each with the spec's address in a network
 * namespace of its own and its own view of the layouts' paths (see host.ts), in a starting state
 * taken from a real install (states.ts). It renders a spec, copies each node's directory to its
 * host, and runs plan.json's steps there exactly as the README tells a user:
 *
 *   copy the node's directory to its host, then, there, from the directory that holds it:
 *   `./NODE/runbook.sh --phase PHASE` (as root for Debian and RHEL, as the database user for pg_ctl)
 *
 * Clean-up (destroy) is complete even when a test failed: processes by namespace, the namespaces,
 * the hosts' files. A run killed before its clean-up is swept by the next (netns.ts: sweepStale).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bufferIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { Host } from "./host.js";
import { Network, sweepStale } from "./netns.js";
import { applyState, type HostState } from "./states.js";

export interface HostDef {
  /** The node's name in the spec (plan.json's `node`). */
  name: string;
  address: string;
  state: HostState;
  /** The PostgreSQL major of the starting state; 15 (Debian's own) by default. */
  major?: number;
  /** Extra /etc/hosts lines: name → address. */
  etcHosts?: Record<string, string>;
}

export interface PlanStep {
  node: string;
  host: string;
  run: string;
  args: string[];
}

export interface StepRun {
  step: PlanStep;
  status: number | null;
  stdout: string;
  stderr: string;
  output: string;
}

// Under /tmp: the hosts bind their own /tmp over it last, so they never see each other's roots.
const HOSTS_ROOT = "/tmp/pgrepl-hosts";

export interface Harness {
  readonly root: string;
  host(name: string): Host;
  hosts(): Host[];
  /** Writes spec.yaml and renders it into root/out (exit code 0 asserted). */
  render(specText: string): Promise<string>;
  /** Copies each node's rendered directory to its host (where install put it: `dest(name)`). */
  install(outDir?: string): void;
  /** Where a node's directory lives on its host. */
  dest(name: string): string;
  plan(outDir?: string): PlanStep[];
  runStep(step: PlanStep, env: Record<string, string>, extraArgs?: string[]): StepRun;
  /** Every step in order; throws with the step's output at the first that fails. */
  runPlan(env: Record<string, string>, onStep?: (r: StepRun) => void): StepRun[];
  destroy(): Promise<void>;
}

/** Who runs a host's runbooks, and from where, as the README says for its layout. */
function runner(state: HostState): { user?: string; dir: string } {
  return state === "pg_ctl"
    ? { user: "postgres", dir: "/var/lib/postgresql/pgrepl" }
    : { dir: "/root/pgrepl" };
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error("the host harness needs root (network and mount namespaces)");
  for (const tool of ["ip", "nsenter", "unshare", "runuser"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
      throw new Error(`the host harness needs ${tool}: run scripts/install-test-deps.sh`);
    }
  }
}

export async function createHarness(defs: readonly HostDef[]): Promise<Harness> {
  requireRoot();
  sweepStale();
  const net = new Network();
  const root = join(HOSTS_ROOT, net.id);
  mkdirSync(root, { recursive: true });
  const byName = new Map<string, { host: Host; def: HostDef }>();
  let outDir = join(root, "out");
  const destroy = async () => {
    net.destroy();
    for (const { host } of byName.values()) await host.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const [i, def] of defs.entries()) {
      const ns = net.addHost(i + 1, def.address);
      const host = await Host.start(def.name, def.address, ns, join(root, def.name));
      byName.set(def.name, { host, def });
    }
    // Every host knows every other by name, as a small site's /etc/hosts would.
    for (const { host, def } of byName.values()) {
      const lines = [...byName.values()].map(({ def: d }) => `${d.address}\t${d.name}`);
      for (const [n, a] of Object.entries(def.etcHosts ?? {})) lines.push(`${a}\t${n}`);
      writeFileSync(join(host.root, "hosts"), `127.0.0.1\tlocalhost\n${lines.join("\n")}\n`);
    }
    // States in parallel would be faster; in sequence keeps the 2-core machine's initdb runs apart.
    for (const { host, def } of byName.values()) await applyState(host, def.state, def.major ?? 15);
  } catch (e) {
    await destroy();
    throw e;
  }
  const get = (name: string) => {
    const h = byName.get(name);
    if (!h) throw new Error(`harness: no host ${name}`);
    return h;
  };
  const harness: Harness = {
    root,
    host: (name) => get(name).host,
    hosts: () => [...byName.values()].map((h) => h.host),
    async render(specText) {
      writeFileSync(join(root, "spec.yaml"), specText);
      outDir = join(root, "out");
      const io = bufferIO({ cwd: root });
      const code = await main(["render", join(root, "spec.yaml"), "--out", outDir], io);
      if (code !== 0) throw new Error(`render failed (${code}): ${io.out()}${io.err()}`);
      return outDir;
    },
    dest: (name) => join(runner(get(name).def.state).dir, name),
    install(dir = outDir) {
      for (const { host, def } of byName.values()) {
        const r = runner(def.state);
        const owner = r.user ? postgresIds() : undefined;
        host.sh(`mkdir -p ${r.dir}${r.user ? ` && chown ${r.user}: ${r.dir}` : ""}`);
        host.copyIn(join(dir, def.name), join(r.dir, def.name), owner);
      }
    },
    plan: (dir = outDir) =>
      (JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as { steps: PlanStep[] }).steps,
    runStep(step, env, extraArgs = ["--yes"]) {
      const { host, def } = get(step.node);
      const r = runner(def.state);
      const res = host.exec(`./${step.run}`, [...step.args, ...extraArgs], {
        cwd: r.dir,
        env,
        ...(r.user ? { user: r.user } : {}),
      });
      return { step, ...res, output: `${res.stdout}${res.stderr}` };
    },
    runPlan(env, onStep) {
      const done: StepRun[] = [];
      for (const step of harness.plan()) {
        const res = harness.runStep(step, env);
        done.push(res);
        onStep?.(res);
        if (res.status !== 0) {
          throw new Error(
            `step ${step.node}: ${step.run} ${step.args.join(" ")} failed (${res.status}):\n${res.output}`,
          );
        }
      }
      return done;
    },
    destroy,
  };
  return harness;
}

let ids: { uid: number; gid: number } | undefined;
export function postgresIds(): { uid: number; gid: number } {
  if (ids) return ids;
  const f = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"))
    ?.split(":");
  if (!f) throw new Error("there is no postgres OS user: run scripts/install-test-deps.sh");
  ids = { uid: Number(f[2]), gid: Number(f[3]) };
  return ids;
}
