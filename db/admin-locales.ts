import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { adminLocales } from "./schema";

/** The language this staff member's admin was last seen in, if any. */
export async function adminLocaleOf(
  db: Database,
  storeId: string,
  userId: string,
): Promise<string | undefined> {
  const [row] = await db
    .select({ locale: adminLocales.locale })
    .from(adminLocales)
    .where(and(eq(adminLocales.storeId, storeId), eq(adminLocales.userId, userId)));
  return row?.locale;
}

/** One statement, and no write when the language is the one already remembered. */
export async function rememberAdminLocale(
  db: Database,
  input: { storeId: string; userId: string; locale: string },
): Promise<void> {
  await db
    .insert(adminLocales)
    .values(input)
    .onConflictDoUpdate({
      target: [adminLocales.storeId, adminLocales.userId],
      set: { locale: input.locale, updatedAt: new Date() },
      setWhere: sql`${adminLocales.locale} is distinct from excluded.locale`,
    });
}
