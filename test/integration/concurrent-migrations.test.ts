import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase, rowsOf } from "../../db/client";
import { migrate } from "../../db/migrate";
import { createPostgresDatabase, databaseMode } from "../helpers/database";

// PGlite is embedded in one process, so only Postgres can have several processes race.
describe.skipIf(databaseMode() !== "postgres")("migrations under concurrency (Postgres)", () => {
  it("GIVEN an empty Postgres WHEN four connections migrate at the same moment THEN each migration runs once and all succeed", async () => {
    const { url, dropDatabase } = await createPostgresDatabase();
    const handles = await Promise.all(
      Array.from({ length: 4 }, () => openDatabase({ url, maxConnections: 1 })),
    );
    try {
      const results = await Promise.all(handles.map((h) => migrate(h.db)));
      const total = results[0]!.total;
      expect(results.reduce((sum, r) => sum + r.applied, 0)).toBe(total);
      const journal = rowsOf<{ n: string | number }>(
        await handles[0]!.db.execute(sql`select count(*) as n from drizzle.__drizzle_migrations`),
      );
      expect(Number(journal[0]!.n)).toBe(total);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await dropDatabase();
    }
  });
});
