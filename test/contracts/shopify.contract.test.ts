import { readFileSync } from "node:fs";
import {
  buildSchema,
  type DocumentNode,
  execute,
  getOperationAST,
  getVariableValues,
  type GraphQLSchema,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShopifyConnector } from "../../connectors/shopify/client";
import { ALL_DOCUMENTS, ESTIMATED_COST } from "../../connectors/shopify/documents";
import { money } from "../../connectors/money";
import { RateLimitRegistry } from "../../connectors/rate-limit/registry";
import { ebayLineItemId, ebayOrderId, variantRef } from "../../connectors/types";
import { type ShopifySimulator, startShopifySimulator } from "../simulators/shopify";
import { SPECS_MISSING_MESSAGE, specPath, specsAvailable } from "./specs";

/**
 * Contract: every GraphQL document the Shopify connector sends is valid against the official Admin
 * API 2026-07 schema (no deprecated fields), its variables coerce against that schema, and every
 * `data` the simulator answers has exactly the requested shape with the schema's types (checked by
 * executing the document against the official schema with the answer as the root value).
 */

const SCHEMA_FILE = "shopify/admin-graphql/2026-07/schema.graphql";
const SHOP = "contract.myshopify.com";
const TOKEN = "shpat_contract";

let officialSchema: GraphQLSchema;
const parsed = new Map<string, DocumentNode>();
function official(): GraphQLSchema {
  officialSchema ??= buildSchema(readFileSync(specPath(SCHEMA_FILE), "utf8"), {
    assumeValidSDL: true,
  });
  return officialSchema;
}
function doc(query: string): DocumentNode {
  let d = parsed.get(query);
  if (!d) parsed.set(query, (d = parse(query)));
  return d;
}

/** Runs `document` over the official schema, each field read from the answer by its response key. */
function reshape(document: DocumentNode, data: unknown, variables: Record<string, unknown>) {
  return execute({
    schema: official(),
    document,
    rootValue: data,
    variableValues: variables,
    fieldResolver: (source, _args, _ctx, info) =>
      (source as Record<string, unknown> | null)?.[info.path.key as string],
  }) as Awaited<ReturnType<typeof execute>>;
}

if (!specsAvailable()) {
  describe("shopify Admin GraphQL contract", () => {
    it.skip(SPECS_MISSING_MESSAGE, () => {});
  });
}

