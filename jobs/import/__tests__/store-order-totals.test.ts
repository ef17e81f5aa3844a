import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAmazonConnector } from "../../../connectors/amazon/client";
import { createBigCommerceConnector } from "../../../connectors/bigcommerce/client";
import { createEbayConnector } from "../../../connectors/ebay/client";
import type { EbayOrder } from "../../../connectors/ebay/types";
import { toMinor } from "../../../connectors/money";
import { RateLimitRegistry } from "../../../connectors/rate-limit/registry";
import { createShopifyConnector } from "../../../connectors/shopify/client";
import {
  amazonOrderId,
  ebayOrderId,
  type MarketplaceConnector,
  type MarketplaceName,
  type MarketplaceOrder,
  type MarketplaceOrderId,
  type StoreConnector,
  type StoreName,
  type StoreOrderRef,
} from "../../../connectors/types";
import { parseAccountSettings } from "../../../db/account-settings";
import {
  type AmazonSimulator,
  SIM_CLIENT_ID,
  SIM_CLIENT_SECRET,
  SIM_REFRESH_TOKEN,
  startAmazonSimulator,
} from "../../../test/simulators/amazon";
import {
  type BigCommerceSimulator,
  startBigCommerceSimulator,
} from "../../../test/simulators/bigcommerce";
import {
  type EbaySimulator,
  type IssuedTokens,
  startEbaySimulator,
} from "../../../test/simulators/ebay";
import { type ShopifySimulator, startShopifySimulator } from "../../../test/simulators/shopify";
import { buildStoreOrderInput } from "../store-order";

/**
 * Every marketplace → store pair, end to end through the real connectors and simulators: seed a
 * marketplace order, read it with the marketplace connector, resolve its SKUs in the store, build
 * the input, create the store order, read the stored order back from the store simulator and
 * compare it with the marketplace order to the cent.
 */

const SCALE = 100;
const API_KEY = "totals-key";
const API_SECRET = "totals-secret";

let shopifySim: ShopifySimulator;
let bigcommerceSim: BigCommerceSimulator;
let ebaySim: EbaySimulator;
let amazonSim: AmazonSimulator;
let ebayUs: IssuedTokens;
let ebayFr: IssuedTokens;
let counter = 0;

beforeAll(async () => {
  [shopifySim, bigcommerceSim, ebaySim, amazonSim] = await Promise.all([
    startShopifySimulator({ scale: SCALE, apiKey: API_KEY, apiSecret: API_SECRET }),
    startBigCommerceSimulator({ scale: SCALE }),
    startEbaySimulator({ scale: SCALE }),
    startAmazonSimulator({ scale: SCALE, port: 0 }),
  ]);
  ebayUs = ebaySim.addAccount({ username: "totals_us", marketplaceId: "EBAY_US" });
  ebayFr = ebaySim.addAccount({ username: "totals_fr", marketplaceId: "EBAY_FR" });
});

afterAll(async () => {
  await Promise.all([
    shopifySim?.stop(),
    bigcommerceSim?.stop(),
    ebaySim?.stop(),
    amazonSim?.stop(),
  ]);
});

const registry = () => new RateLimitRegistry({ scale: SCALE, maxJitterMs: 5 });

type Site = "US" | "FR";
type TaxMode = "record" | "leave_out";

const PRODUCTS: Record<Site, { sku: string; title: string }[]> = {
  US: [
    { sku: "MUG-BLUE", title: "Blue ceramic mug" },
    { sku: "TEE-L", title: "T-shirt, large" },
  ],
  FR: [
    { sku: "BOL-VERT", title: "Bol en grès vert" },
    { sku: "TASSE-01", title: "Tasse émaillée" },
  ],
};

const SHIP_TO = {
  US: {
    name: "Jane Buyer",
    line1: "2145 Hamilton Ave",
    city: "San Jose",
    region: "CA",
    postalCode: "95125",
    countryCode: "US",
  },
  FR: {
    name: "Camille Martin",
    line1: "12 rue de la Paix",
    city: "Paris",
    region: undefined,
    postalCode: "75002",
    countryCode: "FR",
  },
} as const;

interface MarketplaceSide {
  seed(site: Site): Promise<{ id: MarketplaceOrderId; connector: MarketplaceConnector }>;
}

