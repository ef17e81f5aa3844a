import { and, eq } from "drizzle-orm";
import type { Services } from "../../app/services.server";
import { ensureDemoStore } from "../../app/demo.server";
import { type ReconcileDeps, reconcileStore } from "../../jobs/tracking/reconcile";
import { encryptCredentials } from "../../db/accounts";
import type { AccountSettingsInput } from "../../db/account-settings";
import { marketplaceAccounts } from "../../db/schema";
import { decryptStoreToken } from "../../db/stores";
import { SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_REFRESH_TOKEN, SIM_SELLER_ID } from "./amazon";
import { SIM_APPLICATION_ID } from "./amazon/consent";
import { SIM_SHOPIFY_APP, type Simulators, startSimulators } from "./index";

/**
 * `npm run demo`: the four simulators in-process, the demo Shopify store with a catalog, an eBay US
 * account (USD) and an Amazon France account (EUR, VAT included), and marketplace orders arriving
 * every few seconds — most importable, some with an unknown SKU (held), an Amazon FBA one (skipped),
 * now and then a cancellation — so a newcomer sees the whole pipeline move.
 */
export interface DemoWorld {
  simulators: Simulators;
  /** Starts the marketplaces' orders and the store's warehouse; `publicUrl` is where the app listens. */
  startOrderFlow(publicUrl: string): Promise<void>;
  stop(): Promise<void>;
}

const CATALOG = [
  { sku: "MUG-BLUE", title: "Blue mug", price: "14.00", stock: 200 },
  { sku: "TEE-M", title: "T-shirt (M)", price: "22.00", stock: 150 },
  { sku: "CAP-RED", title: "Red cap", price: "18.50", stock: 80 },
  { sku: "POSTER-A3", title: "Poster A3", price: "9.90", stock: 300 },
  { sku: "CANDLE-LAV", title: "Lavender candle", price: "16.00", stock: 60 },
] as const;

const US_ADDRESSES = [
  { name: "Ava Johnson", line1: "12 Maple St", city: "Portland", region: "OR", postal: "97201" },
  { name: "Noah Smith", line1: "400 Pine Ave", city: "Austin", region: "TX", postal: "73301" },
];
const FR_ADDRESSES = [
  { name: "Léa Martin", line1: "8 rue des Lilas", city: "Lyon", postal: "69003" },
  { name: "Hugo Bernard", line1: "21 avenue Foch", city: "Nantes", postal: "44000" },
];

