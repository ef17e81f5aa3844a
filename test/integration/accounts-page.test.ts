import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { marketplaceAccounts } from "../../db/schema";
import { adminHeaders } from "../helpers/admin-auth";
import { type AppServer, startAppServer } from "../helpers/app-server";
import { type ImportWorld, startImportWorld } from "../helpers/import-world";
import { type SeededStore, seedStoreOrders } from "./order-list-fixtures";

describe("accounts page, over HTTP on the real app", () => {
  let world: ImportWorld;
  let app: AppServer;
  let store: SeededStore;

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAppServer(world);
    store = await seedStoreOrders(
      world.deps.db,
      world.deps.keyring,
      "accounts-page.myshopify.com",
      [],
    );
    const marketplaces = {
      ebay: ["EBAY_US", "EBAY_GB", "EBAY_MOTORS_US", "EBAY_XX"],
      amazon: ["A13V1IB3VIYZZH"],
    };
    for (const platform of ["ebay", "amazon"] as const) {
      await world.deps.db
        .update(marketplaceAccounts)
        .set({ marketplaceIds: marketplaces[platform] })
        .where(eq(marketplaceAccounts.id, store.accounts[platform].id));
    }
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  async function page(locale?: string): Promise<string> {
    const headers = await adminHeaders(app, store.store, locale ? { locale } : {});
    const response = await fetch(`${app.url}/app/accounts`, { headers, redirect: "manual" });
    expect(response.status).toBe(200);
    return response.text();
  }

  it("GIVEN eBay and Amazon accounts WHEN the page renders THEN both list their marketplaces by country, in the merchant's language, and an unknown id as it is", async () => {
    const english = await page();
    expect(english).toContain(
      "Marketplaces: United States, United Kingdom, eBay Motors (United States), EBAY_XX",
    );
    expect(english).toContain("Marketplaces: France");

    const french = await page("fr");
    expect(french).toContain(
      "Places de marché : États-Unis, Royaume-Uni, eBay Motors (États-Unis), EBAY_XX",
    );
    expect(french).toContain("Places de marché : France");
    expect(french).not.toContain("Places de marché : EBAY_US");
  });
});
