/**
 * One simulated host: a process (`sleep infinity`) holding the host's network namespace and a
 * private mount and UTS namespace, in which the layouts' paths are the host's own directories and
 * /usr is an overlay (so binaries can appear where a distribution puts them, on this host only).
 * Every command runs through `nsenter` into those namespaces, and a guard checks it is really
 * inside them before it runs anything: traffic to the spec's addresses never leaves the test's
 * namespaces.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, mkdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OUTSIDE, type Sh } from "./netns.js";

/** The paths every host has of its own (each backed by a directory under the host's root). */
export const PRIVATE_DIRS = [
  "/etc/postgresql",
  "/var/lib/postgresql",
  "/run/postgresql",
  "/var/log/postgresql",
  "/var/lib/pgsql",
  "/opt",
  "/root",
  "/srv",
  "/tmp",
] as const;

/** Top directories that are overlays on each host (so a mount point can be made under them). */
const OVERLAID = ["/usr", "/var", "/etc", "/run"] as const;

export interface ExecOptions {
  /** Run as this OS user (runuser); root by default. */
  user?: string;
  env?: Record<string, string>;
  input?: string;
  /** Working directory inside the host; `/` by default. */
  cwd?: string;
  timeoutMs?: number;
}

const BASE_ENV = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  LANG: "C.UTF-8",
  TERM: "dumb",
};

// The guard: refuses to run anything unless this process is inside the expected namespaces.
const GUARD = `n=$(readlink /proc/self/ns/net); m=$(readlink /proc/self/ns/mnt)
if [ "$n" != "$1" ] || [ "$m" != "$2" ] || [ "$n" = "$3" ] || [ "$m" = "$4" ]; then
  echo "harness: refusing to run: not inside the host's namespaces (net $n, mnt $m)" >&2; exit 97
fi
cd "$5" || exit 97; shift 5; exec "$@"`;

export class Host {
  readonly net: string;
  readonly mnt: string;
  private constructor(
    readonly name: string,
    readonly address: string,
    readonly netns: string,
    /** This host's files, seen from outside: PRIVATE_DIRS live under root/fs. */
    readonly root: string,
    readonly pid: number,
    private readonly holder: ChildProcess,
  ) {
    this.net = readlinkSync(`/proc/${pid}/ns/net`);
    this.mnt = readlinkSync(`/proc/${pid}/ns/mnt`);
  }

  /** Starts the namespace holder and lays out the host's private directories. */
  static async start(name: string, address: string, netns: string, root: string): Promise<Host> {
    mkdirSync(join(root, "fs"), { recursive: true });
    chmodSync(root, 0o755);
    const child = spawn(
      "nsenter",
      [
        `--net=/run/netns/${netns}`,
        "unshare",
        "--mount",
        "--uts",
        "--propagation",
        "private",
        "--",
        "sleep",
        "infinity",
      ],
      { detached: true, stdio: "ignore" },
    );
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error("harness: cannot start the namespace holder");
    // nsenter and unshare exec in place: the pid is the holder's once its namespaces differ.
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if (
          readlinkSync(`/proc/${pid}/ns/mnt`) !== OUTSIDE.mnt &&
          readlinkSync(`/proc/${pid}/ns/net`) !== OUTSIDE.net
        )
          break;
      } catch {
        throw new Error(`harness: the namespace holder of ${name} died at start`);
      }
      if (Date.now() > deadline) throw new Error(`harness: the namespace holder of ${name} did not start`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const host = new Host(name, address, netns, root, pid, child);
    host.layout();
    return host;
  }

  /** The node's name as a host name (RFC 1123: no underscores). */
  get hostname(): string {
    return this.name.replaceAll("_", "-");
  }

  /** Where a host path in PRIVATE_DIRS is on this machine (for reading files from outside). */
  path(p: string): string {
    const dir = PRIVATE_DIRS.find((d) => p === d || p.startsWith(`${d}/`));
    if (!dir) throw new Error(`harness: ${p} is not one of the host's private directories`);
    return join(this.root, "fs", p);
  }

  private layout(): void {
    const fs = join(this.root, "fs");
    for (const d of PRIVATE_DIRS) mkdirSync(join(fs, d), { recursive: true });
    chmodSync(join(fs, "/tmp"), 0o1777);
    chmodSync(join(fs, "/root"), 0o700);
    writeFileSync(join(this.root, "hosts"), `127.0.0.1\tlocalhost\n${this.address}\t${this.name}\n`);
    writeFileSync(join(this.root, "hostname"), `${this.hostname}\n`);
    // /usr, /var, /etc and /run become overlays on a tmpfs (mount points such as /var/lib/pgsql or
    // /usr/pgsql-15 can then be made on this host only); the private directories are bound from the
    // host's root, /tmp last since the host's root lives under this machine's /tmp.
    const ov = `${this.root}/ov`;
    const script = [
      "set -e",
      `mkdir -p ${ov} && mount -t tmpfs -o mode=0755 pgrg-ov ${ov}`,
      ...OVERLAID.map(
        (d) =>
          `mkdir -p ${ov}${d}/u ${ov}${d}/w && mount -t overlay pgrg${d.replace("/", "-")} -o lowerdir=${d},upperdir=${ov}${d}/u,workdir=${ov}${d}/w ${d}`,
      ),
      `mount --bind ${this.root}/hosts /etc/hosts`,
      `mount --bind ${this.root}/hostname /etc/hostname`,
      ...PRIVATE_DIRS.map((d) => `mkdir -p ${d} && mount --bind ${fs}${d} ${d}`),
      `hostname ${this.hostname}`,
    ].join("\n");
    const r = spawnSync("nsenter", ["-t", String(this.pid), "-m", "-u", "--", "bash", "-c", script], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`harness: cannot lay out ${this.name}: ${r.stderr}`);
  }

