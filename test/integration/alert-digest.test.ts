import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sendAlertDigests } from "../../jobs/alerts/send-digest";
import { alertSettings, type AlertEvent } from "../../db/schema/alerts";
import { marketplaceAccounts, marketplaceOrders, stores } from "../../db/schema";
import { upsertInstalledStore } from "../../db/stores";
import { createTestDatabase, type TestDatabase, testKeyRing } from "../helpers/database";
import { type SmtpSink, startSmtpSink } from "../helpers/smtp-sink";
import { startWorker } from "../../jobs/worker";
import { installShopifyStore, startImportWorld } from "../helpers/import-world";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const FROM = "Marketsync <alerts@marketsync.test>";

describe("alert e-mail digest", () => {
  let database: TestDatabase;
  let smtp: SmtpSink;
  const keyring = testKeyRing();
  let storeCount = 0;
  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await smtp.close();
    await database.drop();
  });
  afterEach(async () => {
    // Each test starts with no store asking for a digest.
    await database.db.update(alertSettings).set({ digestEnabled: false });
    smtp.received.length = 0;
  });

  async function seedStore(input: {
    name: string;
    held?: number;
    failedPushes?: number;
    needsReconnect?: boolean;
    digest?: { enabled: boolean; events: AlertEvent[]; locale: "en" | "fr"; email: string };
  }) {
    const db = database.db;
    const store = await upsertInstalledStore(
      { db, keyring },
      {
        platform: "shopify",
        externalId: `digest-${(storeCount += 1)}.myshopify.com`,
        accessToken: "t",
        scopes: "",
      },
    );
    await db.update(stores).set({ name: input.name }).where(eq(stores.id, store.id));
    const [account] = await db
      .insert(marketplaceAccounts)
      .values({
        storeId: store.id,
        platform: "amazon",
        sellerId: `seller-${store.id}`,
        displayName: "Amazon",
        region: "eu",
        marketplaceIds: ["A13V1IB3VIYZZH"],
        status: input.needsReconnect ? "needs_reconnect" : "active",
      })
      .returning();
    const rows = [
      ...Array.from({ length: input.held ?? 0 }, () => ({ state: "held" as const })),
      ...Array.from({ length: input.failedPushes ?? 0 }, () => ({
        state: "imported" as const,
        trackingState: "failed" as const,
      })),
    ];
    if (rows.length > 0) {
      await db.insert(marketplaceOrders).values(
        rows.map((row, i) => ({
          ...row,
          accountId: account!.id,
          storeId: store.id,
          marketplace: "amazon" as const,
          marketplaceOrderId: `${store.id}-${i}`,
          marketplaceStatus: "Unshipped",
          currency: "EUR",
          marketplaceCreatedAt: new Date(),
          marketplaceUpdatedAt: new Date(),
        })),
      );
    }
    if (input.digest) {
      await db.insert(alertSettings).values({
        storeId: store.id,
        digestEnabled: input.digest.enabled,
        email: input.digest.email,
        events: input.digest.events,
        locale: input.digest.locale,
      });
    }
    return store;
  }

  const run = (now = new Date()) =>
    sendAlertDigests({
      db: database.db,
      logger: quiet,
      mail: { smtpUrl: smtp.url, from: FROM },
      now: () => now,
    });

  it("GIVEN stores with the digest on in English and French WHEN the digest runs THEN each receives only its chosen events, in its language", async () => {
    await seedStore({
      name: "Boutique Anglaise",
      held: 2,
      failedPushes: 1,
      needsReconnect: true,
      digest: {
        enabled: true,
        events: ["held_orders", "needs_reconnect"],
        locale: "en",
        email: "owner-en@example.com",
      },
    });
    await seedStore({
      name: "Épicerie Fine",
      held: 3,
      failedPushes: 1234,
      digest: {
        enabled: true,
        events: ["failed_pushes"],
        locale: "fr",
        email: "owner-fr@example.com",
      },
    });

    const result = await run();

    expect(result).toEqual({ sent: 2, quiet: 0, failed: 0 });
    const en = smtp.received.find((m) => m.to.includes("owner-en@example.com"))!;
    expect(en.from).toBe("alerts@marketsync.test");
    expect(en.subject).toBe("Marketsync: Boutique Anglaise needs your attention");
    expect(en.text).toContain("Orders held until you fix them: 2");
    expect(en.text).toContain("Marketplace accounts to reconnect: 1");
    expect(en.text).not.toContain("tracking");

    const fr = smtp.received.find((m) => m.to.includes("owner-fr@example.com"))!;
    expect(fr.subject).toBe("Marketsync : Épicerie Fine demande votre attention");
    expect(fr.text).toContain(
      "Commandes dont le suivi n’a pas pu être envoyé à la place de marché : 1\u202f234",
    );
    expect(fr.text).not.toContain("bloquées");
    expect(smtp.received).toHaveLength(2);
  });

  it("GIVEN a store whose digest is off and one whose chosen events have nothing to report WHEN the digest runs THEN no e-mail is sent", async () => {
    await seedStore({
      name: "Off",
      held: 5,
      digest: { enabled: false, events: ["held_orders"], locale: "en", email: "off@example.com" },
    });
    await seedStore({
      name: "Calm",
      // Failed pushes exist, but the merchant only asked about held orders and reconnections.
      failedPushes: 2,
      digest: {
        enabled: true,
        events: ["held_orders", "needs_reconnect"],
        locale: "en",
        email: "calm@example.com",
      },
    });

    const result = await run();

    expect(result).toEqual({ sent: 0, quiet: 1, failed: 0 });
    expect(smtp.received).toEqual([]);
  });

  it("GIVEN a digest sent this morning WHEN the job runs again the same day (a retry) THEN the merchant gets no second e-mail, and the next day does", async () => {
    await seedStore({
      name: "Twice",
      held: 1,
      digest: { enabled: true, events: ["held_orders"], locale: "en", email: "twice@example.com" },
    });
    const morning = new Date("2026-12-01T07:00:00Z");
    expect((await run(morning)).sent).toBe(1);
    expect((await run(new Date("2026-12-01T09:00:00Z"))).sent).toBe(0);
    expect((await run(new Date("2026-12-02T07:00:00Z"))).sent).toBe(1);
    expect(smtp.received).toHaveLength(2);
  });

  it("GIVEN no SMTP server configured WHEN the digest runs THEN nothing is sent and nothing fails", async () => {
    await seedStore({
      name: "No SMTP",
      held: 1,
      digest: { enabled: true, events: ["held_orders"], locale: "en", email: "nosmtp@example.com" },
    });
    const result = await sendAlertDigests({ db: database.db, logger: quiet, mail: undefined });
    expect(result).toEqual({ sent: 0, quiet: 0, failed: 0 });
    expect(smtp.received).toEqual([]);
  });

  it("GIVEN the SMTP server is unreachable WHEN the digest runs THEN the job fails (to be retried) and the digest is not marked sent", async () => {
    const store = await seedStore({
      name: "Unreachable",
      held: 1,
      digest: { enabled: true, events: ["held_orders"], locale: "en", email: "down@example.com" },
    });
    const down = await startSmtpSink();
    await down.close();
    await expect(
      sendAlertDigests({
        db: database.db,
        logger: quiet,
        mail: { smtpUrl: down.url, from: FROM },
      }),
    ).rejects.toThrow(/could not be sent/);
    const [row] = await database.db
      .select()
      .from(alertSettings)
      .where(eq(alertSettings.storeId, store.id));
    expect(row!.lastDigestAt).toBeNull();
  });
});

