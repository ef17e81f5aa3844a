import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, rowsOf } from "../../db/client";
import { generateKeySpec } from "../../db/encryption";
import { type AppProcess, runServerToExit, startApp } from "../helpers/app-process";
import { createPostgresDatabase, databaseMode } from "../helpers/database";

const REAL_ENV = {
  NODE_ENV: "production",
  MARKETSYNC_ENCRYPTION_KEY: generateKeySpec("k1"),
  SHOPIFY_API_KEY: "test-api-key",
  SHOPIFY_API_SECRET: "test-api-secret",
  SHOPIFY_APP_URL: "https://marketsync.test",
  HOST: "127.0.0.1",
};

describe("booting the app", () => {
  const apps: AppProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("GIVEN a real (non-demo) start without MARKETSYNC_ENCRYPTION_KEY WHEN booting THEN it exits non-zero naming the variable", async () => {
    const env: Record<string, string> = { ...REAL_ENV };
    delete env.MARKETSYNC_ENCRYPTION_KEY;
    const { code, output } = await runServerToExit(env);
    expect(code).not.toBe(0);
    expect(output).toContain("MARKETSYNC_ENCRYPTION_KEY: required");
  });

  it("GIVEN --demo with NODE_ENV=production WHEN booting THEN it refuses to start", async () => {
    const { code, output } = await runServerToExit({ NODE_ENV: "production" }, ["--demo"]);
    expect(code).not.toBe(0);
    expect(output).toContain("demo mode refuses to start with NODE_ENV=production");
  });

  it.skipIf(databaseMode() !== "pglite")(
    "GIVEN no DATABASE_URL WHEN the app starts twice on one data directory THEN it persists to PGlite and migrates once",
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "marketsync-boot-"));
      dirs.push(dataDir);
      const env = { ...REAL_ENV, MARKETSYNC_DATA_DIR: dataDir };
      const first = await startApp(env);
      apps.push(first);
      const health = await fetch(`${first.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", database: "pglite" });
      const [, applied, total] = /"applied":(\d+),"total":(\d+)/.exec(first.output())!;
      expect(Number(applied)).toBe(Number(total));
      await first.stop();

      const second = await startApp(env);
      apps.push(second);
      expect(second.output()).toMatch(/"applied":0,"total":\d+/);
      expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
      await second.stop();
    },
  );

  it.skipIf(databaseMode() !== "postgres")(
    "GIVEN one empty Postgres WHEN two app processes start at the same moment THEN migrations apply once and both serve",
    async () => {
      const { url, dropDatabase } = await createPostgresDatabase();
      try {
        const env = { ...REAL_ENV, DATABASE_URL: url };
        const started = await Promise.all([startApp(env), startApp(env)]);
        apps.push(...started);
        for (const app of started) {
          const health = await fetch(`${app.url}/healthz`);
          expect(health.status).toBe(200);
          expect(await health.json()).toEqual({ status: "ok", database: "postgres" });
        }
        const counts = started.map((a) => /"applied":(\d+),"total":(\d+)/.exec(a.output())!);
        const total = Number(counts[0]![2]);
        expect(counts.map((c) => Number(c[1])).sort()).toEqual([0, total]);

        const check = await openDatabase({ url, maxConnections: 1 });
        const journal = rowsOf<{ n: string | number }>(
          await check.db.execute(sql`select count(*) as n from drizzle.__drizzle_migrations`),
        );
        await check.close();
        expect(Number(journal[0]!.n)).toBe(total);
      } finally {
        await Promise.all(apps.map((a) => a.stop()));
        await dropDatabase();
      }
    },
  );
});