  /** Runs a command inside the host (as root, or as opts.user), after the namespace guard. */
  exec(cmd: string, args: string[] = [], opts: ExecOptions = {}): Sh {
    const r = spawnSync("nsenter", this.argv(cmd, args, opts), {
      encoding: "utf8",
      env: this.env(opts),
      input: opts.input,
      timeout: opts.timeoutMs ?? 600_000,
      maxBuffer: 64 << 20,
    });
    if (r.error) throw new Error(`harness: cannot run ${cmd} on ${this.name}: ${r.error.message}`);
    if (r.status === 97 && r.stderr.includes("harness: refusing")) throw new Error(r.stderr.trim());
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Starts a command inside the host in the background, in a process group of its own (kill -PID). */
  spawn(cmd: string, args: string[] = [], opts: ExecOptions & { pipe?: boolean } = {}): ChildProcess {
    return spawn("nsenter", this.argv(cmd, args, opts), {
      env: this.env(opts),
      detached: true,
      stdio: opts.pipe ? ["ignore", "pipe", "pipe"] : "ignore",
    });
  }

  private env(opts: ExecOptions): Record<string, string> {
    const env: Record<string, string> = { ...BASE_ENV, HOME: opts.user ? "/var/lib/postgresql" : "/root" };
    return Object.assign(env, opts.env);
  }

  private argv(cmd: string, args: string[], opts: ExecOptions): string[] {
    const argv = opts.user ? ["runuser", "-u", opts.user, "--", cmd, ...args] : [cmd, ...args];
    const ids = [this.net, this.mnt, OUTSIDE.net, OUTSIDE.mnt];
    return [
      "-t",
      String(this.pid),
      "-m",
      "-n",
      "-u",
      "--",
      "/bin/bash",
      "-c",
      GUARD,
      "guard",
      ...ids,
      opts.cwd ?? "/",
      ...argv,
    ];
  }

  /** A bash script inside the host; throws with its output when it fails. */
  sh(script: string, opts: ExecOptions = {}): string {
    const r = this.exec("bash", ["-c", script], opts);
    if (r.status !== 0) {
      throw new Error(`${this.name}: \`${script}\` failed (${r.status}):\n${r.stdout}${r.stderr}`);
    }
    return r.stdout;
  }

  /** SQL as the postgres superuser over the host's local socket; unaligned, tuples only. */
  psql(query: string, opts: { port?: number; db?: string; socket?: string } = {}): string {
    const r = this.tryPsql(query, opts);
    if (!r.ok) throw new Error(`${this.name}: psql failed: ${r.out}`);
    return r.out;
  }

  tryPsql(
    query: string,
    opts: { port?: number; db?: string; socket?: string } = {},
  ): { ok: boolean; out: string } {
    const r = this.exec(
      "/usr/lib/postgresql/15/bin/psql",
      [
        "-X",
        "-At",
        "-v",
        "ON_ERROR_STOP=1",
        "-v",
        "VERBOSITY=sqlstate",
        "-h",
        opts.socket ?? "/var/run/postgresql",
        "-p",
        String(opts.port ?? 5432),
        "-d",
        opts.db ?? "postgres",
        "-c",
        query,
      ],
      { user: "postgres" },
    );
    return r.status === 0
      ? { ok: true, out: r.stdout.trim() }
      : { ok: false, out: `${r.stdout}${r.stderr}`.trim() };
  }

  /** Copies a directory from this machine into the host (dest is a host path in PRIVATE_DIRS). */
  copyIn(src: string, dest: string, owner?: { uid: number; gid: number }): void {
    const target = this.path(dest);
    rmSync(target, { recursive: true, force: true });
    cpSync(src, target, { recursive: true });
    if (owner) {
      const r = spawnSync("chown", ["-R", `${owner.uid}:${owner.gid}`, target]);
      if (r.status !== 0) throw new Error(`harness: chown ${target} failed`);
    } else chownSync(target, 0, 0);
  }

  /** Writes a file inside the host (any path: /etc is an overlay of the host's own). */
  writeFile(path: string, content: string | Buffer, opts: { mode?: string; owner?: string } = {}): void {
    const script = 'mkdir -p "$(dirname "$1")" && cat > "$1" && chmod "$2" "$1" && chown "$3" "$1"';
    const args = ["-c", script, "write", path, opts.mode ?? "0644", opts.owner ?? "root"];
    const r = spawnSync("nsenter", this.argv("bash", args, {}), { input: content, env: this.env({}) });
    if (r.status !== 0) throw new Error(`harness: cannot write ${path} on ${this.name}: ${r.stderr}`);
  }

  /** Kills every process of the host and its holder (the mounts go with the mount namespace). */
  async stop(): Promise<void> {
    if (this.holder.exitCode !== null || this.holder.signalCode !== null) return;
    const gone = new Promise((r) => this.holder.once("exit", r));
    // Unref'd at start so that it never keeps a test process alive; waited for here, it must hold the
    // event loop, or a script whose last await is this one exits with 13 (unsettled top-level await).
    this.holder.ref();
    this.holder.kill("SIGKILL");
    await gone;
  }
}
