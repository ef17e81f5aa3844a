import { readFileSync } from "node:fs";

/**
 * CPU time (user + system, seconds) the given processes have used so far, from /proc (Linux).
 * Where a step's milliseconds went: the app's own process versus its Postgres backends.
 */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone (a pool connection closed), or not Linux
    }
  }
  return ticks / 100;
}

/** Machine-wide CPU counters (/proc/stat): busy and total jiffies over every core. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const [line] = readFileSync("/proc/stat", "utf8").split("\n");
    const [, ...fields] = line!.trim().split(/\s+/);
    const values = fields.map(Number);
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return { busy: 0, total: 0 };
  }
}
