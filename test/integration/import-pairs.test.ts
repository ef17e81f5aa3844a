import { asc, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../connectors/money";
import type { AccountSettingsInput } from "../../db/account-settings";
import {
  marketplaceAccounts,
  marketplaceOrders,
  orderLinks,
  type StoreRow,
  syncEvents,
} from "../../db/schema";
import { cancelImportedOrder } from "../../jobs/import/cancel-order";
import { pollAccount } from "../../jobs/import/poll-account";
import { processOrder } from "../../jobs/import/process-order";
import {
  connectAmazonAccount,
  connectEbayAccount,
  type ImportWorld,
  installBigCommerceStore,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";

/**
 * Every marketplace → store pair through the real pipeline: the marketplace simulator holds the
 * orders, `pollAccount` reads them into the database and enqueues `order.process` jobs, the jobs
 * are fetched from pg-boss and run with `processOrder`, and the store simulator's copy of each
 * created order is compared with the marketplace's to the cent. A US (USD) account and a French
 * (EUR, VAT-inclusive) account run side by side in each pair, each into a store of its currency.
 */

type Marketplace = "ebay" | "amazon";
type StorePlatform = "shopify" | "bigcommerce";
type Site = "US" | "FR";

interface SeedLine {
  sku: string;
  title: string;
  quantity: number;
  unitPrice: string;
  shipping?: string;
  tax?: string;
  discount?: string;
}

interface Expected {
  marketplaceOrderId: string;
  currency: string;
  totalMinor: number;
  lines: { sku: string; quantity: number; unitMinor: number }[];
  shipTo: ShipTo;
}

interface ShipTo {
  name: string;
  line1: string;
  city: string;
  postalCode: string;
  countryCode: string;
}

/** A created store order, read back from the store simulator in one shape for both stores. */
interface StoredOrder {
  marketplaceOrderId: string;
  currency: string;
  totalMinor: number;
  lines: { sku: string; variantRef: string; quantity: number; unitMinor: number }[];
  shipTo: ShipTo;
  cancelled: boolean;
}

const SITES: Record<
  Site,
  {
    currency: string;
    ebayMarketplace: string;
    amazonMarketplace: string;
    shipTo: ShipTo & { region?: string };
    lines: SeedLine[];
    /** The buyer's total, computed by hand from `lines` (VAT inside prices on the French site). */
    totalMinor: number;
  }
> = {
  US: {
    currency: "USD",
    ebayMarketplace: "EBAY_US",
    amazonMarketplace: "ATVPDKIKX0DER",
    shipTo: {
      name: "Jane Buyer",
      line1: "2145 Hamilton Ave",
      city: "San Jose",
      region: "CA",
      postalCode: "95125",
      countryCode: "US",
    },
    lines: [
      {
        sku: "MUG-BLUE",
        title: "Blue ceramic mug",
        quantity: 3,
        unitPrice: "12.99",
        shipping: "5.50",
        tax: "3.04",
      },
      { sku: "TEE-L", title: "T-shirt, large", quantity: 2, unitPrice: "19.99", tax: "2.88" },
    ],
    // 3 × 12.99 + 2 × 19.99 + 5.50 shipping + 3.04 + 2.88 sales tax on top
    totalMinor: 3897 + 3998 + 550 + 304 + 288,
  },
  FR: {
    currency: "EUR",
    ebayMarketplace: "EBAY_FR",
    amazonMarketplace: "A13V1IB3VIYZZH",
    shipTo: {
      name: "Camille Martin",
      line1: "12 rue de la Paix",
      city: "Paris",
      postalCode: "75002",
      countryCode: "FR",
    },
    lines: [
      {
        sku: "BOL-VERT",
        title: "Bol en grès vert",
        quantity: 2,
        unitPrice: "24.90",
        shipping: "6.90",
        tax: "9.45",
      },
      { sku: "TASSE-01", title: "Tasse émaillée", quantity: 3, unitPrice: "15.00", tax: "7.50" },
    ],
    // 2 × 24.90 + 3 × 15.00 + 6.90 shipping; the VAT is inside the prices
    totalMinor: 4980 + 4500 + 690,
  },
};

let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++counter}`;

async function installStore(world: ImportWorld, platform: StorePlatform, currency: string) {
  const store =
    platform === "shopify"
      ? await installShopifyStore(world, { shop: `${unique("pairs")}.myshopify.com`, currency })
      : await installBigCommerceStore(world, { hash: unique("pairs"), currency });
  // Catalog prices differ from the marketplace's on purpose: the order must carry the latter.
  seedCatalog(
    world,
    store,
    [...SITES.US.lines, ...SITES.FR.lines].map((l) => ({
      sku: l.sku,
      title: l.title,
      price: "99.00",
    })),
  );
  return store;
}

async function connect(
  world: ImportWorld,
  marketplace: Marketplace,
  store: StoreRow,
  site: Site,
  settings: AccountSettingsInput = {},
) {
  return marketplace === "ebay"
    ? connectEbayAccount(world, store, {
        username: unique(`seller_${site.toLowerCase()}_`),
        marketplaceId: SITES[site].ebayMarketplace,
        settings,
      })
    : connectAmazonAccount(world, store, {
        marketplaceId: SITES[site].amazonMarketplace,
        settings,
      });
}

/** Seeds one order of the site's shape on the marketplace; returns its id. */
async function seedOrder(
  world: ImportWorld,
  marketplace: Marketplace,
  accountId: string,
  site: Site,
  createdAgoMs = 30 * 60_000,
): Promise<string> {
  const s = SITES[site];
  const a = s.shipTo;
  if (marketplace === "ebay") {
    const [account] = await world.database.db
      .select({ sellerId: marketplaceAccounts.sellerId })
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, accountId));
    return world.simulators.ebay.seedOrder({
      seller: account!.sellerId,
      shipTo: {
        fullName: a.name,
        addressLine1: a.line1,
        city: a.city,
        ...(a.region ? { stateOrProvince: a.region } : {}),
        postalCode: a.postalCode,
        countryCode: a.countryCode,
      },
      lines: s.lines.map((l) => ({
        sku: l.sku,
        title: l.title,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        ...(l.shipping ? { shipping: l.shipping } : {}),
        ...(l.tax ? { tax: l.tax } : {}),
      })),
    });
  }
  const seeded = world.simulators.amazon.seedOrder({
    marketplaceId: s.amazonMarketplace,
    marketplaceFacilitator: true,
    createdTime: new Date(Date.now() - createdAgoMs).toISOString(),
    buyer: { name: a.name },
    shipTo: {
      name: a.name,
      addressLine1: a.line1,
      city: a.city,
      ...(a.region ? { stateOrRegion: a.region } : {}),
      postalCode: a.postalCode,
      countryCode: a.countryCode,
    },
    items: s.lines.map((l) => ({
      sku: l.sku,
      title: l.title,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      ...(l.shipping ? { shipping: l.shipping } : {}),
      ...(l.tax ? { tax: l.tax } : {}),
    })),
  });
  return seeded.orderId;
}

function expectedOrder(site: Site, marketplaceOrderId: string): Expected {
  const s = SITES[site];
  const { region: _region, ...shipTo } = s.shipTo;
  return {
    marketplaceOrderId,
    currency: s.currency,
    totalMinor: s.totalMinor,
    lines: s.lines.map((l) => ({
      sku: l.sku,
      quantity: l.quantity,
      unitMinor: toMinor(l.unitPrice, s.currency),
    })),
    shipTo,
  };
}

/** Every order the store simulator holds for this store. */
function storeOrders(world: ImportWorld, store: StoreRow): StoredOrder[] {
  if (store.platform === "shopify") {
    return world.simulators.shopify.orders(store.externalId).map((o) => {
      const a = (o.input as { shippingAddress: Record<string, string> }).shippingAddress;
      return {
        marketplaceOrderId: o.sourceIdentifier ?? "",
        currency: o.currency,
        totalMinor: toMinor(o.totalPrice, o.currency),
        lines: o.lines.map((l) => ({
          sku: l.sku ?? "",
          variantRef: `gid://shopify/ProductVariant/${l.variantId}`,
          quantity: l.quantity,
          unitMinor: toMinor(l.price, o.currency),
        })),
        shipTo: {
          name: [a.firstName, a.lastName].filter(Boolean).join(" "),
          line1: a.address1 ?? "",
          city: a.city ?? "",
          postalCode: a.zip ?? "",
          countryCode: a.countryCode ?? "",
        },
        cancelled: o.cancelledAt !== null,
      };
    });
  }
  const bc = world.simulators.bigcommerce;
  return bc.orders(store.externalId).map(({ order, products }) => {
    const c = String(order.currency_code);
    const m = (v: unknown) => toMinor(String(v), c);
    // The address as the store received it (the simulator keeps none on the order itself).
    const posted = bc.server
      .exchangesFor("createOrder")
      .map((e) => e.request.body as { external_order_id?: string; shipping_addresses: Row[] })
      .find((b) => b.external_order_id === order.external_order_id)!;
    const a = posted.shipping_addresses[0]!;
    // VAT-inclusive orders carry the price the buyer saw inc. tax, others ex. tax.
    const inclusive = c === "EUR";
    return {
      marketplaceOrderId: String(order.external_order_id),
      currency: c,
      totalMinor: m(order.total_inc_tax),
      lines: products.map((p) => ({
        sku: String(p.sku),
        variantRef: `${String(p.product_id)}:${String(p.variant_id)}`,
        quantity: p.quantity as number,
        unitMinor: m(inclusive ? p.price_inc_tax : p.price_ex_tax),
      })),
      shipTo: {
        name: [a.first_name, a.last_name].filter(Boolean).join(" "),
        line1: String(a.street_1 ?? ""),
        city: String(a.city ?? ""),
        postalCode: String(a.zip ?? ""),
        countryCode: String(a.country_iso2 ?? ""),
      },
      cancelled: order.status_id === 5,
    };
  });
}
type Row = Record<string, unknown>;