export async function startDemo(services: Services): Promise<DemoWorld> {
  const simulators = await startSimulators({ scale: 50, shopifyApp: SIM_SHOPIFY_APP });
  services.endpoints = { ...simulators.endpoints };
  services.apps = {
    amazon: { clientId: SIM_CLIENT_ID, clientSecret: SIM_CLIENT_SECRET },
    ebay: simulators.ebay.app,
    shopify: SIM_SHOPIFY_APP,
  };

  const store = await ensureDemoStore(services);
  const shop = store.externalId;
  simulators.shopify.addShop({
    domain: shop,
    accessToken: decryptStoreToken(services.keyring, store)!,
    currency: "USD",
    name: "Marketsync Demo",
  });
  for (const item of CATALOG) {
    simulators.shopify.addProduct(shop, {
      title: item.title,
      variants: [{ sku: item.sku, price: item.price, inventoryQuantity: item.stock }],
    });
  }

  // Simulators start empty every time; the accounts (kept in .data) get fresh grants from them.
  const ebayTokens = simulators.ebay.addAccount({
    username: "demo_us_seller",
    marketplaceId: "EBAY_US",
  });
  const ebayAccountId = await upsertDemoAccount(services, store.id, {
    platform: "ebay",
    sellerId: "demo_us_seller",
    displayName: "eBay US",
    region: "EBAY_US",
    marketplaceIds: ["EBAY_US"],
    credentials: {
      refreshToken: ebayTokens.refreshToken,
      accessToken: ebayTokens.accessToken,
      expiresAt: ebayTokens.expiresAt.toISOString(),
    },
    settings: { pollIntervalMinutes: 1 },
  });
  const amazonAccountId = await upsertDemoAccount(services, store.id, {
    platform: "amazon",
    sellerId: SIM_SELLER_ID,
    displayName: "Amazon France",
    region: "eu",
    marketplaceIds: ["A13V1IB3VIYZZH"],
    credentials: { refreshToken: SIM_REFRESH_TOKEN },
    // The demo shop sells in USD; this account keeps its orders in EUR, never converted.
    settings: { pollIntervalMinutes: 1, currencyPolicy: "marketplace_currency" },
  });

  let counter = 0;
  const amazonOrders: string[] = [];
  const addOrder = () => {
    counter += 1;
    const pick = CATALOG[counter % CATALOG.length]!;
    const quantity = 1 + (counter % 3);
    // Both marketplaces now and then sell a SKU the store no longer has (held for a mapping).
    const unknownSku = counter % 6 === 5 || counter % 6 === 4;
    const sku = unknownSku ? `OLD-${pick.sku}` : pick.sku;
    if (counter % 2 === 0) {
      const a = US_ADDRESSES[counter % US_ADDRESSES.length]!;
      simulators.ebay.seedOrder({
        seller: "demo_us_seller",
        lines: [{ sku, title: pick.title, quantity, unitPrice: pick.price, shipping: "4.99" }],
        shipTo: {
          fullName: a.name,
          addressLine1: a.line1,
          city: a.city,
          stateOrProvince: a.region,
          postalCode: a.postal,
          countryCode: "US",
        },
      });
    } else {
      const a = FR_ADDRESSES[counter % FR_ADDRESSES.length]!;
      const order = simulators.amazon.seedOrder({
        marketplaceId: "A13V1IB3VIYZZH",
        status: "UNSHIPPED",
        // Updated now, as a new order is: an hour-old update would sit behind the account's cursor.
        lastUpdatedTime: new Date().toISOString(),
        fulfilledBy: counter % 7 === 3 ? "AMAZON" : "MERCHANT",
        items: [{ sku, title: pick.title, quantity, unitPrice: pick.price, shipping: "3.90" }],
        shipTo: {
          name: a.name,
          addressLine1: a.line1,
          city: a.city,
          postalCode: a.postal,
          countryCode: "FR",
        },
      });
      amazonOrders.push(order.orderId);
      // Now and then a buyer cancels an earlier order before it ships.
      if (counter % 9 === 0 && amazonOrders.length > 2) {
        simulators.amazon.setStatus(amazonOrders[amazonOrders.length - 3]!, "CANCELLED");
      }
    }
  };
  const importNow = async () => {
    if (!services.jobs) return;
    for (const accountId of [ebayAccountId, amazonAccountId]) {
      await services.jobs.send(
        services.db,
        "import.poll",
        { accountId, reason: "manual" },
        { singletonKey: accountId },
      );
    }
  };

  // The simulated warehouse: a few seconds after an order lands in the store, it ships most of
  // them (never all: some stay open, as in a real shop) with a US or French carrier. The store then
  // sends fulfillments/create to the app like Shopify would, and the tracking reaches the
  // marketplace simulators within a second.
  const shipped = new Set<string>();
  let shipCounter = 0;
  const shipSome = async () => {
    const cutoff = Date.now() - 4_000;
    for (const order of simulators.shopify.orders(shop)) {
      const orderGid = `gid://shopify/Order/${order.id}`;
      if (shipped.has(orderGid) || order.cancelledAt || order.fulfillments.length > 0) continue;
      if (new Date(order.createdAt).getTime() > cutoff) continue;
      shipped.add(orderGid);
      shipCounter += 1;
      if (shipCounter % 4 === 0) continue; // left for the merchant to ship
      const french = order.currency === "EUR";
      const carrier = french
        ? (["Colissimo", "Chronopost", "Mondial Relay"] as const)[shipCounter % 3]!
        : (["USPS", "UPS", "FedEx"] as const)[shipCounter % 3]!;
      await simulators.shopify.createFulfillment(shop, orderGid, {
        company: carrier,
        number: demoTrackingNumber(carrier, shipCounter),
      });
      services.logger.info({ order: order.name, carrier }, "demo warehouse shipped an order");
    }
  };

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, what: string, run: () => Promise<unknown>) => {
    const timer = setInterval(() => {
      void run().catch((error: unknown) =>
        services.logger.warn({ err: error }, `demo ${what} failed`),
      );
    }, ms);
    timer.unref();
    timers.push(timer);
  };
  return {
    simulators,
    async startOrderFlow(publicUrl: string) {
      services.publicUrl = publicUrl;
      // The admin's "connect" buttons work against the simulators: their consent pages send the
      // demo sellers (already signed in) back to this app's callbacks.
      services.config.consent = {
        ebay: { ruName: "Marketsync-demo" },
        amazon: { applicationId: SIM_APPLICATION_ID, draft: false },
      };
      simulators.ebay.registerRuName({
        ruName: "Marketsync-demo",
        acceptUrl: `${publicUrl}/connect/ebay/callback`,
      });
      simulators.ebay.signIn("demo_us_seller");
      simulators.amazon.registerApplication({
        applicationId: SIM_APPLICATION_ID,
        clientId: SIM_CLIENT_ID,
        redirectUri: `${publicUrl}/connect/amazon/callback`,
      });
      simulators.amazon.signIn(SIM_SELLER_ID);
      // What the install does for a real store: subscribe the app to the store's webhooks.
      await reconcileStore(services as ReconcileDeps, { storeId: store.id });
      for (let i = 0; i < 6; i++) addOrder();
      void importNow();
      every(5_000, "import", async () => {
        addOrder();
        await importNow();
      });
      every(3_000, "warehouse", shipSome);
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await simulators.stop();
    },
  };
}

