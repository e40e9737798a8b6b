import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PG15_BIN, runAsPostgres } from "./pg.js";

export interface PlanStep {
  node: string;
  host: string;
  run: string;
  args: string[];
}

export function readPlan(outDir: string): PlanStep[] {
  return (JSON.parse(readFileSync(join(outDir, "plan.json"), "utf8")) as { steps: PlanStep[] }).steps;
}

export interface StepResult {
  step: PlanStep;
  status: number | null;
  output: string;
}

/**
 * Runs one step of plan.json exactly as written (`<run> <args…>`, from the output directory), with
 * `--yes` because no terminal answers the confirmation, as `asUser` (runbooks of the pg_ctl layout
 * run as the database user, the others as root).
 */
export function runStep(
  outDir: string,
  step: PlanStep,
  env: Record<string, string>,
  asUser?: string,
): StepResult {
  const cmd = [join(outDir, step.run), ...step.args, "--yes"];
  const r = asUser
    ? spawnSync("runuser", ["-u", asUser, "--", ...cmd], {
        cwd: outDir,
        env: { ...process.env, ...env },
        encoding: "utf8",
      })
    : spawnSync(cmd[0] as string, cmd.slice(1), {
        cwd: outDir,
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
  return { step, status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Runs every step in order; throws with the step's output when one fails. */
export function runPlan(outDir: string, env: Record<string, string>, asUser?: string): StepResult[] {
  const results: StepResult[] = [];
  for (const step of readPlan(outDir)) {
    const r = runStep(outDir, step, env, asUser);
    results.push(r);
    if (r.status !== 0) {
      throw new Error(`step ${step.run} ${step.args.join(" ")} failed (exit ${r.status}):\n${r.output}`);
    }
  }
  return results;
}

/** Starts a step in the background, in its own process group (so it can be killed whole). */
export function startStep(outDir: string, step: PlanStep, env: Record<string, string>, asUser: string) {
  const child = spawn("runuser", ["-u", asUser, "--", join(outDir, step.run), ...step.args, "--yes"], {
    cwd: outDir,
    env: { ...process.env, ...env },
    detached: true,
    stdio: "ignore",
  });
  return child;
}

/** SQL on a node through its socket as the postgres superuser; unaligned, tuples only. */
export function sql(socketDir: string, port: number, query: string, db = "postgres"): string {
  const r = runAsPostgres(join(PG15_BIN, "psql"), [
    "-X",
    "-At",
    "-h",
    socketDir,
    "-p",
    String(port),
    "-d",
    db,
    "-c",
    query,
  ]);
  if (r.status !== 0) throw new Error(`psql on port ${port} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Like sql(), but returns the error instead of throwing. */
export function trySql(socketDir: string, port: number, query: string): { ok: boolean; out: string } {
  const r = runAsPostgres(join(PG15_BIN, "psql"), [
    "-X",
    "-At",
    "-v",
    "ON_ERROR_STOP=1",
    "-v",
    "VERBOSITY=verbose",
    "-h",
    socketDir,
    "-p",
    String(port),
    "-d",
    "postgres",
    "-c",
    query,
  ]);
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

export async function waitFor(what: string, check: () => boolean, seconds = 30): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}