const MARKETPLACES: Record<MarketplaceName, MarketplaceSide> = {
  ebay: {
    async seed(site) {
      const a = SHIP_TO[site];
      const shipTo = {
        fullName: a.name,
        addressLine1: a.line1,
        city: a.city,
        ...(a.region ? { stateOrProvince: a.region } : {}),
        postalCode: a.postalCode,
        countryCode: a.countryCode,
      };
      const id =
        site === "US"
          ? ebaySim.seedOrder({
              seller: "totals_us",
              shipTo,
              lines: [
                {
                  sku: "MUG-BLUE",
                  title: "Blue ceramic mug",
                  quantity: 3,
                  unitPrice: "12.99",
                  shipping: "5.50",
                  discount: "1.50",
                  tax: "3.04",
                },
                {
                  sku: "TEE-L",
                  title: "T-shirt, large",
                  quantity: 2,
                  unitPrice: "19.99",
                  shipping: "2.00",
                  discount: "2.00",
                  tax: "2.88",
                },
              ],
            })
          : ebaySim.seedOrder({
              seller: "totals_fr",
              shipTo,
              lines: [
                {
                  sku: "BOL-VERT",
                  title: "Bol en grès vert",
                  quantity: 2,
                  unitPrice: "24.90",
                  shipping: "6.90",
                  tax: "9.45",
                },
                {
                  sku: "TASSE-01",
                  title: "Tasse émaillée",
                  quantity: 3,
                  unitPrice: "15.00",
                  discount: "4.50",
                  tax: "6.75",
                },
              ],
            });
      const tokens = site === "US" ? ebayUs : ebayFr;
      const connector = createEbayConnector({
        endpoint: ebaySim.url,
        queues: registry(),
        accountKey: site === "US" ? "totals_us" : "totals_fr",
        credentials: ebaySim.app,
        tokens: { ...tokens },
        timeoutMs: 5_000,
      });
      return { id: ebayOrderId(id), connector };
    },
  },
  amazon: {
    async seed(site) {
      const a = SHIP_TO[site];
      const marketplaceId = site === "US" ? "ATVPDKIKX0DER" : "A13V1IB3VIYZZH";
      const seeded = amazonSim.seedOrder({
        marketplaceId,
        // Amazon collects and remits: US marketplace facilitator, EU VAT (OSS) alike.
        marketplaceFacilitator: true,
        createdTime: new Date(Date.now() - 2 * 3_600_000).toISOString(),
        buyer: { name: a.name },
        shipTo: {
          name: a.name,
          addressLine1: a.line1,
          city: a.city,
          ...(a.region ? { stateOrRegion: a.region } : {}),
          postalCode: a.postalCode,
          countryCode: a.countryCode,
        },
        items:
          site === "US"
            ? [
                {
                  sku: "MUG-BLUE",
                  title: "Blue ceramic mug",
                  quantity: 3,
                  unitPrice: "12.99",
                  tax: "3.04",
                  shipping: "5.50",
                  shippingTax: "0.45",
                  discount: "1.50",
                  shippingDiscount: "1.00",
                },
                {
                  sku: "TEE-L",
                  title: "T-shirt, large",
                  quantity: 2,
                  unitPrice: "19.99",
                  tax: "2.88",
                  shipping: "2.00",
                  discount: "2.00",
                },
              ]
            : [
                {
                  sku: "BOL-VERT",
                  title: "Bol en grès vert",
                  quantity: 2,
                  unitPrice: "24.90",
                  tax: "8.30",
                  shipping: "6.90",
                  shippingTax: "1.15",
                },
                {
                  sku: "TASSE-01",
                  title: "Tasse émaillée",
                  quantity: 3,
                  unitPrice: "15.00",
                  tax: "6.75",
                  discount: "4.50",
                },
              ],
      });
      const connector = createAmazonConnector({
        region: site === "US" ? "na" : "eu",
        marketplaceIds: [marketplaceId],
        clientId: SIM_CLIENT_ID,
        clientSecret: SIM_CLIENT_SECRET,
        tokens: { refreshToken: SIM_REFRESH_TOKEN },
        endpoint: amazonSim.url,
        queues: registry(),
        accountKey: `totals-amazon-${site}`,
        timeoutMs: 5_000,
      });
      return { id: amazonOrderId(seeded.orderId), connector };
    },
  },
};