/** The store's own variant for a SKU, in the simulator's terms. */
function catalogVariantRef(world: ImportWorld, store: StoreRow, sku: string): string {
  if (store.platform === "shopify") {
    const line = world.simulators.shopify
      .orders(store.externalId)
      .flatMap((o) => o.lines)
      .find((l) => l.sku === sku && l.variantId !== undefined);
    const ref = `gid://shopify/ProductVariant/${line?.variantId}`;
    expect(world.simulators.shopify.variant(store.externalId, ref)?.sku).toBe(sku);
    return ref;
  }
  const variant = world.simulators.bigcommerce.variant(store.externalId, sku);
  return `${variant?.product_id}:${variant?.id}`;
}

/** Runs every queued import job the way the worker would, until none is left. */
async function runQueuedJobs(world: ImportWorld): Promise<string[]> {
  const outcomes: string[] = [];
  for (;;) {
    let ran = 0;
    for (const name of ["order.process", "order.cancel"] as const) {
      const jobs = await world.jobs.boss.fetch<{ orderId: string }>(name, { batchSize: 100 });
      for (const job of jobs) {
        outcomes.push(
          name === "order.process"
            ? await processOrder(world.deps, { orderId: job.data.orderId })
            : await cancelImportedOrder(world.deps, { orderId: job.data.orderId }),
        );
        await world.jobs.boss.complete(name, job.id);
        ran += 1;
      }
    }
    if (ran === 0) return outcomes;
  }
}