/** Tracking numbers shaped like each carrier's, so no format warning distracts in the demo. */
function demoTrackingNumber(carrier: string, n: number): string {
  const digits = String(100_000_000 + n * 7_919).padStart(9, "0");
  if (carrier === "UPS") return `1Z999AA1${digits.slice(0, 8)}`.padEnd(18, "0");
  if (carrier === "USPS") return `9400111${digits}${digits.slice(0, 6)}`;
  if (carrier === "Colissimo") return `6A${digits}${digits.slice(0, 2)}`;
  if (carrier === "FedEx") return `7${digits}${digits.slice(0, 2)}`;
  return `${carrier.slice(0, 2).toUpperCase()}${digits}`;
}

async function upsertDemoAccount(
  services: Services,
  storeId: string,
  input: {
    platform: "ebay" | "amazon";
    sellerId: string;
    displayName: string;
    region: string;
    marketplaceIds: string[];
    credentials: Parameters<typeof encryptCredentials>[1];
    settings: AccountSettingsInput;
  },
): Promise<string> {
  const credentialsEnc = encryptCredentials(services.keyring, input.credentials);
  const [existing] = await services.db
    .select({ id: marketplaceAccounts.id })
    .from(marketplaceAccounts)
    .where(
      and(
        eq(marketplaceAccounts.storeId, storeId),
        eq(marketplaceAccounts.platform, input.platform),
        eq(marketplaceAccounts.sellerId, input.sellerId),
      ),
    );
  if (existing) {
    await services.db
      .update(marketplaceAccounts)
      .set({ credentialsEnc, status: "active" })
      .where(eq(marketplaceAccounts.id, existing.id));
    return existing.id;
  }
  const [row] = await services.db
    .insert(marketplaceAccounts)
    .values({
      storeId,
      platform: input.platform,
      sellerId: input.sellerId,
      displayName: input.displayName,
      region: input.region,
      marketplaceIds: input.marketplaceIds,
      credentialsEnc,
      settings: input.settings,
    })
    .returning({ id: marketplaceAccounts.id });
  return row!.id;
}
