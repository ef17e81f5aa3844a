import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client";
import { EBAY_USER_INDEX } from "../../db/orders";
import { webhookReceipts } from "../../db/schema";
import { pollAccount } from "../../jobs/import/poll-account";
import {
  deleteEbayUserData,
  EBAY_ACCOUNT_DELETED_EVENT,
  type EbayAccountDeletionResult,
} from "../../jobs/privacy/ebay-account-deletion";
import { JOBS } from "../../jobs/registry";
import {
  type AppServer,
  startAppServer,
  TEST_EBAY_VERIFICATION_TOKEN,
} from "../helpers/app-server";
import {
  connectEbayAccount,
  type ImportWorld,
  installShopifyStore,
  startImportWorld,
} from "../helpers/import-world";
import type { SignedNotification } from "../simulators/ebay";
import {
  buyer,
  countRows,
  decryptedPii,
  piiOf,
  rawOrder,
  seedBuyerOrder,
  type TestBuyer,
} from "./privacy-fixtures";

/**
 * eBay Marketplace Account Deletion end to end: the eBay simulator validates the endpoint and sends
 * signed notifications to the real Remix app over HTTP; the route verifies the signature with the
 * key it fetches from the simulator's Notification API, records the receipt and enqueues the job;
 * the job erases the user's data. Rows are read back with SQL.
 */

let world: ImportWorld;
let app: AppServer;
let endpoint: string;
let sequence = 0;
const tag = () => `del${Date.now().toString(36)}${++sequence}`;

beforeAll(async () => {
  world = await startImportWorld();
  app = await startAppServer(world);
  endpoint = `${app.url}/webhooks/ebay/account-deletion`;
});
afterAll(async () => {
  await app?.close();
  await world?.close();
});

const ebay = () => world.simulators.ebay;

async function receiptsFor(notificationId: string) {
  return countRows(
    world,
    sql`select count(*)::int as n from webhook_receipts
        where source = 'ebay' and delivery_id = ${notificationId}`,
  );
}

async function jobsFor(notificationId: string) {
  return countRows(
    world,
    sql`select count(*)::int as n from pgboss.job
        where name = 'ebay.account_deletion' and data->>'notificationId' = ${notificationId}`,
  );
}

async function totals() {
  return {
    receipts: await countRows(world, sql`select count(*)::int as n from webhook_receipts`),
    jobs: await countRows(world, sql`select count(*)::int as n from pgboss.job`),
  };
}

/** Works every queued deletion job as the worker would; returns this notification's. */
async function runDeletionJob(notificationId: string) {
  const jobs = await world.jobs.boss.fetch<Record<string, unknown>>("ebay.account_deletion", {
    batchSize: 100,
  });
  expect(jobs.filter((j) => j.data.notificationId === notificationId)).toHaveLength(1);
  let mine: { data: ReturnType<typeof parsePayload>; result: EbayAccountDeletionResult };
  for (const job of jobs) {
    const data = parsePayload(job.data);
    const result = await deleteEbayUserData(world.deps, data);
    await world.jobs.boss.complete("ebay.account_deletion", job.id);
    if (data.notificationId === notificationId) mine = { data, result };
  }
  return mine!;
}

const parsePayload = (data: unknown) => JOBS["ebay.account_deletion"].payload.parse(data);

/** A seller with two orders from `gone` and one from `kept`, imported through a real poll. */
async function sellerWithBuyers(gone: TestBuyer, kept: TestBuyer) {
  const t = tag();
  const store = await installShopifyStore(world, { shop: `${t}.myshopify.com` });
  const seller = `seller_${t}`;
  const accountId = await connectEbayAccount(world, store, { username: seller });
  const goneOrders = [
    seedBuyerOrder(world, { seller, buyer: gone, sku: "MUG-1" }),
    seedBuyerOrder(world, { seller, buyer: gone, sku: "MUG-2" }),
  ];
  const keptOrder = seedBuyerOrder(world, { seller, buyer: kept, sku: "MUG-3" });
  await pollAccount(world.deps, { accountId });
  return { store, seller, accountId, goneOrders, keptOrder };
}

