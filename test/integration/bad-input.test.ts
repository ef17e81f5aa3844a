import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../db/order-list";
import type { StoreRow } from "../../db/schema";
import { adminHeaders, startAdminAppServer } from "../helpers/admin-auth";
import type { AppServer } from "../helpers/app-server";
import {
  connectEbayAccount,
  type ImportWorld,
  installShopifyStore,
  startImportWorld,
  storedAccountSettings,
} from "../helpers/import-world";

/**
 * Input no page of ours sends, but a hand-edited URL, a script or a broken proxy can: each gets an
 * answer below 500, and nothing is written.
 */
describe("bad input to the admin", () => {
  let world: ImportWorld;
  let app: AppServer;
  let store: StoreRow;
  let accountId: string;

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAdminAppServer(world);
    store = await installShopifyStore(world, { shop: "bad-input.myshopify.com" });
    accountId = await connectEbayAccount(world, store, { username: "bad_input_seller" });
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  async function request(path: string, init: RequestInit = {}) {
    const headers = await adminHeaders(app, store);
    return fetch(`${app.url}${path}`, {
      redirect: "manual",
      ...init,
      headers: { ...headers, ...(init.headers as Record<string, string>) },
    });
  }
  const ordersData = (query: string) =>
    request(`/app/orders?_data=routes/app.orders._index&${query}`);
  const storedSettings = () => storedAccountSettings(world, accountId);

  it("GIVEN days that do not exist or that Postgres cannot hold WHEN the order list is filtered by them THEN the list answers, unfiltered by them", async () => {
    for (const query of [
      "from=2026-13-45",
      "from=2026-02-31",
      "from=0000-01-01",
      "to=0000-01-01",
      "to=9999-12-31",
      "from=2026-00-10",
    ]) {
      const response = await ordersData(query);
      expect(response.status, query).toBe(200);
      expect((await response.json()).filtered, query).toBe(false);
    }
    const leapDay = await ordersData("from=2028-02-29");
    expect((await leapDay.json()).filtered).toBe(true);
  });

  it("GIVEN a tampered page cursor with year 0 or a NUL in the search WHEN the list is read THEN it answers as if they were not there", async () => {
    const cursor = encodeCursor({
      createdAt: "0000-01-01T00:00:00Z",
      id: "00000000-0000-4000-8000-000000000000",
    });
    expect((await ordersData(`after=${cursor}`)).status).toBe(200);
    const search = await ordersData("q=%00");
    expect(search.status).toBe(200);
    expect((await search.json()).filtered).toBe(false);
    expect((await ordersData("q=%23%00")).status).toBe(200);
  });

  it("GIVEN an impossible day in the filter WHEN the orders are exported THEN the CSV downloads whole", async () => {
    const response = await request("/app/orders/export?from=2026-13-45&q=%00");
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^\uFEFF?Order date/);
  });

  it("GIVEN a body that is not a form WHEN it is posted to each admin action THEN the answer is 400, not 500", async () => {
    const actions = [
      "/app/orders?index&_data=routes/app.orders._index",
      `/app/accounts/${accountId}/settings?_data=routes/app.accounts.$accountId.settings`,
      `/app/accounts/${accountId}/import`,
      "/app/accounts?index&_data=routes/app.accounts._index",
      "/app/alerts?_data=routes/app.alerts",
      "/app/sku-mappings?_data=routes/app.sku-mappings",
    ];
    const bodies: RequestInit[] = [
      { headers: { "content-type": "application/json" }, body: '{"intent":"retry"}' },
      { headers: { "content-type": "multipart/form-data; boundary=xyz" }, body: "garbage" },
      { body: new Uint8Array([1, 2, 3]) },
    ];
    for (const path of actions) {
      for (const init of bodies) {
        const response = await request(path, { method: "POST", ...init });
        expect(response.status, `${path} ${JSON.stringify(init.headers)}`).toBe(400);
      }
    }
  });

  it("GIVEN a NUL in a setting, a day that does not exist or a form larger than any of ours WHEN the settings are saved THEN 400 or 413 and nothing is saved", async () => {
    const before = await storedSettings();
    const path = `/app/accounts/${accountId}/settings?_data=routes/app.accounts.$accountId.settings`;
    const form =
      "marketplaceFulfilled=skip&stockPolicy=block&currencyPolicy=store_currencies_only&marketplaceTax=record&buyerEmail=omit&orderName=store_numbering&trackingSync=on";
    const nul = await request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `${form}&tags=a%00b`,
    });
    expect(nul.status).toBe(400);
    for (const importFrom of ["2026-02-31", "0000-01-01"]) {
      const rolledOver = await request(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `${form}&importFrom=${importFrom}`,
      });
      expect(rolledOver.status, importFrom).toBe(400);
      expect((await rolledOver.json()).fieldErrors, importFrom).toEqual({
        importFrom: "settings.error.importFrom",
      });
    }

    // Streamed, so no Content-Length says how large it is before it is read.
    const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
    let sent = 0;
    const huge = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 100) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const tooLarge = await request("/app/alerts?_data=routes/app.alerts", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: huge,
      duplex: "half",
    } as RequestInit);
    expect(tooLarge.status).toBe(413);
    expect(await storedSettings()).toEqual(before);
  });

  it("GIVEN SKU mapping input with a NUL, a short first line or an absurd page WHEN it is sent THEN each gets a reason, not a 500", async () => {
    const path = "/app/sku-mappings?_data=routes/app.sku-mappings";
    const upload = async (text: string) => {
      const form = new FormData();
      form.set("intent", "import");
      form.set("file", new Blob([text], { type: "text/csv" }), "mappings.csv");
      const response = await request(path, { method: "POST", body: form });
      return { status: response.status, body: await response.json() };
    };
    expect(await upload("store_sku,marketplace_sku,account\nSKU1,NUL\0X,all\n")).toEqual({
      status: 400,
      body: { fileError: "csv.unreadable" },
    });
    const short = await upload("store_sku,marketplace_sku,account\nTSHIRT-RED-M\n");
    expect(short.status).toBe(400);
    expect(short.body.rowErrors).toEqual([
      expect.objectContaining({ line: 2, code: "csv.marketplace_sku_missing" }),
    ]);

    const save = await request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "intent=save&accountId=all&marketplaceSku=X%00Y&storeSku=SKU1",
    });
    expect(save.status).toBe(400);

    for (const query of ["page=1000000000000000000", `page=${"9".repeat(400)}`, "q=%00"]) {
      const response = await request(`${path}&${query}`);
      expect(response.status, query).toBe(200);
      expect((await response.json()).list.page, query).toBe(1);
    }
  });
});
