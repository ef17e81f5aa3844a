import { and, desc, eq, gt, lte, or, sql } from "drizzle-orm";
import type { Database } from "./client";
import type { KeyRing } from "./encryption";
import { pendingConnections } from "./schema";

const CONTEXT = "pending_connections.callback";

export interface PendingConnection {
  platform: "ebay" | "amazon";
  /** The marketplace callback's query string, `?` included. */
  search: string;
}

/** Keeps a marketplace's consent answer for its store until the store's next admin load. */
export async function holdPendingConnection(
  db: Database,
  keyring: KeyRing,
  input: { storeId: string; platform: "ebay" | "amazon"; search: string; expiresAt: Date },
): Promise<void> {
  await db.insert(pendingConnections).values({
    storeId: input.storeId,
    platform: input.platform,
    callbackEnc: keyring.encrypt(input.search, CONTEXT),
    expiresAt: input.expiresAt,
  });
}

/**
 * Takes the store's newest unexpired pending connection and drops its expired ones, in the one
 * statement every app load runs: each answer is handed out once, even to two loads at the same time.
 */
export async function takePendingConnection(
  db: Database,
  keyring: KeyRing,
  storeId: string,
  now = new Date(),
): Promise<PendingConnection | undefined> {
  const newest = db
    .select({ id: pendingConnections.id })
    .from(pendingConnections)
    .where(and(eq(pendingConnections.storeId, storeId), gt(pendingConnections.expiresAt, now)))
    .orderBy(desc(pendingConnections.createdAt))
    .limit(1);
  const taken = await db
    .delete(pendingConnections)
    .where(
      and(
        eq(pendingConnections.storeId, storeId),
        or(lte(pendingConnections.expiresAt, now), sql`${pendingConnections.id} = (${newest})`),
      ),
    )
    .returning({
      platform: pendingConnections.platform,
      callbackEnc: pendingConnections.callbackEnc,
      expiresAt: pendingConnections.expiresAt,
    });
  const row = taken.find((r) => r.expiresAt > now);
  if (!row) return undefined;
  return { platform: row.platform, search: keyring.decrypt(row.callbackEnc, CONTEXT) };
}

/** Drops every store's expired answers (a store may never open the app again); daily, with the PII purge. */
export async function dropExpiredPendingConnections(
  db: Database,
  now = new Date(),
): Promise<number> {
  const dropped = await db
    .delete(pendingConnections)
    .where(lte(pendingConnections.expiresAt, now))
    .returning({ id: pendingConnections.id });
  return dropped.length;
}