interface EventRow {
  order_id: string;
  kind: string;
  params: Record<string, unknown>;
}

async function eventsOf(orderIds: string[]) {
  if (orderIds.length === 0) return [];
  return rowsOf<EventRow>(
    await world.database.db.execute(
      sql`select e.order_id, e.kind, e.params from sync_events e
          join marketplace_orders o on o.id = e.order_id
          where e.kind = ${EBAY_ACCOUNT_DELETED_EVENT}
            and o.marketplace_order_id in (${sql.join(
              orderIds.map((id) => sql`${id}`),
              sql`, `,
            )})`,
    ),
  );
}

describe("eBay endpoint validation (GET challenge_code)", () => {
  it("GIVEN eBay's challenge WHEN the endpoint answers THEN it is hex sha256(challengeCode + verificationToken + endpoint)", async () => {
    const challenge = await ebay().sendChallenge(endpoint, TEST_EBAY_VERIFICATION_TOKEN);

    expect(challenge.status).toBe(200);
    expect(challenge.valid).toBe(true);
    const formula = createHash("sha256")
      .update(challenge.challengeCode + TEST_EBAY_VERIFICATION_TOKEN + endpoint)
      .digest("hex");
    expect(challenge.body).toEqual({ challengeResponse: formula });
  });

  it("GIVEN the simulator's admin route WHEN it runs the challenge THEN it reports the endpoint valid", async () => {
    const response = await fetch(`${ebay().url}/__admin/ebay/notifications/challenge`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: endpoint, verificationToken: TEST_EBAY_VERIFICATION_TOKEN }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 200, valid: true });
  });

  it("GIVEN a different verification token on eBay's side WHEN validated THEN the answer does not match", async () => {
    const challenge = await ebay().sendChallenge(
      endpoint,
      "another-token-entered-in-the-portal-0000",
    );
    expect(challenge.status).toBe(200);
    expect(challenge.valid).toBe(false);
  });

  it("GIVEN no challenge_code WHEN the endpoint is read THEN 400", async () => {
    const response = await fetch(endpoint);
    expect(response.status).toBe(400);
  });

  it("GIVEN no verification token configured WHEN eBay validates THEN 503", async () => {
    const saved = app.services.ebayVerificationToken;
    app.services.ebayVerificationToken = undefined;
    try {
      const response = await fetch(`${endpoint}?challenge_code=abc`);
      expect(response.status).toBe(503);
    } finally {
      app.services.ebayVerificationToken = saved;
    }
  });
});

