import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { PROJECT_ROOT } from "./app-process";
import { childEnv } from "./env";

/** One structured (pino) line a worker printed, with the time the test received it. */
export interface WorkerLogLine {
  msg?: string;
  level?: number;
  time?: number;
  [key: string]: unknown;
}

/**
 * A `npm run worker` process (`jobs/worker-cli.ts` on the test's Node, through tsx), joined to an
 * import world with `world.childEnv()`. Its stdout is kept line by line and parsed, so a test can
 * tell which process did what.
 */
export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Its JSON log lines so far. */
  logs(): WorkerLogLine[];
  /** Resolves with the first log line (past or future) the predicate accepts. */
  waitForLog(
    predicate: (line: WorkerLogLine) => boolean,
    timeoutMs?: number,
  ): Promise<WorkerLogLine>;
  /** SIGKILL: no handler, no graceful stop, no cleanup — a crash. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM: the worker's own graceful shutdown. Resolves once it exited. */
  stop(): Promise<void>;
}

export const WORKER_READY = "marketsync worker running";

export async function startWorkerProcess(
  env: Record<string, string>,
  options: { name?: string; timeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const name = options.name ?? "worker";
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(process.execPath, ["--import", "tsx", "jobs/worker-cli.ts"], {
    cwd: PROJECT_ROOT,
    env: childEnv({ LOG_LEVEL: "info", ...env }) as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let partial = "";
  const lines: WorkerLogLine[] = [];
  const waiters = new Set<{
    test: (l: WorkerLogLine) => boolean;
    resolve: (l: WorkerLogLine) => void;
  }>();
  const onLine = (text: string) => {
    if (!text.startsWith("{")) return;
    let line: WorkerLogLine;
    try {
      line = JSON.parse(text) as WorkerLogLine;
    } catch {
      return;
    }
    lines.push(line);
    for (const waiter of waiters) {
      if (waiter.test(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  };
  child.stdout!.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    partial += text;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const part of parts) onLine(part.trim());
  });
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit");

  const waitForLog = (predicate: (line: WorkerLogLine) => boolean, ms = timeoutMs) => {
    const seen = lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<WorkerLogLine>((resolve, reject) => {
      const waiter = {
        test: predicate,
        resolve: (l: WorkerLogLine) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`${name}: expected log line not seen in ${ms} ms:\n${output}`));
      }, ms);
      waiters.add(waiter);
      void exited.then(() => {
        if (!waiters.has(waiter)) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${output}`));
      });
    });
  };

  const gone = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await exited;
  };

  const worker: WorkerProcess = {
    name,
    child,
    pid: child.pid!,
    output: () => output,
    logs: () => [...lines],
    waitForLog,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await gone();
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await gone();
    },
  };
  try {
    await waitForLog((l) => l.msg === WORKER_READY, timeoutMs);
  } catch (error) {
    await worker.kill();
    throw error;
  }
  return worker;
}
