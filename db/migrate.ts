import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { type Database, rowsOf } from "./client";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

/** Arbitrary but fixed: every Marketsync process contends for this one advisory lock. */
const MIGRATION_LOCK_KEY = 7_351_942_001;

export interface MigrationResult {
  applied: number;
  total: number;
}

/**
 * Applies drizzle-kit's committed migrations, forward only, in one transaction under an advisory
 * transaction lock. drizzle's own migrator creates its bookkeeping schema outside any lock, so two
 * processes starting together on an empty database race on `CREATE SCHEMA`; here the second one
 * waits for the lock, then finds everything applied. Same bookkeeping table as drizzle-kit, so
 * `drizzle-kit migrate` and this agree on what ran.
 */
export async function migrate(
  db: Database,
  migrationsFolder: string = MIGRATIONS_FOLDER,
): Promise<MigrationResult> {
  const migrations = readMigrationFiles({ migrationsFolder });
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`
      create table if not exists drizzle.__drizzle_migrations (
        id serial primary key,
        hash text not null,
        created_at bigint
      )`);
    const last = rowsOf<{ created_at: string | number | null }>(
      await tx.execute(
        sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
      ),
    )[0];
    const lastMillis = last?.created_at == null ? -1 : Number(last.created_at);
    let applied = 0;
    for (const migration of migrations) {
      if (migration.folderMillis <= lastMillis) continue;
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      );
      applied += 1;
    }
    return { applied, total: migrations.length };
  });
}
