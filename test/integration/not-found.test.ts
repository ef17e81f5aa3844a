import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreRow } from "../../db/schema";
import { adminHeaders, startAdminAppServer } from "../helpers/admin-auth";
import type { AppServer } from "../helpers/app-server";
import { installShopifyStore, type ImportWorld, startImportWorld } from "../helpers/import-world";

/** The links a page offers, as written in its HTML. */
const hrefs = (html: string) => [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1]);

describe("pages that do not exist", () => {
  let world: ImportWorld;
  let app: AppServer;
  let store: StoreRow;

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAdminAppServer(world);
    store = await installShopifyStore(world, { shop: "not-found.myshopify.com" });
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  async function adminGet(path: string, locale?: string) {
    const headers = await adminHeaders(app, store, locale ? { locale } : {});
    const response = await fetch(`${app.url}${path}`, { headers });
    return { status: response.status, html: await response.text() };
  }

  it("GIVEN a merchant in the admin WHEN they open an address under /app that no page serves THEN a 404 page not found inside the app layout links back to orders and the dashboard", async () => {
    const { status, html } = await adminGet("/app/nope/deeper");

    expect(status).toBe(404);
    expect(html).toContain("Page not found");
    expect(html).toContain("This page does not exist.");
    expect(html).not.toContain("Something went wrong");
    // The app's navigation is there: the layout rendered around the page.
    expect(hrefs(html)).toEqual(
      expect.arrayContaining(["/app", "/app/orders", "/app/accounts", "/app/sku-mappings"]),
    );
    expect(html).toContain("Go to orders");
    expect(html).toContain("Go to the dashboard");
    expect(html).not.toMatch(/\n\s+at /);
  });

  it("GIVEN a French merchant WHEN they open an unknown order or a malformed order id THEN the not-found page is in French with its way back", async () => {
    for (const id of ["6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f", "not-a-uuid"]) {
      const { status, html } = await adminGet(`/app/orders/${id}`, "fr-FR");
      expect(status, id).toBe(404);
      expect(html, id).toContain("Page introuvable");
      expect(html, id).toContain("Cette page n’existe pas.");
      expect(html, id).toContain("Voir les commandes");
      expect(html, id).not.toContain("Une erreur est survenue");
      expect(hrefs(html), id).toContain("/app/orders");
    }
  });

  it("GIVEN no admin session WHEN an unknown /app address is asked for THEN authentication answers first, not the not-found page", async () => {
    const response = await fetch(`${app.url}/app/nope`, {
      headers: { "user-agent": (await adminHeaders(app, store))["user-agent"]! },
      redirect: "manual",
    });
    expect(response.status).not.toBe(404);
    expect(response.status).not.toBe(200);
  });

  it("GIVEN a visitor outside the admin WHEN they open an address no route serves THEN a styled 404 page links to the app's home, in their language", async () => {
    const english = await fetch(`${app.url}/nope`);
    expect(english.status).toBe(404);
    const html = await english.text();
    expect(html).toContain("Page not found");
    expect(html).toContain("Go to Marketsync");
    expect(hrefs(html)).toContain("/");
    // Polaris' own styles and markup, not a bare unstyled paragraph.
    expect(html).toMatch(/class="Polaris-/);
    expect(html).toContain('rel="icon"');

    const french = await fetch(`${app.url}/nulle-part`, {
      headers: { "accept-language": "fr-FR,fr;q=0.9" },
    });
    expect(french.status).toBe(404);
    const page = await french.text();
    expect(page).toContain("Page introuvable");
    expect(page).toContain("Aller sur Marketsync");
    expect(page).not.toMatch(/\n\s+at /);
  });
});
