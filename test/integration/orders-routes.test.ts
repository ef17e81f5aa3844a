import { eq, inArray } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPORT_LINK_TTL_MS, signExportLink } from "../../app/export-link.server";
import { marketplaceOrders, shipments, stores, syncEvents, trackingPushes } from "../../db/schema";
import { adminHeaders, shopifySessionToken } from "../helpers/admin-auth";
import { type AppServer, startAppServer } from "../helpers/app-server";
import { type ImportWorld, startImportWorld } from "../helpers/import-world";
import {
  type SeededStore,
  seedStoreOrders,
  STORE_A_ORDERS,
  STORE_B_ORDERS,
} from "./order-list-fixtures";

const LIST = "/app/orders";
const DATA = "_data=routes%2Fapp.orders._index";
const BROWSER =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36";

interface ListData {
  rows: {
    id: string;
    marketplaceOrderId: string;
    storeOrderName: string | null;
    state: string;
    total: string;
    buyerName: string | null;
    reasons: string[];
  }[];
  next?: string;
  previous?: string;
  filtered: boolean;
}

describe("orders list and CSV export routes, over HTTP on the real app", () => {
  let world: ImportWorld;
  let app: AppServer;
  let a: SeededStore;
  let b: SeededStore;
  let big: SeededStore;

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAppServer(world);
    const { db, keyring } = world.deps;
    a = await seedStoreOrders(db, keyring, "orders-a.myshopify.com", STORE_A_ORDERS);
    b = await seedStoreOrders(db, keyring, "orders-b.myshopify.com", STORE_B_ORDERS);
    big = await seedStoreOrders(db, keyring, "orders-big.myshopify.com", []);
    // 120 orders a minute apart: three pages of the list.
    const start = Date.parse("2026-10-01T00:00:00Z");
    await db.insert(marketplaceOrders).values(
      Array.from({ length: 120 }, (_, i) => ({
        accountId: big.accounts.ebay.id,
        storeId: big.store.id,
        marketplace: "ebay" as const,
        marketplaceOrderId: `BIG-${String(i).padStart(3, "0")}`,
        marketplaceStatus: "PAID",
        state: "imported" as const,
        currency: "USD",
        totalMinor: 1000 + i,
        marketplaceCreatedAt: new Date(start + i * 60_000),
        marketplaceUpdatedAt: new Date(start + i * 60_000),
      })),
    );
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  async function get(store: SeededStore, path: string, locale?: string): Promise<Response> {
    const headers = await adminHeaders(app, store.store, locale ? { locale } : {});
    return fetch(`${app.url}${path}`, { headers, redirect: "manual" });
  }

  async function list(store: SeededStore, query = ""): Promise<ListData> {
    const response = await get(store, `${LIST}?${query}${query ? "&" : ""}${DATA}`);
    expect(response.status).toBe(200);
    return (await response.json()) as ListData;
  }

  async function csv(store: SeededStore, query: string, locale?: string) {
    const response = await get(store, `${LIST}/export?${query}`, locale);
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    return { response, bytes, text };
  }

  it("GIVEN store A's session WHEN it opens the orders page THEN the page renders its own orders, newest first, and none of B's", async () => {
    const page = await get(a, LIST);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("A-TIE-NEXT");
    expect(html).not.toContain(b.accounts.ebay.displayName);

    const data = await list(a);
    expect(data.rows).toHaveLength(STORE_A_ORDERS.length);
    expect(data.rows[0]!.marketplaceOrderId).toBe("A-TIE-NEXT");
    expect(data.rows.map((r) => r.id)).not.toContain(b.ids["A-HELD"]);
    expect(data.rows.find((r) => r.marketplaceOrderId === "A-IMPORTED")).toMatchObject({
      storeOrderName: "#1001",
      total: "$25.99",
      buyerName: "Élodie  Martin",
    });
    expect(data.next).toBeUndefined();
    expect(data.filtered).toBe(false);
  });

  it("GIVEN no orders, or none matching WHEN the page renders THEN it says which, in the merchant's language", async () => {
    const empty = await seedStoreOrders(
      world.deps.db,
      world.deps.keyring,
      "orders-empty.myshopify.com",
      [],
    );
    expect(await (await get(empty, LIST)).text()).toContain("No marketplace orders yet");
    expect(await (await get(a, `${LIST}?q=nothing-like-this`)).text()).toContain("No orders match");
    expect(await (await get(a, `${LIST}?q=nothing-like-this`, "fr")).text()).toContain(
      "Aucune commande ne correspond",
    );
  });

  it("GIVEN filters and a search in the URL WHEN the list loads THEN only matching orders come back", async () => {
    const held = await list(a, "state=held&marketplace=ebay");
    expect(held.rows.map((r) => r.marketplaceOrderId)).toEqual(["A-TIE-NEXT", "A-HELD"]);
    expect(held.filtered).toBe(true);
    const search = await list(a, "q=%231003");
    expect(search.rows.map((r) => r.marketplaceOrderId)).toEqual(["A-SENT"]);
    const dated = await list(a, "from=2026-11-02&to=2026-11-03");
    expect(dated.rows.map((r) => r.marketplaceOrderId)).toEqual(["A-SENT", "A-CONFIRMED"]);
  });

  it("GIVEN filters or a search in the URL WHEN the page renders THEN the filter bar is open with the search text and a chip per filter", async () => {
    // The bar's chips are buttons named after the filter's values; closed, it has none.
    const held = await (await get(a, `${LIST}?state=held&marketplace=ebay`)).text();
    expect(held).toContain('aria-label="Held"');
    expect(held).toContain('aria-label="eBay"');
    expect(held).toContain('aria-label="Account"');
    const searched = await (await get(a, `${LIST}?q=zzzz`)).text();
    expect(searched).toContain("No orders match");
    expect(searched).toMatch(/<input[^>]*value="zzzz"/);
    const unfiltered = await (await get(a, LIST)).text();
    expect(unfiltered).not.toContain('aria-label="Status"');
    // Values the server ignores get no chip: it would claim a filter that does not apply.
    const edited = await (await get(a, `${LIST}?state=bogus,held&from=2026-13-45`)).text();
    expect(edited).toContain('aria-label="Held"');
    expect(edited).not.toContain('aria-label="bogus, Held"');
    expect(edited).not.toMatch(/aria-label="From /);
  });

  it("GIVEN a date range in the URL WHEN the page renders THEN its chip shows the UTC days as the merchant's language writes dates", async () => {
    const range = `${LIST}?from=2026-12-01&to=2026-12-31`;
    expect(await (await get(a, range, "fr")).text()).toContain("Du 1 déc. 2026 au 31 déc. 2026");
    expect(await (await get(a, range)).text()).toContain("Dec 1, 2026 – Dec 31, 2026");
    expect(await (await get(a, `${LIST}?from=2026-01-01`, "fr")).text()).toContain(
      "Depuis le 1 janv. 2026",
    );
    expect(await (await get(a, `${LIST}?to=2026-01-31`)).text()).toContain("Until Jan 31, 2026");
  });

  it("GIVEN the Status filter WHEN the list loads THEN it offers every state a row can show, New, Waiting and Creating too", async () => {
    const data = (await list(a)) as ListData & { states: string[] };
    expect(data.states).toEqual(expect.arrayContaining(["new", "waiting", "held", "creating"]));
    expect((await list(a, "state=waiting")).rows.map((r) => r.marketplaceOrderId)).toEqual([
      "A-WAITING",
    ]);
  });

  it("GIVEN 120 orders WHEN the merchant pages with next and previous THEN pages of 50 cover them once, in order", async () => {
    const seen: string[] = [];
    let data = await list(big);
    seen.push(...data.rows.map((r) => r.marketplaceOrderId));
    const firstPage = data.rows.map((r) => r.id);
    while (data.next) {
      data = await list(big, `after=${data.next}`);
      seen.push(...data.rows.map((r) => r.marketplaceOrderId));
    }
    expect(seen).toHaveLength(120);
    expect(seen).toEqual(
      Array.from({ length: 120 }, (_, i) => `BIG-${String(119 - i).padStart(3, "0")}`),
    );
    expect(data.rows).toHaveLength(20);

    const middle = await list(big, `before=${data.previous}`);
    const back = await list(big, `before=${middle.previous}`);
    expect(back.rows.map((r) => r.id)).toEqual(firstPage);
    expect(back.previous).toBeUndefined();
  });

  it("GIVEN a filter WHEN the merchant exports THEN a UTF-8 CSV attachment with a BOM lists exactly those orders", async () => {
    const { response, bytes, text } = await csv(
      a,
      "state=held,tracking_confirmed&account=" + a.accounts.ebay.id,
    );
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="marketsync-orders-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    expect(records).toEqual([
      expect.objectContaining({
        "Order date (UTC)": "2026-11-15 12:00:00",
        Marketplace: "eBay",
        Account: a.accounts.ebay.displayName,
        "Marketplace order ID": "A-TIE-NEXT",
        Status: "Held",
        Tracking: "",
        Currency: "USD",
        Total: "25.99",
      }),
      expect.objectContaining({
        "Marketplace order ID": "A-HELD",
        Buyer: "John Smith",
        "Store order": "",
      }),
    ]);
    expect(Object.keys(records[0]!)).toEqual([
      "Order date (UTC)",
      "Marketplace",
      "Account",
      "Marketplace order ID",
      "Store order",
      "Status",
      "Tracking",
      "Buyer",
      "Currency",
      "Total",
      "Reasons",
    ]);
  });

  it("GIVEN a French merchant WHEN they export THEN headers are French, with the separator and decimal mark French Excel reads", async () => {
    const { text } = await csv(a, "q=A-CONFIRMED", "fr-FR");
    const records = parse(text.slice(1), { columns: true, delimiter: ";" }) as Record<
      string,
      string
    >[];
    expect(records).toEqual([
      expect.objectContaining({
        "N° de commande place de marché": "A-CONFIRMED",
        "Place de marché": "Amazon",
        "Commande boutique": "#1002",
        État: "Importée",
        Suivi: "Suivi confirmé",
        Devise: "EUR",
        Total: "25,99",
      }),
    ]);
  });

  it("GIVEN 120 orders and no filter WHEN exported THEN every order is in the file once", async () => {
    const { text } = await csv(big, "");
    const records = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(120);
    expect(new Set(records.map((r) => r["Marketplace order ID"])).size).toBe(120);
  });

  it("GIVEN a buyer whose name is a spreadsheet formula WHEN exported THEN the cell stays text", async () => {
    const store = await seedStoreOrders(
      world.deps.db,
      world.deps.keyring,
      "orders-formula.myshopify.com",
      [
        {
          key: "F-1",
          account: "ebay",
          state: "held",
          createdAt: "2026-11-01T00:00:00Z",
          buyer: { name: '=HYPERLINK("http://attacker.example","Click")' },
        },
      ],
    );
    const { text } = await csv(store, "");
    const [record] = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    expect(record!.Buyer).toBe(`'=HYPERLINK("http://attacker.example","Click")`);
  });

  it("GIVEN store B's session WHEN it searches or exports store A's order THEN it gets nothing of A's", async () => {
    expect((await list(b, "q=A-SENT")).rows).toEqual([]);
    const { text } = await csv(b, "q=%231003");
    expect(parse(text.slice(1), { columns: true })).toEqual([]);
  });

  it("GIVEN store B's session WHEN it filters the list or the export by one of A's accounts THEN both answer 404, and B's own account still filters", async () => {
    const listed = await get(b, `${LIST}?account=${a.accounts.ebay.id}&${DATA}`);
    expect(listed.status).toBe(404);
    expect(await listed.text()).toContain("account this store does not have");
    const mixed = await get(
      b,
      `${LIST}/export?account=${b.accounts.ebay.id},${a.accounts.amazon.id}`,
    );
    expect(mixed.status).toBe(404);
    const own = await list(b, `account=${b.accounts.ebay.id}`);
    expect(own.rows.map((row) => row.marketplaceOrderId).sort()).toEqual(["A-HELD", "B-1"]);
  });

  /** What the orders page does: ask for a signed link with the admin's credentials. */
  async function exportLink(store: SeededStore, query: string, locale?: string) {
    const headers = await adminHeaders(app, store.store, locale ? { locale } : {});
    return fetch(`${app.url}${LIST}/export-link?${query}`, {
      method: "POST",
      headers,
      redirect: "manual",
    });
  }

  /** What the browser then does: follow the link with no credentials at all. */
  async function followLink(url: string): Promise<Response> {
    return fetch(`${app.url}${url}`, { redirect: "manual" });
  }

  it("GIVEN a filter WHEN the merchant's signed link is followed without credentials THEN the same CSV streams as from the authenticated export", async () => {
    for (const locale of ["en", "fr-FR"]) {
      const query = `state=held,tracking_confirmed&account=${a.accounts.ebay.id}&after=ignored`;
      const minted = await exportLink(a, query, locale);
      expect(minted.status).toBe(200);
      const { url } = (await minted.json()) as { url: string };
      expect(url).toMatch(/^\/exports\/orders\.csv\?t=[^&]+$/);

      const download = await followLink(url);
      expect(download.status).toBe(200);
      expect(download.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(download.headers.get("content-disposition")).toMatch(
        locale === "en"
          ? /^attachment; filename="marketsync-orders-\d{4}-\d{2}-\d{2}\.csv"$/
          : /^attachment; filename="marketsync-commandes-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      const linked = new TextDecoder("utf-8", { ignoreBOM: true }).decode(
        await download.arrayBuffer(),
      );
      const { text: direct } = await csv(a, query, locale);
      expect(linked).toBe(direct);
      const records = parse(linked.slice(1), {
        columns: true,
        delimiter: locale === "en" ? "," : ";",
      }) as Record<string, string>[];
      // The filter was applied: the same two orders the authenticated export test expects.
      const idColumn = locale === "en" ? "Marketplace order ID" : "N° de commande place de marché";
      expect(records.map((r) => r[idColumn])).toEqual(["A-TIE-NEXT", "A-HELD"]);
    }
  });

  it("GIVEN a signed link whose store or signature was altered WHEN followed THEN 401 and no order", async () => {
    const minted = await exportLink(a, "");
    const { url } = (await minted.json()) as { url: string };
    const token = decodeURIComponent(new URL(url, app.url).searchParams.get("t")!);
    const [body, signature] = token.split(".") as [string, string];
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { s: string };
    payload.s = b.store.id;
    const retargeted = `${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${signature}`;
    const flipped = `${body}.${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
    for (const forged of [retargeted, flipped, "", "garbage"]) {
      const response = await followLink(`/exports/orders.csv?t=${encodeURIComponent(forged)}`);
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).toContain("download link is not valid");
      expect(text).not.toContain("A-");
    }
  });

  it("GIVEN a link past its minute WHEN followed THEN 410 in the merchant's language", async () => {
    const issued = new Date(Date.now() - EXPORT_LINK_TTL_MS - 1_000);
    for (const [locale, message] of [
      ["en", "This download link has expired"],
      ["fr", "Ce lien de téléchargement a expiré"],
    ] as const) {
      const token = signExportLink(
        app.services.keyring,
        { storeId: a.store.id, query: "", locale },
        issued,
      );
      const response = await followLink(`/exports/orders.csv?t=${encodeURIComponent(token)}`);
      expect(response.status).toBe(410);
      expect(await response.text()).toContain(message);
    }
  });

  it("GIVEN store B's session WHEN it asks for a link filtered by one of A's accounts THEN 404 and no link", async () => {
    const response = await exportLink(b, `account=${b.accounts.ebay.id},${a.accounts.amazon.id}`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("/exports/");
  });

  it("GIVEN a link minted before the store uninstalled WHEN followed THEN 403 and no order", async () => {
    const leaving = await seedStoreOrders(
      world.deps.db,
      world.deps.keyring,
      "orders-leaving.myshopify.com",
      [{ key: "L-1", account: "ebay", state: "held", createdAt: "2026-11-01T00:00:00Z" }],
    );
    const minted = await exportLink(leaving, "");
    const { url } = (await minted.json()) as { url: string };
    await world.database.db
      .update(stores)
      .set({ uninstalledAt: new Date() })
      .where(eq(stores.id, leaving.store.id));
    const response = await followLink(url);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain("L-1");
  });

  it("GIVEN no session or a forged token WHEN the list or the export is asked for THEN no order is served", async () => {
    // A browser's user agent: the auth library answers 410 to anything that looks like a bot.
    const anonymous = await fetch(`${app.url}${LIST}/export`, {
      headers: { "user-agent": BROWSER },
      redirect: "manual",
    });
    expect([302, 401]).toContain(anonymous.status);
    expect(await anonymous.text()).not.toContain("A-");
    const forged = await fetch(`${app.url}${LIST}?${DATA}`, {
      headers: {
        authorization: `Bearer ${shopifySessionToken(a.store.externalId, { secret: "wrong" })}`,
        "user-agent": BROWSER,
      },
      redirect: "manual",
    });
    expect(forged.status).toBe(401);
  });

  async function post(store: SeededStore, intent: string, orderIds: string[]) {
    const body = new URLSearchParams({ intent });
    for (const id of orderIds) body.append("orderId", id);
    const headers = await adminHeaders(app, store.store);
    return fetch(`${app.url}${LIST}?index&${DATA}`, { method: "POST", headers, body });
  }

  const statesOf = async (ids: string[]) => {
    const rows = await world.database.db
      .select({ id: marketplaceOrders.id, state: marketplaceOrders.state })
      .from(marketplaceOrders)
      .where(inArray(marketplaceOrders.id, ids));
    return Object.fromEntries(rows.map((r) => [r.id, r.state]));
  };

  it("GIVEN held orders of A and B selected WHEN A bulk-retries THEN only A's held order is re-checked", async () => {
    const response = await post(a, "retry", [
      a.ids["A-HELD"]!,
      b.ids["A-HELD"]!,
      a.ids["A-IMPORTED"]!,
    ]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      intent: "retry",
      count: 1,
      pushes: { queued: 0, resynced: 0 },
    });
    expect(await statesOf([a.ids["A-HELD"]!, b.ids["A-HELD"]!, a.ids["A-IMPORTED"]!])).toEqual({
      [a.ids["A-HELD"]!]: "new",
      [b.ids["A-HELD"]!]: "held",
      [a.ids["A-IMPORTED"]!]: "imported",
    });
  });

  it("GIVEN a failed order WHEN the merchant bulk-skips it THEN it is set aside with the merchant's reason", async () => {
    const response = await post(a, "skip", [a.ids["A-FAILED"]!]);
    expect(await response.json()).toEqual({ intent: "skip", count: 1 });
    const [row] = await world.database.db
      .select({ state: marketplaceOrders.state, holdReasons: marketplaceOrders.holdReasons })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, a.ids["A-FAILED"]!));
    expect(row!.state).toBe("skipped");
    expect(row!.holdReasons).toHaveLength(1);
  });

  it("GIVEN a made-up action or no order WHEN posted THEN it is refused and nothing changes", async () => {
    expect((await post(a, "delete", [a.ids["A-SKIPPED"]!])).status).toBe(400);
    expect((await post(a, "retry", [])).status).toBe(400);
    expect((await post(a, "retry", ["not-a-uuid"])).status).toBe(400);
    expect(await statesOf([a.ids["A-SKIPPED"]!])).toEqual({ [a.ids["A-SKIPPED"]!]: "skipped" });
  });

  /** A shipment of the order with one push in `state` (what a tracking push leaves behind). */
  async function seedPush(store: SeededStore, key: string, state: "failed" | "confirmed") {
    const orderId = store.ids[key]!;
    const [shipment] = await world.database.db
      .insert(shipments)
      .values({
        orderId,
        storeId: store.store.id,
        storeFulfillmentId: `gid://shopify/Fulfillment/${key}`,
        carrier: "UPS",
        trackingNumber: `1Z-${key}`,
        shippedAt: new Date("2026-11-06T09:00:00Z"),
        sourceUpdatedAt: new Date("2026-11-06T09:00:00Z"),
      })
      .returning({ id: shipments.id });
    const [push] = await world.database.db
      .insert(trackingPushes)
      .values({
        shipmentId: shipment!.id,
        orderId,
        accountId: store.accounts.ebay.id,
        state,
        carrierCode: "UPS",
        trackingNumber: `1Z-${key}`,
        attempts: 1,
        lastError: state === "failed" ? { code: "connector.rejected" } : null,
      })
      .returning({ id: trackingPushes.id });
    return push!.id;
  }

  const pushStatesOf = async (ids: string[]) => {
    const rows = await world.database.db
      .select({ id: trackingPushes.id, state: trackingPushes.state })
      .from(trackingPushes)
      .where(inArray(trackingPushes.id, ids));
    return Object.fromEntries(rows.map((r) => [r.id, r.state]));
  };

  it("GIVEN orders of the Failed filter whose tracking failed, in A and in B WHEN A bulk-retries them with a held order THEN A's failed push is sent again, B's and a landed one are left alone, and the answer counts both", async () => {
    const failedPush = await seedPush(a, "A-PUSH-FAILED", "failed");
    const landedPush = await seedPush(a, "A-CONFIRMED", "confirmed");
    const foreignPush = await seedPush(b, "B-1", "failed");
    const failed = await list(a, "state=failed");
    expect(failed.rows.map((r) => r.marketplaceOrderId)).toContain("A-PUSH-FAILED");

    const response = await post(a, "retry", [
      a.ids["A-PUSH-FAILED"]!,
      a.ids["A-CONFIRMED"]!,
      a.ids["A-TIE-NEXT"]!,
      b.ids["B-1"]!,
    ]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      intent: "retry",
      count: 1,
      pushes: { queued: 1, resynced: 0 },
    });
    expect(await pushStatesOf([failedPush, landedPush, foreignPush])).toEqual({
      [failedPush]: "pending",
      [landedPush]: "confirmed",
      [foreignPush]: "failed",
    });
    const events = await world.database.db
      .select({ orderId: syncEvents.orderId, kind: syncEvents.kind })
      .from(syncEvents)
      .where(eq(syncEvents.kind, "push.retried"));
    expect(events).toEqual([{ orderId: a.ids["A-PUSH-FAILED"]!, kind: "push.retried" }]);
    const jobs = await world.jobs.boss.fetch<{ pushId: string }>("tracking.push", {
      batchSize: 10,
    });
    expect(jobs.map((j) => j.data.pushId)).toEqual([failedPush]);
  });
});