async function jobCount(world: ImportWorld): Promise<number> {
  let total = 0;
  for (const name of ["order.process", "order.cancel"]) {
    total += (await world.jobs.boss.findJobs(name, { limit: 100_000 })).length;
  }
  return total;
}

async function rowCounts(world: ImportWorld, accountId: string) {
  const db = world.database.db;
  const ids = db
    .select({ id: marketplaceOrders.id })
    .from(marketplaceOrders)
    .where(eq(marketplaceOrders.accountId, accountId));
  const [orders] = await db
    .select({ n: count() })
    .from(marketplaceOrders)
    .where(eq(marketplaceOrders.accountId, accountId));
  const [events] = await db
    .select({ n: count() })
    .from(syncEvents)
    .where(inArray(syncEvents.orderId, ids));
  const [links] = await db
    .select({ n: count() })
    .from(orderLinks)
    .where(eq(orderLinks.accountId, accountId));
  return { orders: orders!.n, events: events!.n, links: links!.n, jobs: await jobCount(world) };
}

const PAIRS: [Marketplace, StorePlatform][] = [
  ["ebay", "shopify"],
  ["ebay", "bigcommerce"],
  ["amazon", "shopify"],
  ["amazon", "bigcommerce"],
];
const LABEL = { ebay: "eBay", amazon: "Amazon", shopify: "Shopify", bigcommerce: "BigCommerce" };

