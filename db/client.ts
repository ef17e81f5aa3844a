import { mkdirSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

/** The app's database, whichever driver is behind it: every query goes through this type. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  /** `pglite` when embedded, `postgres` when DATABASE_URL points at a server. */
  kind: "pglite" | "postgres";
  /** The underlying client, for libraries that bring their own adapter (pg-boss). */
  client: PGlite | postgres.Sql;
  /** The Postgres URL when `kind` is `postgres` (pg-boss opens its own pool on it). */
  url: string | undefined;
  /** LISTEN on a channel (postgres.js keeps a dedicated connection for it); returns the UNLISTEN. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Postgres URL; when absent the embedded PGlite database is used. */
  url?: string | undefined;
  /** Directory PGlite persists to; absent means in memory (tests). */
  dataDir?: string | undefined;
  /** Pool size for postgres.js. */
  maxConnections?: number;
  onNotice?: (message: string) => void;
}

/**
 * Opens the database. PGlite is imported only when it is used: loading its WebAssembly costs
 * about 190 MB of memory, which a process on Postgres should not carry.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      // postgres.js prints notices with console.log by default; they belong in our logs.
      onnotice: (notice) => options.onNotice?.(notice.message ?? String(notice)),
      connection: { application_name: "marketsync" },
    });
    return {
      db: drizzlePostgres(client, { schema }) as unknown as Database,
      kind: "postgres",
      client,
      url: options.url,
      listen: async (channel, onPayload) => {
        const { unlisten } = await client.listen(channel, onPayload);
        return unlisten;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
  ]);
  const client = new PGlite(options.dataDir);
  return {
    db: drizzlePglite(client, { schema }) as unknown as Database,
    kind: "pglite",
    client,
    url: undefined,
    listen: async (channel, onPayload) => client.listen(channel, onPayload),
    close: () => client.close(),
  };
}

/** Rows of a raw `db.execute`, which postgres.js returns as an array and PGlite as `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