/** The stored store order, in one shape for both stores. */
interface StoredOrder {
  currency: string;
  /** Shopify's `taxesIncluded`; BigCommerce has no such flag (it keeps both prices). */
  taxesIncluded: boolean | undefined;
  lines: { variant: string; quantity: number; unitMinor: number }[];
  shippingMinor: number;
  taxMinor: number;
  /** Tax lines flagged as the marketplace's (Shopify channelLiable); BigCommerce has no flag. */
  taxLinesMarketplaceLiable: boolean | undefined;
  discountMinor: number;
  totalMinor: number;
  /** Amount paid on the store order (Shopify transaction); BigCommerce has none. */
  paidMinor: number | undefined;
  name: string | undefined;
  shipTo: { name: string; line1: string; city: string; postalCode: string; countryCode: string };
  /** BigCommerce's stored billing address (the ship-to, as marketplaces give no billing one). */
  billTo?: StoredOrder["shipTo"];
}

interface StoreSide {
  setup(currency: string): {
    connector: StoreConnector;
    read(ref: StoreOrderRef, pricesIncludeTax: boolean): StoredOrder;
  };
}

type Bag = { shopMoney: { amount: string; currencyCode: string } };
type TaxLine = { priceSet: Bag; channelLiable: boolean };
type BcPosted = { external_order_id?: string; shipping_addresses: Record<string, string>[] };

