import { createHmac, randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataRequests, stores, webhookReceipts } from "../../db/schema";
import { BIGCOMMERCE_SECRET_HEADER, ensureWebhookSecret } from "../../db/stores";
import { handleStoreLifecycle } from "../../jobs/privacy/store-lifecycle";
import { JOBS } from "../../jobs/registry";
import { type AppServer, startAppServer } from "../helpers/app-server";
import {
  connectEbayAccount,
  type ImportWorld,
  installBigCommerceStore,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";
import { SIM_SHOPIFY_APP } from "../simulators";
import {
  buyer,
  countRows,
  decryptedPii,
  drainImports,
  piiOf,
  rawOrder,
  seedBuyerOrder,
  storeOrderIdOf,
  type TestBuyer,
} from "./privacy-fixtures";

const SHOP = "compliance.myshopify.com";
const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;
const ALL_TOPICS = ["app/uninstalled", ...COMPLIANCE_TOPICS] as const;
type Topic = (typeof ALL_TOPICS)[number];

interface Delivery {
  secret?: string;
  shop?: string;
  /** The body sent differs from the body signed. */
  tamper?: boolean;
  hex?: boolean;
  omit?: string;
  rawBody?: string;
  eventId?: string;
  /** X-Shopify-Triggered-At as sent (default: now). */
  triggeredAt?: string;
}

/** A Shopify id is a 64-bit integer: 20 digits at most. This one is not. */
const OVERLONG_ID = "9".repeat(5000);
/** Not a date, and dates JavaScript reads that lie outside ISO 8601's four-digit years. */
const UNREADABLE_TRIGGER_TIMES = [
  "garbage",
  "+275760-09-13T00:00:00.000Z",
  "-000001-01-01T00:00:00.000Z",
];

describe("Shopify compliance and uninstall webhooks, through the real route", () => {
  let world: ImportWorld;
  let app: AppServer;
  let customer: TestBuyer;
  let orderIds: string[];
  let storeOrderNumbers: number[];
  let storeId: string;

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAppServer(world);
    const store = await installShopifyStore(world, { shop: SHOP });
    storeId = store.id;
    seedCatalog(world, store, [{ sku: "MUG-HOOK", title: "Stoneware mug", price: "14.00" }]);
    const accountId = await connectEbayAccount(world, store, { username: "hook_seller" });
    customer = buyer("hooks");
    orderIds = [1, 2].map(() =>
      seedBuyerOrder(world, { seller: "hook_seller", buyer: customer, sku: "MUG-HOOK" }),
    );
    await drainImports(world, accountId);
    storeOrderNumbers = await Promise.all(
      orderIds.map(async (id) => {
        const ref = await storeOrderIdOf(world, id);
        return Number(ref.id.split("/").pop());
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  function payloadFor(topic: Topic, shop = SHOP): Record<string, unknown> {
    const shopPart = { shop_id: 4242, shop_domain: shop };
    const customerPart = { id: 777, email: customer.email, phone: customer.phone };
    switch (topic) {
      case "app/uninstalled":
        return { id: 4242, domain: shop, myshopify_domain: shop, name: "Compliance shop" };
      case "customers/redact":
        return { ...shopPart, customer: customerPart, orders_to_redact: storeOrderNumbers };
      case "customers/data_request":
        return {
          ...shopPart,
          customer: customerPart,
          orders_requested: storeOrderNumbers,
          data_request: { id: 9001 },
        };
      case "shop/redact":
        return shopPart;
    }
  }

  async function deliver(topic: Topic, delivery: Delivery = {}) {
    return (await deliverAndRead(topic, delivery)).status;
  }

  async function deliverAndRead(topic: Topic, delivery: Delivery = {}) {
    const shop = delivery.shop ?? SHOP;
    const body = delivery.rawBody ?? JSON.stringify(payloadFor(topic, shop));
    const mac = createHmac("sha256", delivery.secret ?? SIM_SHOPIFY_APP.apiSecret).update(
      body,
      "utf8",
    );
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-hmac-sha256": delivery.hex ? mac.digest("hex") : mac.digest("base64"),
      "x-shopify-shop-domain": shop,
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": delivery.eventId ?? randomUUID(),
      "x-shopify-triggered-at": delivery.triggeredAt ?? new Date().toISOString(),
      "x-shopify-api-version": "2026-07",
    };
    if (delivery.omit) delete headers[delivery.omit];
    const sent = delivery.tamper
      ? body.replace(/"shop_id":4242|"id":4242/, '"shop_id":4243')
      : body;
    if (delivery.tamper) expect(sent).not.toBe(body);
    const response = await fetch(`${app.url}/webhooks/shopify`, {
      method: "POST",
      headers,
      body: sent,
    });
    return { status: response.status, text: await response.text() };
  }

  /** Rows any webhook could write: receipts, jobs, exports, and the stores themselves. */
  async function footprint() {
    return {
      receipts: await countRows(world, sql`select count(*) as n from webhook_receipts`),
      jobs: await countRows(world, sql`select count(*) as n from pgboss.job`),
      exports: await countRows(world, sql`select count(*) as n from data_requests`),
      stores: await countRows(world, sql`select count(*) as n from stores`),
    };
  }

  /** What the worker would do: run every queued lifecycle job through the use case. */
  async function runLifecycleJobs() {
    const results: unknown[] = [];
    for (;;) {
      const jobs = await world.jobs.boss.fetch("store.lifecycle", { batchSize: 10 });
      if (jobs.length === 0) return results;
      for (const job of jobs) {
        const data = JOBS["store.lifecycle"].payload.parse(job.data);
        results.push(await handleStoreLifecycle(world.deps, data));
        await world.jobs.boss.complete("store.lifecycle", job.id);
      }
    }
  }

  const refused: [string, Delivery][] = [
    ["a tampered body", { tamper: true }],
    ["the wrong secret", { secret: "not-the-app-secret" }],
    ["no HMAC header", { omit: "x-shopify-hmac-sha256" }],
    ["no shop domain header", { omit: "x-shopify-shop-domain" }],
    ["a hex HMAC instead of base64", { hex: true }],
  ];

  it.each(
    ALL_TOPICS.flatMap((topic) => refused.map(([what, delivery]) => [topic, what, delivery])),
  )(
    "GIVEN a %s webhook with %s WHEN it is delivered THEN it is refused with 401 and writes nothing",
    async (topic, _what, delivery) => {
      const before = await footprint();
      expect(await deliver(topic as Topic, delivery as Delivery)).toBe(401);
      expect(await footprint()).toEqual(before);
    },
  );

  it.each(ALL_TOPICS)(
    "GIVEN a correctly signed %s webhook for a shop we never installed WHEN delivered THEN 200 and nothing is written",
    async (topic) => {
      const before = await footprint();
      expect(await deliver(topic, { shop: "stranger.myshopify.com" })).toBe(200);
      expect(await footprint()).toEqual(before);
    },
  );

  it.each(ALL_TOPICS)(
    "GIVEN a %s webhook whose body is not JSON but correctly signed WHEN delivered THEN 400 and nothing is written",
    async (topic) => {
      const before = await footprint();
      expect(await deliver(topic, { rawBody: '{"orders_to_redact": [1,' })).toBe(400);
      expect(await footprint()).toEqual(before);
    },
  );

  it.each([
    ["customers/redact", "orders_to_redact", { orders_to_redact: [OVERLONG_ID] }],
    [
      "customers/data_request",
      "orders_requested",
      { orders_requested: [OVERLONG_ID], data_request: { id: 9001 } },
    ],
    [
      "customers/data_request",
      "data_request.id",
      { orders_requested: [], data_request: { id: OVERLONG_ID } },
    ],
  ] as const)(
    "GIVEN a signed %s whose %s is longer than a 64-bit integer WHEN delivered THEN 400 with a message and nothing is written",
    async (topic, _field, payload) => {
      const before = await footprint();
      const rawBody = JSON.stringify({ shop_id: 4242, shop_domain: SHOP, ...payload });

      const answer = await deliverAndRead(topic, { rawBody });

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({
        message: expect.stringMatching(/20 digits/),
      });
      expect(await footprint()).toEqual(before);
    },
  );

  it.each(ALL_TOPICS.flatMap((topic) => UNREADABLE_TRIGGER_TIMES.map((time) => [topic, time])))(
    "GIVEN a correctly signed %s webhook whose X-Shopify-Triggered-At is %s WHEN delivered for a shop we never installed THEN 200 and nothing is written",
    async (topic, triggeredAt) => {
      const before = await footprint();
      const status = await deliver(topic as Topic, {
        shop: "stranger.myshopify.com",
        triggeredAt,
      });
      expect(status).toBe(200);
      expect(await footprint()).toEqual(before);
    },
  );

  it("GIVEN a signed customers/data_request WHEN delivered, redelivered and worked THEN one job ran and the export holds the customer's orders", async () => {
    const before = await footprint();
    const eventId = randomUUID();
    expect(await deliver("customers/data_request", { eventId })).toBe(200);
    expect(await deliver("customers/data_request", { eventId })).toBe(200);
    expect(await footprint()).toMatchObject({
      receipts: before.receipts + 1,
      jobs: before.jobs + 1,
    });

    expect(await runLifecycleJobs()).toEqual([
      { event: "data_request", status: "done", orderCount: 2 },
    ]);

    const [row] = await world.database.db
      .select()
      .from(dataRequests)
      .where(eq(dataRequests.requestRef, "9001"));
    expect(row?.storeId).toBe(storeId);
    expect(row?.orderCount).toBe(2);
    expect(row?.completedAt).not.toBeNull();
  });

  it("GIVEN a signed customers/redact WHEN delivered and worked THEN the customer's orders lose their PII, read raw, and no job or receipt ever held it", async () => {
    expect(await deliver("customers/redact")).toBe(200);

    expect(await runLifecycleJobs()).toEqual([
      { event: "customers_redact", status: "done", ordersRedacted: 2, exportsErased: 1 },
    ]);

    for (const id of orderIds) {
      const row = await rawOrder(world, id);
      expect([row.buyer_enc, row.ship_to_enc, row.raw_enc]).toEqual([null, null, null]);
      const plain = decryptedPii(world, row);
      for (const value of piiOf(customer)) expect(plain).not.toContain(value);
    }
    const [exported] = await world.database.db
      .select()
      .from(dataRequests)
      .where(eq(dataRequests.requestRef, "9001"));
    expect(exported?.exportEnc).toBeNull();
    const traces = JSON.stringify([
      await world.database.db.execute(sql`select * from webhook_receipts`),
      await world.database.db.execute(sql`select data, output from pgboss.job`),
    ]);
    for (const value of piiOf(customer)) expect(traces).not.toContain(value);
  });

  it("GIVEN a signed app/uninstalled WHEN delivered and worked THEN the store is uninstalled without its token", async () => {
    expect(await deliver("app/uninstalled")).toBe(200);

    expect(await runLifecycleJobs()).toMatchObject([{ event: "uninstalled", status: "done" }]);

    const [store] = await world.database.db.select().from(stores).where(eq(stores.id, storeId));
    expect(store?.uninstalledAt).not.toBeNull();
    expect(store?.accessTokenEnc).toBeNull();
  });

  it.each(UNREADABLE_TRIGGER_TIMES)(
    "GIVEN a signed app/uninstalled whose X-Shopify-Triggered-At is %s WHEN delivered and worked THEN 200, neither the receipt nor the job holds a trigger time, and the uninstall is done",
    async (triggeredAt) => {
      const eventId = randomUUID();

      expect(await deliver("app/uninstalled", { eventId, triggeredAt })).toBe(200);

      const receipts = await world.database.db
        .select({ triggeredAt: webhookReceipts.triggeredAt })
        .from(webhookReceipts)
        .where(eq(webhookReceipts.deliveryId, `app/uninstalled:${eventId}`));
      expect(receipts).toEqual([{ triggeredAt: null }]);
      const [job] = await world.jobs.boss.fetch("store.lifecycle", { batchSize: 10 });
      expect(job?.data).toEqual({ storeId, event: "uninstalled" });
      const data = JOBS["store.lifecycle"].payload.parse(job!.data);
      expect(await handleStoreLifecycle(world.deps, data)).toMatchObject({
        event: "uninstalled",
        status: "done",
      });
      await world.jobs.boss.complete("store.lifecycle", job!.id);
      expect(await runLifecycleJobs()).toEqual([]);
    },
  );

  it("GIVEN a signed shop/redact WHEN delivered and worked THEN the store and everything of it is gone, and later webhooks for it write nothing", async () => {
    expect(await deliver("shop/redact")).toBe(200);

    expect(await runLifecycleJobs()).toMatchObject([{ event: "shop_redact", status: "done" }]);

    expect(await world.database.db.select().from(stores).where(eq(stores.id, storeId))).toEqual([]);
    for (const table of [
      "marketplace_orders",
      "order_links",
      "webhook_receipts",
      "data_requests",
    ]) {
      expect(
        await countRows(
          world,
          sql`select count(*) as n from ${sql.identifier(table)} where store_id = ${storeId}`,
        ),
      ).toBe(0);
    }
    const before = await footprint();
    expect(await deliver("customers/redact")).toBe(200);
    expect(await footprint()).toEqual(before);
  });
});

describe("BigCommerce store/app/uninstalled, through the real route", () => {
  let world: ImportWorld;
  let app: AppServer;
  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAppServer(world);
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  async function deliver(
    hash: string,
    secret: string | undefined,
    createdAt: unknown = Math.floor(Date.now() / 1000),
  ) {
    const response = await fetch(`${app.url}/webhooks/bigcommerce`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret === undefined ? {} : { [BIGCOMMERCE_SECRET_HEADER]: secret }),
      },
      body: JSON.stringify({
        scope: "store/app/uninstalled",
        store_id: "1001",
        hash: randomUUID(),
        producer: `stores/${hash}`,
        created_at: createdAt,
        data: {},
      }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  async function footprint() {
    return {
      receipts: await countRows(world, sql`select count(*) as n from webhook_receipts`),
      jobs: await countRows(world, sql`select count(*) as n from pgboss.job`),
    };
  }

  it.each([1e20, -1e18, 4_102_444_801])(
    "GIVEN an installed BigCommerce store WHEN the uninstall hook comes with its secret but created_at %s THEN 400, nothing is written and the store stays installed",
    async (createdAt) => {
      const hash = `bcdated${String(createdAt).replace(/\W/g, "")}`;
      const store = await installBigCommerceStore(world, { hash });
      const secret = await ensureWebhookSecret(world.deps, store);
      const before = await footprint();

      expect(await deliver(hash, secret, createdAt)).toBe(400);

      expect(await footprint()).toEqual(before);
      const [row] = await world.database.db.select().from(stores).where(eq(stores.id, store.id));
      expect(row?.uninstalledAt).toBeNull();
    },
  );

  it("GIVEN an installed BigCommerce store WHEN the uninstall hook comes with a wrong or no secret THEN 401 and nothing is written; with its secret THEN 200 and the store ends uninstalled", async () => {
    const store = await installBigCommerceStore(world, { hash: "bcuninst1" });
    const secret = await ensureWebhookSecret(world.deps, store);
    const before = await footprint();

    expect(await deliver("bcuninst1", `${secret}x`)).toBe(401);
    expect(await deliver("bcuninst1", "")).toBe(401);
    expect(await deliver("bcuninst1", undefined)).toBe(401);
    expect(await footprint()).toEqual(before);

    expect(await deliver("bcuninst1", secret)).toBe(200);
    const jobs = await world.jobs.boss.fetch("store.lifecycle", { batchSize: 10 });
    expect(jobs).toHaveLength(1);
    const data = JOBS["store.lifecycle"].payload.parse(jobs[0]!.data);
    expect(data).toEqual({
      storeId: store.id,
      event: "uninstalled",
      triggeredAt: expect.any(String),
    });
    await handleStoreLifecycle(world.deps, data);
    await world.jobs.boss.complete("store.lifecycle", jobs[0]!.id);

    const [row] = await world.database.db.select().from(stores).where(eq(stores.id, store.id));
    expect(row?.uninstalledAt).not.toBeNull();
    expect(row?.accessTokenEnc).toBeNull();
    expect(row?.webhookSecretEnc).toBeNull();
    // The secret went with the grant: even the right one no longer opens the door.
    const after = await footprint();
    expect(await deliver("bcuninst1", secret)).toBe(200);
    expect(await footprint()).toEqual(after);
  });
});