describe.each(PAIRS)("%s → %s import", (marketplace, platform) => {
  let world: ImportWorld;
  beforeAll(async () => {
    world = await startImportWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it(`GIVEN a US (USD) and a French (EUR, VAT-inclusive) ${LABEL[marketplace]} account, each with new orders, WHEN the accounts are polled and the order.process jobs run THEN each order is created once in its ${LABEL[platform]} store with the marketplace's lines, unit prices, total to the cent and shipping address, and its timeline reads received → creating → imported`, async () => {
    const sides = [];
    for (const site of ["US", "FR"] as const) {
      const store = await installStore(world, platform, SITES[site].currency);
      const accountId = await connect(world, marketplace, store, site);
      const ids = [
        await seedOrder(world, marketplace, accountId, site),
        await seedOrder(world, marketplace, accountId, site),
      ];
      sides.push({ site, store, accountId, ids });
    }

    for (const side of sides) {
      const poll = await pollAccount(world.deps, { accountId: side.accountId });
      expect(poll).toMatchObject({ status: "done", seen: 2, created: 2, updated: 0 });
    }
    const outcomes = await runQueuedJobs(world);
    expect(outcomes).toEqual(["imported", "imported", "imported", "imported"]);

    for (const side of sides) {
      const stored = storeOrders(world, side.store);
      expect(stored.map((o) => o.marketplaceOrderId).sort()).toEqual([...side.ids].sort());
      const links = await world.deps.db
        .select()
        .from(orderLinks)
        .where(eq(orderLinks.accountId, side.accountId));
      expect(links.map((l) => l.state)).toEqual(["created", "created"]);

      for (const id of side.ids) {
        const expected = expectedOrder(side.site, id);
        const got = stored.find((o) => o.marketplaceOrderId === id)!;
        expect(got.currency).toBe(expected.currency);
        expect(
          got.lines.map(({ sku, quantity, unitMinor }) => ({ sku, quantity, unitMinor })),
        ).toEqual(expected.lines);
        // Each line went to the store's variant for its SKU (not a custom line).
        expect(got.lines.map((l) => l.variantRef)).toEqual(
          expected.lines.map((l) => catalogVariantRef(world, side.store, l.sku)),
        );
        expect(got.totalMinor).toBe(expected.totalMinor);
        expect(got.shipTo).toEqual(expected.shipTo);
        expect(got.cancelled).toBe(false);

        const [row] = await world.deps.db
          .select()
          .from(marketplaceOrders)
          .where(eq(marketplaceOrders.marketplaceOrderId, id));
        expect(row).toMatchObject({
          state: "imported",
          currency: expected.currency,
          totalMinor: expected.totalMinor,
        });
        const [link] = await world.deps.db
          .select()
          .from(orderLinks)
          .where(eq(orderLinks.orderId, row!.id));
        expect(link).toMatchObject({ state: "created", attempts: 1 });
        const timeline = await world.deps.db
          .select({ kind: syncEvents.kind, params: syncEvents.params })
          .from(syncEvents)
          .where(eq(syncEvents.orderId, row!.id))
          .orderBy(asc(syncEvents.id));
        expect(timeline.map((e) => e.kind)).toEqual([
          "order.received",
          "order.creating",
          "order.imported",
        ]);
        expect(timeline[2]!.params).toMatchObject({ storeOrderId: link!.storeOrderId });
      }
    }
  });

  it(`GIVEN ${LABEL[marketplace]} orders already imported into ${LABEL[platform]} WHEN the same window is polled again THEN nothing changes: 0 created or updated, no new rows, events, jobs or store orders`, async () => {
    const store = await installStore(world, platform, "USD");
    // Every Amazon account of the world is the simulator's one seller: this account starts after
    // the first test's orders, so it sees only its own.
    const importFrom = new Date(Date.now() - 60_000).toISOString();
    const accountId = await connect(world, marketplace, store, "US", { importFrom });
    await seedOrder(world, marketplace, accountId, "US", 5_000);
    await seedOrder(world, marketplace, accountId, "US", 5_000);
    await pollAccount(world.deps, { accountId });
    expect(await runQueuedJobs(world)).toEqual(["imported", "imported"]);
    const before = await rowCounts(world, accountId);
    expect(before).toMatchObject({ orders: 2, events: 6, links: 2 });
    const storeBefore = storeOrders(world, store);

    // Twice: once from the cursor (minus its overlap), once over an explicit wider window.
    const again = await pollAccount(world.deps, { accountId });
    expect(again).toMatchObject({ status: "done", seen: 2, created: 0, updated: 0 });
    const wider = await pollAccount(world.deps, {
      accountId,
      // Twice the cursor's overlap; still after the first test's orders (30 minutes old).
      since: new Date(Date.now() - 20 * 60_000),
    });
    expect(wider).toMatchObject({ status: "done", seen: 2, created: 0, updated: 0 });
    expect(await runQueuedJobs(world)).toEqual([]);

    expect(await rowCounts(world, accountId)).toEqual(before);
    expect(storeOrders(world, store)).toEqual(storeBefore);
  });
});
