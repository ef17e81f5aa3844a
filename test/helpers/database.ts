import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../db/client";
import { generateKeySpec, parseKeyRing } from "../../db/encryption";
import { migrate } from "../../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseMode: "pglite" | "postgres";
    testDatabaseUrl: string;
  }
}

export interface TestDatabase extends DatabaseHandle {
  /** Postgres URL of this file's own database; undefined on PGlite (in memory, in process). */
  url: string | undefined;
  drop(): Promise<void>;
}

export const databaseMode = () => inject("databaseMode");

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new database created on
 * the TEST_DATABASE_URL server (dropped afterwards). Nothing is shared between files.
 */
export async function createTestDatabase(
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (inject("databaseMode") === "pglite") {
    const handle = await openDatabase({});
    if (migrated) await migrate(handle.db);
    return { ...handle, url: undefined, drop: () => handle.close() };
  }
  const { url, dropDatabase } = await createPostgresDatabase();
  const handle = await openDatabase({ url, maxConnections: 5 });
  if (migrated) await migrate(handle.db);
  return {
    ...handle,
    url,
    drop: async () => {
      await handle.close();
      await dropDatabase();
    },
  };
}

/** Creates an empty database on the test server and returns its URL. */
export async function createPostgresDatabase(): Promise<{
  url: string;
  dropDatabase: () => Promise<void>;
}> {
  const serverUrl = inject("testDatabaseUrl");
  if (!serverUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `marketsync_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dropDatabase: async () => {
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

export function testKeyRing() {
  return parseKeyRing(generateKeySpec("test"));
}
