import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeCursor,
  encodeCursor,
  listOrders,
  ORDER_LIST_STATES,
  type OrderListCursor,
  type OrderListFilter,
  type OrderListState,
  parseOrderListQuery,
  streamOrders,
} from "../../db/order-list";
import { purgeOrderPii } from "../../db/pii";
import { marketplaceOrders, orderState } from "../../db/schema";
import { createTestDatabase, type TestDatabase, testKeyRing } from "../helpers/database";
import {
  type SeededStore,
  seedStoreOrders,
  STORE_A_ORDERS,
  STORE_B_ORDERS,
} from "./order-list-fixtures";

describe("order list query", () => {
  let database: TestDatabase;
  const keyring = testKeyRing();
  let a: SeededStore;
  let b: SeededStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedStoreOrders(database.db, keyring, "a.myshopify.com", STORE_A_ORDERS);
    b = await seedStoreOrders(database.db, keyring, "b.myshopify.com", STORE_B_ORDERS);
  });
  afterAll(() => database.drop());

  const keysOf = (store: SeededStore, ids: string[]) => {
    const byId = new Map(Object.entries(store.ids).map(([key, id]) => [id, key]));
    return ids.map((id) => byId.get(id) ?? `other:${id}`);
  };

  async function allKeys(filter: OrderListFilter, store = a): Promise<string[]> {
    const page = await listOrders(database.db, keyring, {
      storeId: store.store.id,
      filter,
      limit: 100,
    });
    return keysOf(
      store,
      page.rows.map((r) => r.id),
    );
  }

  /** Newest first, then by id: what every page must follow. */
  function expectedOrder(keys: string[]): string[] {
    const specs = STORE_A_ORDERS.filter((s) => keys.includes(s.key));
    return specs
      .map((s) => ({
        key: s.key,
        at: s.createdAt.replace("Z", "").padEnd(26, "0"),
        id: a.ids[s.key]!,
      }))
      .sort((x, y) => (x.at === y.at ? (x.id < y.id ? -1 : 1) : x.at < y.at ? 1 : -1))
      .map((s) => s.key);
  }

  it("GIVEN two stores WHEN store A lists its orders THEN it sees all of its own, newest first and ties by id, and none of B's", async () => {
    const page = await listOrders(database.db, keyring, { storeId: a.store.id, limit: 100 });
    expect(
      keysOf(
        a,
        page.rows.map((r) => r.id),
      ),
    ).toEqual(expectedOrder(STORE_A_ORDERS.map((s) => s.key)));
    expect(page.next).toBeUndefined();
    expect(page.previous).toBeUndefined();
    const first = page.rows.find((r) => r.id === a.ids["A-IMPORTED"])!;
    expect(first).toMatchObject({
      marketplace: "ebay",
      marketplaceOrderId: "A-IMPORTED",
      accountName: a.accounts.ebay.displayName,
      storeOrderName: "#1001",
      state: "imported",
      trackingState: "none",
      currency: "USD",
      totalMinor: 2599,
      buyerName: "Élodie  Martin",
    });
    expect(first.createdAt.toISOString()).toBe("2026-11-01T09:00:00.000Z");
  });

  it.each<[OrderListState, string[]]>([
    ["imported", ["A-IMPORTED", "A-CONFIRMED", "A-SENT", "A-PENDING", "A-PUSH-FAILED"]],
    ["held", ["A-HELD", "A-TIE-1", "A-TIE-2", "A-TIE-3", "A-TIE-4", "A-TIE-5", "A-TIE-NEXT"]],
    ["skipped", ["A-SKIPPED"]],
    ["awaiting_shipment", ["A-IMPORTED"]],
    ["tracking_sent", ["A-SENT", "A-PENDING"]],
    ["tracking_confirmed", ["A-CONFIRMED"]],
    ["failed", ["A-PUSH-FAILED", "A-FAILED"]],
    ["cancelled", ["A-CANCELLED"]],
    ["waiting", ["A-WAITING"]],
  ])(
    "GIVEN orders in every state WHEN filtered by %s THEN exactly those orders come back",
    async (state, expected) => {
      expect(await allKeys({ states: [state] })).toEqual(expectedOrder(expected));
    },
  );

  it("GIVEN orders new, waiting and being created WHEN filtered by each of those states THEN exactly those orders come back", async () => {
    const c = await seedStoreOrders(database.db, keyring, "c.myshopify.com", [
      { key: "C-NEW", account: "ebay", state: "new", createdAt: "2026-12-01T09:00:00Z" },
      { key: "C-WAITING", account: "amazon", state: "waiting", createdAt: "2026-12-02T09:00:00Z" },
      { key: "C-CREATING", account: "ebay", state: "creating", createdAt: "2026-12-03T09:00:00Z" },
      { key: "C-IMPORTED", account: "ebay", state: "imported", createdAt: "2026-12-04T09:00:00Z" },
    ]);
    expect(await allKeys({ states: ["new"] }, c)).toEqual(["C-NEW"]);
    expect(await allKeys({ states: ["waiting"] }, c)).toEqual(["C-WAITING"]);
    expect(await allKeys({ states: ["creating"] }, c)).toEqual(["C-CREATING"]);
    expect(await allKeys({ states: ["new", "creating"] }, c)).toEqual(["C-CREATING", "C-NEW"]);
    // Store A has no new or creating order: none of C's leak into its list.
    expect(await allKeys({ states: ["new", "creating"] })).toEqual([]);
  });

  it("GIVEN every import state an order's badge can show WHEN the filter's states are listed THEN each is one, and the URL keeps it", () => {
    for (const state of orderState.enumValues) expect(ORDER_LIST_STATES).toContain(state);
    const query = parseOrderListQuery(new URLSearchParams({ state: "new,waiting,creating" }));
    expect(query.filter.states).toEqual(["new", "waiting", "creating"]);
  });

  it("GIVEN several states chosen WHEN filtered THEN orders in any of them come back", async () => {
    expect(await allKeys({ states: ["skipped", "cancelled", "tracking_confirmed"] })).toEqual(
      expectedOrder(["A-SKIPPED", "A-CANCELLED", "A-CONFIRMED"]),
    );
  });

  it("GIVEN two marketplaces WHEN filtered by marketplace or account THEN only that one's orders come back", async () => {
    const amazon = STORE_A_ORDERS.filter((s) => s.account === "amazon").map((s) => s.key);
    expect(await allKeys({ marketplaces: ["amazon"] })).toEqual(expectedOrder(amazon));
    expect(await allKeys({ accountIds: [a.accounts.amazon.id] })).toEqual(expectedOrder(amazon));
    expect(
      await allKeys({ marketplaces: ["ebay"], states: ["held"], accountIds: [a.accounts.ebay.id] }),
    ).toEqual(expectedOrder(["A-HELD", "A-TIE-NEXT"]));
  });

  it("GIVEN store B's account id WHEN store A filters by it THEN nothing comes back", async () => {
    expect(await allKeys({ accountIds: [b.accounts.ebay.id] })).toEqual([]);
  });

  it("GIVEN a date range WHEN filtered THEN the bounds are from inclusive, to exclusive", async () => {
    expect(
      await allKeys({
        createdFrom: new Date("2026-11-02T09:00:00Z"),
        createdBefore: new Date("2026-11-05T09:00:00Z"),
      }),
    ).toEqual(expectedOrder(["A-CONFIRMED", "A-SENT", "A-PENDING"]));
  });

  it.each([
    ["a marketplace order id", "A-HELD", ["A-HELD"]],
    ["a store order number", "#1003", ["A-SENT"]],
    ["a store order number without #", "1002", ["A-CONFIRMED"]],
    ["a buyer name, other case and spacing", "  élodie martin ", ["A-IMPORTED"]],
    ["a buyer e-mail", "JOHN@example.com", ["A-HELD"]],
  ])("GIVEN %s WHEN searched THEN that store's order is found", async (_what, term, expected) => {
    expect(await allKeys({ search: term })).toEqual(expected);
  });

  it("GIVEN a part of a name or an id WHEN searched THEN nothing matches (search is exact)", async () => {
    expect(await allKeys({ search: "Martin" })).toEqual([]);
    expect(await allKeys({ search: "A-HEL" })).toEqual([]);
  });

  it("GIVEN the same buyer, order number and order id in store B WHEN B searches THEN only B's orders come back", async () => {
    expect(await allKeys({ search: "ÉLODIE MARTIN" }, b)).toEqual(["B-1"]);
    expect(await allKeys({ search: "#1001" }, b)).toEqual(["B-1"]);
    expect(await allKeys({ search: "A-HELD" }, b)).toEqual(["A-HELD"]);
    expect(b.ids["A-HELD"]).not.toBe(a.ids["A-HELD"]);
  });

  it("GIVEN a search and a filter WHEN combined THEN both apply", async () => {
    expect(await allKeys({ search: "john@example.com", states: ["held"] })).toEqual(["A-HELD"]);
    expect(await allKeys({ search: "john@example.com", states: ["imported"] })).toEqual([]);
  });

  async function walk(
    filter: OrderListFilter,
    limit: number,
    direction: "forward" | "backward",
    start?: OrderListCursor,
  ) {
    const pages: string[][] = [];
    let cursor = start;
    for (let i = 0; i < 50; i++) {
      const page = await listOrders(database.db, keyring, {
        storeId: a.store.id,
        filter,
        limit,
        ...(direction === "forward" ? { after: cursor } : { before: cursor }),
      });
      pages.push(
        keysOf(
          a,
          page.rows.map((r) => r.id),
        ),
      );
      cursor = direction === "forward" ? page.next : page.previous;
      if (!cursor) return { pages, last: page };
    }
    throw new Error("pagination did not end");
  }

  it("GIVEN orders sharing one microsecond WHEN paged by 2 forwards and back THEN every order appears once, in order, both ways", async () => {
    const all = expectedOrder(STORE_A_ORDERS.map((s) => s.key));
    const forward = await walk({}, 2, "forward");
    expect(forward.pages.flat()).toEqual(all);
    expect(forward.pages.every((p) => p.length <= 2)).toBe(true);

    const lastPage = forward.last;
    const backward = await walk({}, 2, "backward", lastPage.rows[0]!.cursor);
    expect([...backward.pages].reverse().flat()).toEqual(all.slice(0, -lastPage.rows.length));
  });

  it("GIVEN a filter WHEN paged THEN the pages follow the filter too", async () => {
    const { pages } = await walk({ states: ["held"] }, 3, "forward");
    expect(pages.flat()).toEqual(
      expectedOrder([
        "A-HELD",
        "A-TIE-1",
        "A-TIE-2",
        "A-TIE-3",
        "A-TIE-4",
        "A-TIE-5",
        "A-TIE-NEXT",
      ]),
    );
  });

  it("GIVEN a filter WHEN streamed in small batches THEN every matching row comes once, in order", async () => {
    const keys: string[] = [];
    for await (const row of streamOrders(database.db, keyring, {
      storeId: a.store.id,
      filter: { marketplaces: ["amazon"] },
      batchSize: 2,
    })) {
      keys.push(keysOf(a, [row.id])[0]!);
    }
    expect(keys).toEqual(
      expectedOrder(STORE_A_ORDERS.filter((s) => s.account === "amazon").map((s) => s.key)),
    );
  });

  it("GIVEN URL parameters WHEN parsed THEN known values are kept, unknown ones dropped, days inclusive", () => {
    const cursor = { createdAt: "2026-11-15T12:00:00.123456Z", id: a.ids["A-TIE-1"]! };
    const query = parseOrderListQuery(
      new URLSearchParams({
        marketplace: "ebay,etsy",
        account: `${a.accounts.ebay.id},not-a-uuid`,
        state: "held,awaiting_shipment,bogus",
        from: "2026-11-02",
        to: "2026-11-04",
        q: "  #1001 ",
        after: encodeCursor(cursor),
      }),
    );
    expect(query.filter).toEqual({
      marketplaces: ["ebay"],
      accountIds: [a.accounts.ebay.id],
      states: ["held", "awaiting_shipment"],
      createdFrom: new Date("2026-11-02T00:00:00Z"),
      createdBefore: new Date("2026-11-05T00:00:00Z"),
      search: "#1001",
    });
    expect(query.after).toEqual(cursor);
    expect(decodeCursor("bm90IGEgY3Vyc29y")).toBeUndefined();
  });
  it("GIVEN a newer order arriving between two pages WHEN the next page is read THEN nothing repeats or goes missing", async () => {
    const first = await listOrders(database.db, keyring, { storeId: a.store.id, limit: 3 });
    await database.db.insert(marketplaceOrders).values({
      accountId: a.accounts.ebay.id,
      storeId: a.store.id,
      marketplace: "ebay",
      marketplaceOrderId: "A-NEW",
      marketplaceStatus: "PAID",
      state: "held",
      currency: "USD",
      marketplaceCreatedAt: new Date(),
      marketplaceUpdatedAt: new Date(),
    });
    const second = await listOrders(database.db, keyring, {
      storeId: a.store.id,
      limit: 100,
      after: first.next,
    });
    const expected = expectedOrder(STORE_A_ORDERS.map((s) => s.key));
    expect(
      keysOf(
        a,
        first.rows.map((r) => r.id),
      ),
    ).toEqual(expected.slice(0, 3));
    // An offset would now repeat the third order; the keyset continues right after it.
    expect(
      keysOf(
        a,
        second.rows.map((r) => r.id),
      ),
    ).toEqual(expected.slice(3));
  });

  it("GIVEN a buyer whose data was erased WHEN searched by name or e-mail THEN the order is not found, and lists without a name", async () => {
    await purgeOrderPii(database.db, keyring, [a.ids["A-HELD"]!]);
    expect(await allKeys({ search: "john smith" })).toEqual([]);
    expect(await allKeys({ search: "john@example.com" })).toEqual([]);
    const [row] = (
      await listOrders(database.db, keyring, {
        storeId: a.store.id,
        filter: { search: "A-HELD" },
        limit: 1,
      })
    ).rows;
    expect(row!.buyerName).toBeNull();
  });
});