describe("eBay account deletion notifications (POST)", () => {
  it("GIVEN a signed notification for a buyer WHEN delivered and its job run THEN that buyer's orders lose their PII and other buyers keep theirs", async () => {
    const gone = buyer(tag());
    const kept = buyer(tag());
    const { goneOrders, keptOrder } = await sellerWithBuyers(gone, kept);
    for (const id of goneOrders) expect((await rawOrder(world, id)).buyer_key).not.toBeNull();
    const userId = `uid_${tag()}`;

    const delivery = await ebay().sendAccountDeletion(endpoint, {
      username: gone.username,
      userId,
    });

    expect(delivery.status).toBe(200);
    expect(await receiptsFor(delivery.notificationId)).toBe(1);
    const [receipt] = rowsOf<{ topic: string; store_id: string | null; processed_at: unknown }>(
      await world.database.db.execute(
        sql`select topic, store_id, processed_at from webhook_receipts
            where source = 'ebay' and delivery_id = ${delivery.notificationId}`,
      ),
    );
    expect(receipt).toEqual({
      topic: "MARKETPLACE_ACCOUNT_DELETION",
      store_id: null,
      processed_at: null,
    });
    expect(await jobsFor(delivery.notificationId)).toBe(1);

    const { data, result } = await runDeletionJob(delivery.notificationId);
    // The job knows the user only by keyed hashes of username and user id.
    const keyring = world.deps.keyring;
    expect(data.userKeys).toEqual(
      expect.arrayContaining([
        keyring.blindIndex(gone.username, EBAY_USER_INDEX),
        keyring.blindIndex(userId, EBAY_USER_INDEX),
      ]),
    );
    expect(JSON.stringify(data)).not.toContain(gone.username);
    expect(JSON.stringify(data)).not.toContain(userId);
    expect(result).toEqual({ buyerOrders: 2, sellerAccounts: 0, sellerOrders: 0 });

    for (const id of goneOrders) {
      const row = await rawOrder(world, id);
      expect(row).toMatchObject({
        buyer_enc: null,
        ship_to_enc: null,
        raw_enc: null,
        buyer_key: null,
      });
      expect(row.pii_purged_at).not.toBeNull();
      const left = decryptedPii(world, row);
      for (const pii of piiOf(gone)) expect(left).not.toContain(pii);
    }
    const keptRow = await rawOrder(world, keptOrder);
    expect(keptRow.buyer_enc).not.toBeNull();
    expect(keptRow.ship_to_enc).not.toBeNull();
    expect(keptRow.raw_enc).not.toBeNull();
    expect(keptRow.pii_purged_at).toBeNull();
    expect(decryptedPii(world, keptRow)).toContain(kept.fullName);

    const events = await eventsOf([...goneOrders, keptOrder]);
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(e.params).toEqual({ role: "buyer", notificationId: delivery.notificationId });
    }
    expect(
      await countRows(
        world,
        sql`select count(*)::int as n from webhook_receipts
            where delivery_id = ${delivery.notificationId} and processed_at is not null`,
      ),
    ).toBe(1);

    // Running it again (a retried job) changes and records nothing more.
    const again = await deleteEbayUserData(world.deps, data);
    expect(again).toEqual({ buyerOrders: 0, sellerAccounts: 0, sellerOrders: 0 });
    expect(await eventsOf([...goneOrders, keptOrder])).toHaveLength(2);
  });

  it("GIVEN a notification for a seller WHEN its job runs THEN the account is disconnected, its grant and username wiped and its orders' PII erased", async () => {
    const a = buyer(tag());
    const b = buyer(tag());
    const { seller, accountId, goneOrders, keptOrder } = await sellerWithBuyers(a, b);
    const other = await sellerWithBuyers(buyer(tag()), buyer(tag()));

    const delivery = await ebay().sendAccountDeletion(endpoint, { username: seller });
    expect(delivery.status).toBe(200);
    const { data, result } = await runDeletionJob(delivery.notificationId);
    expect(result).toEqual({ buyerOrders: 0, sellerAccounts: 1, sellerOrders: 3 });

    const [account] = rowsOf<{
      status: string;
      credentials_enc: string | null;
      seller_id: string;
      disconnected_at: unknown;
    }>(
      await world.database.db.execute(
        sql`select status, credentials_enc, seller_id, disconnected_at
            from marketplace_accounts where id = ${accountId}`,
      ),
    );
    expect(account).toMatchObject({ status: "disconnected", credentials_enc: null });
    expect(account!.disconnected_at).not.toBeNull();
    expect(account!.seller_id).not.toContain(seller);
    for (const id of [...goneOrders, keptOrder]) {
      const row = await rawOrder(world, id);
      expect(row).toMatchObject({ buyer_enc: null, ship_to_enc: null, raw_enc: null });
      expect(row.pii_purged_at).not.toBeNull();
    }
    const events = await eventsOf([...goneOrders, keptOrder]);
    expect(events.map((e) => e.params.role)).toEqual(["seller", "seller", "seller"]);

    // Another seller's account and orders are untouched.
    const [otherAccount] = rowsOf<{ status: string; credentials_enc: string | null }>(
      await world.database.db.execute(
        sql`select status, credentials_enc from marketplace_accounts where id = ${other.accountId}`,
      ),
    );
    expect(otherAccount!.status).toBe("active");
    expect(otherAccount!.credentials_enc).not.toBeNull();
    expect((await rawOrder(world, other.keptOrder)).buyer_enc).not.toBeNull();

    expect(await deleteEbayUserData(world.deps, data)).toEqual({
      buyerOrders: 0,
      sellerAccounts: 0,
      sellerOrders: 0,
    });
    expect(await eventsOf([...goneOrders, keptOrder])).toHaveLength(3);
  });

  it("GIVEN one deletion worked twice at the same time WHEN both finish THEN each order was erased and recorded once", async () => {
    const gone = buyer(tag());
    const { goneOrders } = await sellerWithBuyers(gone, buyer(tag()));
    const seller = await sellerWithBuyers(buyer(tag()), buyer(tag()));
    const keyring = world.deps.keyring;
    const userKeys = [gone.username, seller.seller].flatMap((id) =>
      keyring.blindIndexes(id, EBAY_USER_INDEX),
    );
    const data = { notificationId: `concurrent_${tag()}`, userKeys };

    const results = await Promise.all([
      deleteEbayUserData(world.deps, data),
      deleteEbayUserData(world.deps, data),
    ]);

    const sum = (key: keyof (typeof results)[number]) => results.reduce((n, r) => n + r[key], 0);
    expect([sum("buyerOrders"), sum("sellerAccounts"), sum("sellerOrders")]).toEqual([2, 1, 3]);
    const all = [...goneOrders, ...seller.goneOrders, seller.keptOrder];
    expect(await eventsOf(all)).toHaveLength(5);
  });

  it("GIVEN the same notification delivered again, and four times at once WHEN accepted THEN one receipt and one job exist", async () => {
    const first = ebay().accountDeletionNotification({ username: `redelivered_${tag()}` });
    const id = first.notificationId;
    expect((await ebay().deliverNotification(endpoint, first)).status).toBe(200);
    const retries = [2, 3, 4, 5].map((attempt) =>
      ebay().accountDeletionNotification({
        username: "ignored_on_retry",
        notificationId: id,
        publishAttemptCount: attempt,
      }),
    );
    const answers = await Promise.all(retries.map((n) => ebay().deliverNotification(endpoint, n)));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await receiptsFor(id)).toBe(1);
    expect(await jobsFor(id)).toBe(1);
  });

  it("GIVEN a signed notification whose eventDate JavaScript reads but Postgres cannot hold WHEN delivered THEN it is accepted, with no trigger time", async () => {
    for (const eventDate of ["-000001-01-01T00:00:00.000Z", "+275760-09-13T00:00:00.000Z"]) {
      const n = ebay().accountDeletionNotification({ username: `dated_${tag()}`, eventDate });
      expect((await ebay().deliverNotification(endpoint, n)).status, eventDate).toBe(200);
      expect(await receiptsFor(n.notificationId), eventDate).toBe(1);
      const [receipt] = await world.database.db
        .select({ triggeredAt: webhookReceipts.triggeredAt })
        .from(webhookReceipts)
        .where(eq(webhookReceipts.deliveryId, n.notificationId));
      expect(receipt!.triggeredAt, eventDate).toBeNull();
    }
  });

  it("GIVEN a body changed after signing WHEN delivered THEN 401 and nothing is written", async () => {
    const before = await totals();
    const n = ebay().accountDeletionNotification({ username: "victim_user" });
    const tampered: SignedNotification = {
      ...n,
      rawBody: n.rawBody.replace("victim_user", "another_user"),
    };
    const answer = await ebay().deliverNotification(endpoint, tampered);
    expect(answer.status).toBe(401);
    expect(await receiptsFor(n.notificationId)).toBe(0);
    expect(await jobsFor(n.notificationId)).toBe(0);
    expect(await totals()).toEqual(before);
  });

  it("GIVEN a signature naming a key id eBay does not have WHEN delivered THEN 401 and nothing is written", async () => {
    const before = await totals();
    const n = ebay().accountDeletionNotification({ username: "someone" });
    const header = JSON.parse(
      Buffer.from(n.headers["x-ebay-signature"]!, "base64").toString("utf8"),
    ) as Record<string, string>;
    const wrongKid = Buffer.from(
      JSON.stringify({ ...header, kid: "3f2504e0-4f89-41d3-9a0c-0305e82c3301" }),
    ).toString("base64");
    const answer = await ebay().deliverNotification(endpoint, {
      ...n,
      headers: { ...n.headers, "x-ebay-signature": wrongKid },
    });
    expect(answer.status).toBe(401);
    expect(await receiptsFor(n.notificationId)).toBe(0);
    expect(await totals()).toEqual(before);
  });

  it("GIVEN no X-EBAY-SIGNATURE WHEN delivered THEN 401 and nothing is written", async () => {
    const before = await totals();
    const n = ebay().accountDeletionNotification({ username: "someone" });
    const answer = await ebay().deliverNotification(endpoint, {
      ...n,
      headers: { "content-type": "application/json" },
    });
    expect(answer.status).toBe(401);
    expect(await totals()).toEqual(before);
  });

  it("GIVEN a body that is not JSON but carries a valid signature WHEN delivered THEN 400 and nothing is written", async () => {
    const before = await totals();
    const rawBody = '{"metadata":{"topic":"MARKETPLACE_ACCOUNT_DELETION"},"notification":';
    const answer = await ebay().deliverNotification(endpoint, {
      notificationId: "none",
      rawBody,
      headers: {
        "content-type": "application/json",
        "x-ebay-signature": ebay().signNotification(rawBody),
      },
    });
    expect(answer.status).toBe(400);
    expect(await totals()).toEqual(before);
  });

  it("GIVEN a signed notification without notificationId or user WHEN delivered THEN 400 and nothing is written", async () => {
    const before = await totals();
    for (const body of [
      { metadata: { topic: "MARKETPLACE_ACCOUNT_DELETION" }, notification: { data: {} } },
      {
        metadata: { topic: "MARKETPLACE_ACCOUNT_DELETION" },
        notification: { notificationId: `n_${tag()}`, data: { eiasToken: "x" } },
      },
    ]) {
      const rawBody = JSON.stringify(body);
      const answer = await ebay().deliverNotification(endpoint, {
        notificationId: "none",
        rawBody,
        headers: {
          "content-type": "application/json",
          "x-ebay-signature": ebay().signNotification(rawBody),
        },
      });
      expect(answer.status).toBe(400);
    }
    expect(await totals()).toEqual(before);
  });

  it("GIVEN eBay's Notification API down WHEN a notification signed with a new key arrives THEN 503 with nothing written, and eBay's retry is accepted", async () => {
    ebay().rotateNotificationKey();
    ebay().server.injectFault({ operation: "getPublicKey", kind: "status", status: 500, times: 0 });
    const before = await totals();
    const n = ebay().accountDeletionNotification({ username: `while_down_${tag()}` });
    try {
      const answer = await ebay().deliverNotification(endpoint, n);
      expect(answer.status).toBe(503);
      expect(await totals()).toEqual(before);
    } finally {
      ebay().server.faults.clear();
    }
    const retry = await ebay().deliverNotification(endpoint, n);
    expect(retry.status).toBe(200);
    expect(await receiptsFor(n.notificationId)).toBe(1);
    expect(await jobsFor(n.notificationId)).toBe(1);
  });

  it("GIVEN the simulator's admin route WHEN it sends a deletion THEN the app accepts it like any eBay delivery", async () => {
    const response = await fetch(`${ebay().url}/__admin/ebay/notifications/account-deletion`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: endpoint, username: `admin_${tag()}` }),
    });
    const answer = (await response.json()) as { status: number; notificationId: string };
    expect(answer.status).toBe(200);
    expect(await receiptsFor(answer.notificationId)).toBe(1);
    expect(await jobsFor(answer.notificationId)).toBe(1);
  });
});