describe.skipIf(!specsAvailable())("shopify Admin GraphQL contract (2026-07 schema)", () => {
  let sim: ShopifySimulator;

  beforeAll(async () => {
    official();
    sim = await startShopifySimulator({ scale: 100 });
    sim.addShop({ domain: SHOP, accessToken: TOKEN, currency: "EUR" });
    const { variantIds } = sim.addProduct(SHOP, {
      title: "Mug",
      variants: [
        { sku: "MUG-1", price: "19.99", inventoryQuantity: 4 },
        { sku: "MUG-2", price: "9.50", tracked: false },
      ],
    });
    const connector = createShopifyConnector({
      shop: SHOP,
      accessToken: TOKEN,
      apiKey: "sim-api-key",
      apiSecret: "sim-api-secret",
      endpoint: sim.url,
      queues: new RateLimitRegistry({ scale: 100, maxJitterMs: 5 }),
      accountKey: SHOP,
    });
    // Drive every operation, including a throttled answer and a userError.
    await connector.findVariantsBySku(["mug-1", "MUG-2", "none"]);
    const ref = await connector.createOrder({
      marketplace: "ebay",
      marketplaceOrderId: ebayOrderId("C-1"),
      currency: "EUR",
      taxesIncluded: true,
      taxCollectedByMarketplace: true,
      marketplaceTaxHandling: "record",
      lines: [
        {
          variant: variantRef(variantIds[0]!),
          sku: "MUG-1",
          title: "Mug",
          quantity: 2,
          unitPrice: money("19.99", "EUR"),
          discount: money("2.00", "EUR"),
          tax: money("6.33", "EUR"),
          marketplaceLineId: ebayLineItemId("L1"),
        },
      ],
      shipping: { title: "Standard", price: money("5.00", "EUR"), tax: money("0.83", "EUR") },
      total: money("42.98", "EUR"),
      buyer: { name: "Jean Dupont", email: "jd@example.com", phone: undefined },
      shipTo: {
        name: "Jean Dupont",
        line1: "1 rue X",
        city: "Paris",
        postalCode: "75001",
        countryCode: "FR",
      },
      tags: ["ebay"],
      inventory: { decrement: false },
      alreadyFulfilled: false,
      processedAt: new Date("2026-07-01T00:00:00Z"),
    });
    await connector.findOrderByMarketplaceRef("ebay", ebayOrderId("C-1"));
    await sim.createFulfillment(SHOP, ref.id, { company: "DHL Express", number: "JD0001" });
    const [fulfillment] = await connector.listFulfillments(ref.id);
    await connector.getFulfillment(ref.id, fulfillment!.id);
    // A parcel of 25 lines: past the 20 the fulfillment queries carry, so the rest is paged in.
    const bulk = sim.addProduct(SHOP, {
      title: "Bulk",
      variants: Array.from({ length: 25 }, (_, i) => ({ sku: `BULK-${i + 1}`, price: "1.00" })),
    });
    const bulkRef = await connector.createOrder({
      marketplace: "ebay",
      marketplaceOrderId: ebayOrderId("C-2"),
      currency: "EUR",
      taxesIncluded: false,
      taxCollectedByMarketplace: false,
      marketplaceTaxHandling: "record",
      lines: bulk.variantIds.map((id, i) => ({
        variant: variantRef(id),
        sku: `BULK-${i + 1}`,
        title: "Bulk",
        quantity: 1,
        unitPrice: money("1.00", "EUR"),
        discount: money("0.00", "EUR"),
        tax: money("0.00", "EUR"),
        marketplaceLineId: ebayLineItemId(`B${i + 1}`),
      })),
      shipping: undefined,
      total: money("25.00", "EUR"),
      buyer: { name: "Jean Dupont", email: undefined, phone: undefined },
      shipTo: {
        name: "Jean Dupont",
        line1: "1 rue X",
        city: "Paris",
        postalCode: "75001",
        countryCode: "FR",
      },
      tags: ["ebay"],
      inventory: { decrement: false },
      alreadyFulfilled: false,
      processedAt: new Date("2026-07-01T00:00:00Z"),
    });
    const bulkGid = await sim.createFulfillment(SHOP, bulkRef.id, {
      company: "UPS",
      number: "1Z1",
    });
    const bulkFulfillment = await connector.getFulfillment(bulkRef.id, bulkGid);
    expect(bulkFulfillment.lines).toHaveLength(25);
    await connector.registerWebhooks([
      { topic: "FULFILLMENTS_CREATE", callbackUrl: "https://example.com/webhooks" },
    ]);
    await connector.cancelOrder(ref.id, { restock: false, reason: "contract" });
    await connector.cancelOrder(ref.id, { restock: false, reason: "again" }).catch(() => undefined);
    sim.drainBucket(SHOP);
    await connector.findVariantsBySku(["MUG-1"]);
  }, 60_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it("GIVEN the connector's documents WHEN validated against the official schema THEN none has errors or deprecated fields", () => {
    for (const [name, query] of Object.entries(ALL_DOCUMENTS)) {
      const errors = validate(official(), doc(query), [...specifiedRules, NoDeprecatedCustomRule]);
      expect(errors.map((e) => `${name}: ${e.message}`)).toEqual([]);
    }
  });

  it("GIVEN every request the connector sent WHEN checked THEN path, auth header, document and variables conform", () => {
    const calls = sim.server.exchangesFor("graphql");
    const sent = new Set<string>();
    expect(calls.length).toBeGreaterThanOrEqual(10);
    for (const call of calls) {
      expect(call.request.method).toBe("POST");
      expect(call.request.path).toBe("/admin/api/2026-07/graphql.json");
      expect(call.request.headers["x-shopify-access-token"]).toBe(TOKEN);
      expect(call.request.headers["x-shopify-shop-domain"]).toBe(SHOP);
      expect(call.request.headers["content-type"]).toMatch(/application\/json/);
      const body = call.request.body as { query: string; variables?: Record<string, unknown> };
      expect(Object.values(ALL_DOCUMENTS)).toContain(body.query);
      sent.add(body.query);
      const document = doc(body.query);
      const operation = getOperationAST(document)!;
      const coerced = getVariableValues(
        official(),
        operation.variableDefinitions ?? [],
        body.variables ?? {},
      );
      expect(coerced.errors?.map((e) => e.message) ?? []).toEqual([]);
    }
    expect(sent.size).toBe(Object.keys(ALL_DOCUMENTS).length);
  });

  it("GIVEN every simulator answer WHEN reshaped through the official schema THEN data has exactly the requested fields and valid types", () => {
    let withData = 0;
    let throttled = 0;
    for (const call of sim.server.exchangesFor("graphql")) {
      expect(call.response.status).toBe(200);
      const body = call.response.body as {
        data?: unknown;
        errors?: { message: string; extensions?: { code?: string } }[];
        extensions?: { cost?: Record<string, unknown> };
      };
      const cost = body.extensions?.cost as {
        requestedQueryCost: number;
        actualQueryCost: number | null;
        throttleStatus: {
          maximumAvailable: number;
          currentlyAvailable: number;
          restoreRate: number;
        };
      };
      expect(cost).toBeDefined();
      expect(Number.isInteger(cost.requestedQueryCost)).toBe(true);
      expect(cost.throttleStatus.maximumAvailable).toBeGreaterThan(0);
      expect(cost.throttleStatus.restoreRate).toBeGreaterThan(0);
      if (body.errors) {
        expect(body.errors.map((e) => e.extensions?.code)).toEqual(["THROTTLED"]);
        expect(body.data).toBeUndefined();
        expect(cost.actualQueryCost).toBeNull();
        throttled++;
        continue;
      }
      const request = call.request.body as { query: string; variables?: Record<string, unknown> };
      const result = reshape(doc(request.query), body.data, request.variables ?? {});
      expect(result.errors?.map((e) => e.message) ?? []).toEqual([]);
      expect(JSON.parse(JSON.stringify(result.data))).toEqual(body.data);
      withData++;
    }
    expect(withData).toBeGreaterThanOrEqual(10);
    expect(throttled).toBeGreaterThanOrEqual(1);
  });

  it("GIVEN the connector's cost estimates WHEN compared with the simulator's requested cost THEN they agree", () => {
    const estimate: Record<string, (v: Record<string, unknown>) => number> = {
      [ALL_DOCUMENTS.VARIANTS_BY_SKU]: (v) => ESTIMATED_COST.VARIANTS_BY_SKU(v.first as number),
      [ALL_DOCUMENTS.ORDER_CREATE]: () => ESTIMATED_COST.ORDER_CREATE,
      [ALL_DOCUMENTS.ORDERS_BY_SOURCE]: () => ESTIMATED_COST.ORDERS_BY_SOURCE,
      [ALL_DOCUMENTS.ORDER_CANCEL]: () => ESTIMATED_COST.ORDER_CANCEL,
      [ALL_DOCUMENTS.ORDER_FULFILLMENTS]: () => ESTIMATED_COST.ORDER_FULFILLMENTS,
      [ALL_DOCUMENTS.FULFILLMENT]: () => ESTIMATED_COST.FULFILLMENT,
      [ALL_DOCUMENTS.FULFILLMENT_LINES]: () => ESTIMATED_COST.FULFILLMENT_LINES,
      [ALL_DOCUMENTS.WEBHOOK_SUBSCRIPTIONS]: (v) =>
        ESTIMATED_COST.WEBHOOK_SUBSCRIPTIONS(v.first as number),
      [ALL_DOCUMENTS.WEBHOOK_SUBSCRIPTION_CREATE]: () => ESTIMATED_COST.WEBHOOK_SUBSCRIPTION_CREATE,
    };
    for (const call of sim.server.exchangesFor("graphql")) {
      const request = call.request.body as { query: string; variables?: Record<string, unknown> };
      const cost = (call.response.body as { extensions: { cost: { requestedQueryCost: number } } })
        .extensions.cost.requestedQueryCost;
      expect(estimate[request.query]!(request.variables ?? {})).toBe(cost);
      expect(cost).toBeLessThanOrEqual(1000);
    }
  });
});
