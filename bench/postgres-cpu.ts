/**
 * CPU time the PostgreSQL server spent for one bench run, read from `/proc` (Linux, the server on
 * this machine): the backends of the connections whose `application_name` the run set, so other
 * people's queries on the same server do not count. On a shared machine a rate mostly says how
 * much of the CPU a run got (pgbench's 64 backends get more of it than one store process); CPU
 * time per claim says what a claim costs.
 */
import { readFileSync } from "node:fs";
import type pg from "pg";

/** ms of CPU (user + system) of process `pid`, or undefined once it is gone. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime, in clock ticks (USER_HZ, 100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Whether this machine shows the server's processes (PostgreSQL on 127.0.0.1, Linux `/proc`). */
export async function serverCpuVisible(admin: pg.Client): Promise<boolean> {
  const { rows } = await admin.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  return rows[0] !== undefined && processCpuMs(rows[0].pid) !== undefined;
}

/**
 * Follows the backends of `applicationName`: `sample()` while they run (a backend's time is lost
 * when it exits, so pgbench's are sampled every 50 ms until it ends), `totalMs()` after.
 */
export function serverCpu(admin: pg.Client, applicationName: string) {
  const last = new Map<number, number>();
  async function sample(): Promise<void> {
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
      [applicationName],
    );
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (ms !== undefined) last.set(pid, ms);
    }
  }
  return {
    sample,
    /** Samples every 50 ms until `done` settles. */
    async follow<T>(done: Promise<T>): Promise<T> {
      let finished = false;
      const settled = done.finally(() => {
        finished = true;
      });
      while (!finished) {
        await sample();
        await Promise.race([settled.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 50))]);
      }
      return settled;
    },
    totalMs: () => [...last.values()].reduce((a, b) => a + b, 0),
  };
}

/** ms of CPU of this process's children that have ended (pgbench, once it exits). */
export function childrenCpuMs(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** ms of CPU of this process. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
