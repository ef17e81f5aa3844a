import { randomBytes } from "node:crypto";
import { encryptCredentials } from "../../db/accounts";
import type { Database } from "../../db/client";
import type { KeyRing } from "../../db/encryption";
import { marketplaceAccounts, type StoreRow } from "../../db/schema";
import { upsertInstalledStore } from "../../db/stores";
import type { Simulators } from "../../test/simulators";
import { SIM_REFRESH_TOKEN, SIM_SELLER_ID } from "../../test/simulators/amazon";

/**
 * One Shopify store with a catalog, one eBay and one Amazon account connected to it, and their
 * unshipped orders in the simulators: what the app then imports by itself. Rows are written as the
 * install and the account connections write them (tokens encrypted with the app's key).
 */

interface SeedDeps {
  db: Database;
  keyring: KeyRing;
  sims: Simulators;
}

export const CATALOG = [
  { sku: "MUG-BLUE", title: "Blue mug", price: "14.00" },
  { sku: "TEE-M", title: "T-shirt", price: "22.00" },
];

const US_ADDRESS = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};

export async function seedShopifyStore(deps: SeedDeps, shop: string): Promise<StoreRow> {
  const accessToken = `shpat_${randomBytes(8).toString("hex")}`;
  deps.sims.shopify.addShop({ domain: shop, accessToken, currency: "USD" });
  for (const p of CATALOG) {
    deps.sims.shopify.addProduct(shop, {
      title: p.title,
      variants: [{ sku: p.sku, price: p.price, inventoryQuantity: 1_000_000 }],
    });
  }
  return upsertInstalledStore(deps, {
    platform: "shopify",
    externalId: shop,
    accessToken,
    scopes: "write_orders,read_products,read_fulfillments,read_inventory",
    currency: "USD",
  });
}

export async function connectEbay(
  deps: SeedDeps,
  store: StoreRow,
  username: string,
): Promise<string> {
  const tokens = deps.sims.ebay.addAccount({ username, marketplaceId: "EBAY_US" });
  const [row] = await deps.db
    .insert(marketplaceAccounts)
    .values({
      storeId: store.id,
      platform: "ebay",
      sellerId: username,
      displayName: "eBay US",
      region: "EBAY_US",
      marketplaceIds: ["EBAY_US"],
      credentialsEnc: encryptCredentials(deps.keyring, {
        refreshToken: tokens.refreshToken,
        accessToken: tokens.accessToken,
        expiresAt: tokens.expiresAt.toISOString(),
      }),
      settings: {},
    })
    .returning({ id: marketplaceAccounts.id });
  return row!.id;
}

export async function connectAmazon(deps: SeedDeps, store: StoreRow): Promise<string> {
  const [row] = await deps.db
    .insert(marketplaceAccounts)
    .values({
      storeId: store.id,
      platform: "amazon",
      sellerId: SIM_SELLER_ID,
      displayName: "Amazon US",
      region: "na",
      marketplaceIds: ["ATVPDKIKX0DER"],
      credentialsEnc: encryptCredentials(deps.keyring, { refreshToken: SIM_REFRESH_TOKEN }),
      settings: {},
    })
    .returning({ id: marketplaceAccounts.id });
  return row!.id;
}

/** Unshipped, paid orders of one line each; returns their marketplace order ids. */
export function seedEbayOrders(deps: SeedDeps, seller: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const p = CATALOG[i % CATALOG.length]!;
    return deps.sims.ebay.seedOrder({
      seller,
      lines: [{ sku: p.sku, title: p.title, quantity: 1, unitPrice: p.price }],
      shipTo: US_ADDRESS,
    });
  });
}

export function seedAmazonOrders(deps: SeedDeps, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const p = CATALOG[i % CATALOG.length]!;
    return deps.sims.amazon.seedOrder({
      status: "UNSHIPPED",
      marketplaceId: "ATVPDKIKX0DER",
      items: [{ sku: p.sku, title: p.title, quantity: 1, unitPrice: p.price }],
      shipTo: {
        name: US_ADDRESS.fullName,
        addressLine1: US_ADDRESS.addressLine1,
        city: US_ADDRESS.city,
        stateOrRegion: US_ADDRESS.stateOrProvince,
        postalCode: US_ADDRESS.postalCode,
        countryCode: "US",
      },
    }).orderId;
  });
}
