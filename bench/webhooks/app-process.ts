import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { childEnv } from "../../test/helpers/env";

/**
 * What the webhook and latency benches share: a fresh Postgres database, free ports, and the app
 * (or any other entry) run as its own Node process on this process's Node, so a load generator or
 * the simulators never share its event loop.
 */

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const children = new Set<ChildProcess>();
const onFailure: (() => Promise<void>)[] = [];
let failing = false;

/**
 * A bench that throws or is interrupted must not leave its app running against a database nobody
 * drops: children are killed on any exit, and the bench database is dropped on failure.
 */
export function cleanUpOnFailure(): void {
  const killChildren = () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    }
  };
  const fail = async (error: unknown, code: number) => {
    if (failing) return;
    failing = true;
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    killChildren();
    for (const cleanup of onFailure.reverse()) await cleanup().catch(() => undefined);
    process.exit(code);
  };
  process.on("exit", killChildren);
  process.on("uncaughtException", (error) => void fail(error, 1));
  process.on("unhandledRejection", (error) => void fail(error, 1));
  process.on("SIGINT", () => void fail(new Error("interrupted"), 130));
  process.on("SIGTERM", () => void fail(new Error("terminated"), 143));
}

/** server.ts imports build/index.js: a bench run on a fresh checkout builds it first. */
export function ensureRemixBuild(): void {
  if (existsSync(`${ROOT}build/index.js`)) return;
  process.stdout.write("build/index.js is missing: running `npx remix build`\n");
  const result = spawnSync("npx", ["remix", "build"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`remix build failed (${result.status})`);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A database of its own on the server (trust auth; `serverUrl` names one that exists). */
export async function createBenchDatabase(
  serverUrl: string,
  prefix: string,
): Promise<BenchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  };
  onFailure.push(drop);
  return { url: url.toString(), drop };
}

export interface NodeProcess {
  child: ChildProcess;
  /** The last 64 KB it printed, to show when something went wrong. */
  output(): string;
  stop(): Promise<void>;
}

/** `node --import tsx <entry> ...args` in the project root with only `env` (plus PATH/HOME). */
export function spawnNode(
  entry: string,
  args: string[],
  env: Record<string, string>,
  nodeOptions: string[] = [],
): NodeProcess {
  const child = spawn(process.execPath, [...nodeOptions, "--import", "tsx", entry, ...args], {
    cwd: ROOT,
    // Remix's types declare NODE_ENV required on ProcessEnv; the child gets it from `env`.
    env: childEnv(env) as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await once(child, "exit");
      clearTimeout(timer);
    },
  };
}

/** Waits until `url` answers 200 (the app's /healthz: migrations applied, database reachable). */
export async function waitForHealthy(
  url: string,
  proc: NodeProcess,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) {
      throw new Error(`process exited with ${proc.child.exitCode}:\n${proc.output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not healthy in time:\n${proc.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs `entry` to completion and returns the JSON lines it printed on stdout. */
export async function runNodeForJson<T>(
  entry: string,
  args: string[],
  onLine: (value: T) => void,
): Promise<void> {
  const proc = spawnNode(entry, args, {});
  let pending = "";
  proc.child.stdout!.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line.startsWith("{")) onLine(JSON.parse(line) as T);
    }
  });
  const [code] = (await once(proc.child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${entry} exited with ${code}:\n${proc.output()}`);
}