const STORES: Record<StoreName, StoreSide> = {
  shopify: {
    setup(currency) {
      const shop = `totals${++counter}.myshopify.com`;
      const accessToken = `shpat_totals_${counter}`;
      shopifySim.addShop({ domain: shop, accessToken, currency });
      for (const p of PRODUCTS.US.concat(PRODUCTS.FR)) {
        // Catalog prices differ from the marketplace's on purpose: the order must not use them.
        shopifySim.addProduct(shop, {
          title: p.title,
          variants: [{ sku: p.sku, price: "99.00", inventoryQuantity: 20 }],
        });
      }
      const connector = createShopifyConnector({
        shop,
        accessToken,
        apiKey: API_KEY,
        apiSecret: API_SECRET,
        endpoint: shopifySim.url,
        queues: registry(),
        accountKey: shop,
        timeoutMs: 5_000,
      });
      return {
        connector,
        read(ref) {
          const rec = shopifySim.orders(shop).find((o) => `gid://shopify/Order/${o.id}` === ref.id);
          if (!rec) throw new Error(`order ${ref.id} not in the simulator`);
          const c = rec.currency;
          const minor = (bag: Bag | undefined) => (bag ? toMinor(bag.shopMoney.amount, c) : 0);
          const input = rec.input as {
            lineItems: { taxLines?: TaxLine[] }[];
            shippingLines?: { priceSet: Bag; taxLines?: TaxLine[] }[];
            discountCode?: { itemFixedDiscountCode?: { amountSet: Bag } };
            transactions?: { amountSet: Bag }[];
            shippingAddress: Record<string, string>;
          };
          const taxLines = [
            ...input.lineItems.flatMap((l) => l.taxLines ?? []),
            ...(input.shippingLines ?? []).flatMap((s) => s.taxLines ?? []),
          ];
          const a = input.shippingAddress;
          return {
            currency: c,
            taxesIncluded: rec.taxesIncluded,
            lines: rec.lines.map((l) => ({
              variant: `gid://shopify/ProductVariant/${l.variantId}`,
              quantity: l.quantity,
              unitMinor: toMinor(l.price, c),
            })),
            shippingMinor: (input.shippingLines ?? []).reduce((s, l) => s + minor(l.priceSet), 0),
            taxMinor: taxLines.reduce((s, t) => s + minor(t.priceSet), 0),
            taxLinesMarketplaceLiable: taxLines.length
              ? taxLines.every((t) => t.channelLiable)
              : undefined,
            discountMinor: minor(input.discountCode?.itemFixedDiscountCode?.amountSet),
            totalMinor: toMinor(rec.totalPrice, c),
            paidMinor: (input.transactions ?? []).reduce((s, t) => s + minor(t.amountSet), 0),
            name: rec.name,
            shipTo: {
              name: [a.firstName, a.lastName].filter(Boolean).join(" "),
              line1: a.address1 ?? "",
              city: a.city ?? "",
              postalCode: a.zip ?? "",
              countryCode: a.countryCode ?? "",
            },
          };
        },
      };
    },
  },
  bigcommerce: {
    setup(currency) {
      const hash = `totals${++counter}`;
      const token = `bc-token-${counter}`;
      bigcommerceSim.createStore({
        hash,
        currency,
        currencies: [currency],
        tokens: [{ token, clientId: "totals-client" }],
      });
      for (const p of PRODUCTS.US.concat(PRODUCTS.FR)) {
        bigcommerceSim.seedProduct(hash, {
          name: p.title,
          price: 99,
          variants: [{ sku: p.sku, inventory_level: 20 }],
        });
      }
      const connector = createBigCommerceConnector({
        storeHash: hash,
        accessToken: token,
        endpoint: bigcommerceSim.url,
        queues: registry(),
        accountKey: hash,
        externalSource: "marketsync-totals",
        timeoutMs: 5_000,
      });
      return {
        connector,
        read(ref, pricesIncludeTax) {
          const stored = bigcommerceSim.order(hash, Number(ref.id));
          if (!stored) throw new Error(`order ${ref.id} not in the simulator`);
          const o = stored.order as Record<string, string>;
          const c = o.currency_code!;
          const m = (v: unknown) => toMinor(String(v), c);
          // The shipping address as the store received it (the simulator's order keeps no copy).
          const posted = bigcommerceSim.server
            .exchangesFor("createOrder")
            .map((e) => e.request.body as BcPosted)
            .find((b) => b.external_order_id === o.external_order_id)!;
          const a = posted.shipping_addresses[0]!;
          const b = stored.order.billing_address as Record<string, string>;
          // BigCommerce keeps ex- and inc-tax figures and no "taxes included" flag: the price the
          // buyer saw is the inc-tax one on VAT-inclusive orders, the ex-tax one elsewhere.
          const price = (p: Record<string, unknown>) =>
            m(pricesIncludeTax ? p.price_inc_tax : p.price_ex_tax);
          return {
            currency: c,
            taxesIncluded: undefined,
            lines: stored.products.map((p) => ({
              variant: `${String(p.product_id)}:${String(p.variant_id)}`,
              quantity: p.quantity as number,
              unitMinor: price(p),
            })),
            shippingMinor: m(pricesIncludeTax ? o.shipping_cost_inc_tax : o.shipping_cost_ex_tax),
            taxMinor: m(o.total_tax),
            taxLinesMarketplaceLiable: undefined,
            discountMinor: m(o.discount_amount),
            totalMinor: m(o.total_inc_tax),
            paidMinor: undefined,
            name: undefined,
            shipTo: {
              name: [a.first_name, a.last_name].filter(Boolean).join(" "),
              line1: a.street_1 ?? "",
              city: a.city ?? "",
              postalCode: a.zip ?? "",
              countryCode: a.country_iso2 ?? "",
            },
            billTo: {
              name: [b.first_name, b.last_name].filter(Boolean).join(" "),
              line1: b.street_1 ?? "",
              city: b.city ?? "",
              postalCode: b.zip ?? "",
              countryCode: b.country_iso2 ?? "",
            },
          };
        },
      };
    },
  },
};

const PAIRS: [MarketplaceName, StoreName][] = [
  ["ebay", "shopify"],
  ["ebay", "bigcommerce"],
  ["amazon", "shopify"],
  ["amazon", "bigcommerce"],
];
const CASES: { site: Site; taxMode: TaxMode; order: string; tax: string }[] = [
  { site: "US", taxMode: "record", order: "a US USD", tax: "sales tax recorded" },
  { site: "US", taxMode: "leave_out", order: "a US USD", tax: "sales tax left out" },
  { site: "FR", taxMode: "record", order: "a French EUR VAT-inclusive", tax: "VAT recorded" },
  { site: "FR", taxMode: "leave_out", order: "a French EUR VAT-inclusive", tax: "VAT left out" },
];

const LABEL: Record<MarketplaceName | StoreName, string> = {
  ebay: "eBay",
  amazon: "Amazon",
  shopify: "Shopify",
  bigcommerce: "BigCommerce",
};