describe("alert digest job", () => {
  it("GIVEN a worker with SMTP configured WHEN the daily alerts.digest job is queued THEN the worker mails the store's digest", async () => {
    const world = await startImportWorld();
    const smtp = await startSmtpSink();
    const worker = await startWorker(
      {
        ...world.deps,
        config: { alertsMail: { smtpUrl: smtp.url, from: FROM } },
      },
      { pollingIntervalSeconds: 0.5 },
    );
    try {
      const store = await installShopifyStore(world, { shop: "digest-job.myshopify.com" });
      await world.database.db.insert(alertSettings).values({
        storeId: store.id,
        digestEnabled: true,
        email: "job@example.com",
        events: ["needs_reconnect"],
        locale: "en",
      });
      await world.database.db.insert(marketplaceAccounts).values({
        storeId: store.id,
        platform: "ebay",
        sellerId: "job-seller",
        displayName: "eBay",
        region: "EBAY_US",
        status: "needs_reconnect",
      });

      await world.jobs.send(world.database.db, "alerts.digest", {});

      const deadline = Date.now() + 20_000;
      while (smtp.received.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(smtp.received).toEqual([
        expect.objectContaining({
          to: ["job@example.com"],
          subject: "Marketsync: digest-job.myshopify.com needs your attention",
        }),
      ]);
    } finally {
      await worker.stop();
      await smtp.close();
      await world.close();
    }
  });
});
