/**
 * Where each packaging layout keeps things, and how it controls the server. The only place
 * that knows Debian's, PGDG RHEL's and plain pg_ctl's conventions.
 */
export type LayoutName = "debian" | "rhel" | "pg_ctl";

export interface LayoutPaths {
  dataDirectory: string;
  configDirectory: string;
  /** "" means: the binaries are found on PATH. */
  binDirectory: string;
  socketDirectory: string;
}

export interface LayoutInfo {
  name: LayoutName;
  /** The runbooks run as root (and switch to the database user), or as the database user. */
  runAsRoot: boolean;
  /** The config lives inside the data directory, so pg_basebackup brings the upstream's. */
  configInDataDir: boolean;
  defaults(major: number, cluster: string): LayoutPaths;
}

export const LAYOUTS: Record<LayoutName, LayoutInfo> = {
  debian: {
    name: "debian",
    runAsRoot: true,
    configInDataDir: false,
    defaults: (v, c) => ({
      dataDirectory: `/var/lib/postgresql/${v}/${c}`,
      configDirectory: `/etc/postgresql/${v}/${c}`,
      binDirectory: `/usr/lib/postgresql/${v}/bin`,
      socketDirectory: "/var/run/postgresql",
    }),
  },
  rhel: {
    name: "rhel",
    runAsRoot: true,
    configInDataDir: true,
    // PGDG packages: postgresql-V-setup initdb, unit postgresql-V, sockets in /run/postgresql and /tmp.
    defaults: (v) => ({
      dataDirectory: `/var/lib/pgsql/${v}/data`,
      configDirectory: `/var/lib/pgsql/${v}/data`,
      binDirectory: `/usr/pgsql-${v}/bin`,
      socketDirectory: "/run/postgresql",
    }),
  },
  pg_ctl: {
    name: "pg_ctl",
    runAsRoot: false,
    configInDataDir: true,
    // The manual's conventional location (server-setup: "/usr/local/pgsql/data").
    defaults: () => ({
      dataDirectory: "/usr/local/pgsql/data",
      configDirectory: "/usr/local/pgsql/data",
      binDirectory: "",
      socketDirectory: "/tmp",
    }),
  },
};