describe.each(PAIRS)("%s → %s", (marketplace, storeName) => {
  it.each(CASES)(
    `GIVEN $order ${LABEL[marketplace]} order (multi-quantity lines, promotions, shipping, marketplace-collected tax) with $tax WHEN it is read, resolved, built and created in ${LABEL[storeName]} THEN lines, shipping, tax, discount, total and address match the marketplace's to the cent`,
    async ({ site, taxMode }) => {
      // 1. The marketplace order, through the marketplace connector.
      const seeded = await MARKETPLACES[marketplace].seed(site);
      const order: MarketplaceOrder = await seeded.connector.getOrder(seeded.id);
      const currency = site === "US" ? "USD" : "EUR";
      expect(order.currency).toBe(currency);
      expect(order.pricesIncludeTax).toBe(site === "FR");
      expect(order.taxCollectedByMarketplace).toBe(true);
      expect(order.lines.some((l) => l.quantity > 1)).toBe(true);
      expect(order.totals.discount.amountMinor).toBeGreaterThan(0);
      expect(order.totals.shipping.amountMinor).toBeGreaterThan(0);
      expect(order.totals.tax.amountMinor).toBeGreaterThan(0);

      // 2. Variants by SKU in the store.
      const store = STORES[storeName].setup(currency);
      const skus = order.lines.map((l) => l.sku!);
      const found = await store.connector.findVariantsBySku(skus);
      const resolvedLines = order.lines.map((l) => {
        const matches = found.get(l.sku!) ?? [];
        expect(matches, `variants for ${l.sku}`).toHaveLength(1);
        return { lineId: l.lineId, variant: matches[0]! };
      });

      // 3. Build and create.
      const input = buildStoreOrderInput({
        order,
        resolvedLines,
        settings: parseAccountSettings({
          marketplaceTax: taxMode,
          buyerEmail: "relay",
          orderName: "marketplace_id",
          tags: ["totals-test"],
        }),
        store: { platform: storeName, currencies: [currency] },
      });
      const ref = await store.connector.createOrder(input);

      // 4. Read the stored order back and compare with the marketplace order.
      const stored = store.read(ref, order.pricesIncludeTax);
      const taxOnTop = !order.pricesIncludeTax;
      const recorded = taxMode === "record";

      expect(stored.currency).toBe(currency);
      if (storeName === "shopify") expect(stored.taxesIncluded).toBe(order.pricesIncludeTax);
      expect(stored.lines).toEqual(
        order.lines.map((l, i) => ({
          variant: resolvedLines[i]!.variant.ref,
          quantity: l.quantity,
          unitMinor: l.unitPrice.amountMinor,
        })),
      );
      expect(stored.shippingMinor).toBe(order.totals.shipping.amountMinor);
      expect(stored.discountMinor).toBe(order.totals.discount.amountMinor);
      expect(stored.taxMinor).toBe(recorded ? order.totals.tax.amountMinor : 0);
      if (storeName === "shopify") {
        expect(stored.taxLinesMarketplaceLiable).toBe(recorded ? true : undefined);
        expect(stored.name).toBe(order.id);
      }

      // Total: what the buyer paid; with the marketplace's tax left out, what the buyer paid minus
      // the tax the marketplace added on top (and remits itself).
      const leftOut = !recorded && taxOnTop ? order.totals.tax.amountMinor : 0;
      expect(stored.totalMinor + leftOut).toBe(order.totals.total.amountMinor);
      expect(stored.totalMinor).toBe(
        recorded || !taxOnTop
          ? order.totals.total.amountMinor
          : order.totals.total.amountMinor - order.totals.tax.amountMinor,
      );
      expect(ref.totalPrice).toEqual({ amountMinor: stored.totalMinor, currency });
      if (stored.paidMinor !== undefined) expect(stored.paidMinor).toBe(stored.totalMinor);
      if (marketplace === "ebay" && leftOut > 0) {
        // eBay's own figure for what the seller is due once it keeps the tax it remits.
        const due = (order.raw as EbayOrder).paymentSummary?.totalDueSeller?.value;
        expect(stored.totalMinor).toBe(toMinor(due!, currency));
      }

      const a = SHIP_TO[site];
      const address = {
        name: a.name,
        line1: a.line1,
        city: a.city,
        postalCode: a.postalCode,
        countryCode: a.countryCode,
      };
      expect(stored.shipTo).toEqual(address);
      if (stored.billTo) expect(stored.billTo).toEqual(address);
    },
  );
});
