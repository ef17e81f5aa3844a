import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { and, asc, eq } from "drizzle-orm";
import {
  marketplaceAccounts,
  marketplaceOrders,
  orderLinks,
  type StoreRow,
  trackingPushes,
} from "../../db/schema";
import { findStore } from "../../db/stores";
import { localeFromRequest, type Locale } from "../i18n/locales";
import { formatReason } from "../i18n/reasons";
import { getServices } from "../services.server";
import { requireShopify } from "../shopify.server";

/**
 * What the admin block on a Shopify order (extensions/marketsync-order-block) shows. The block
 * has its own copy of this type: it is bundled apart from the app.
 */
export interface ExtensionOrderPayload {
  marketplace: "ebay" | "amazon";
  accountName: string;
  marketplaceOrderId: string;
  orderState: string;
  trackingState: "none" | "pending" | "sent" | "confirmed" | "failed";
  pushes: {
    trackingNumber: string;
    carrier: string;
    state: string;
    /** The marketplace's answer or our reason, already in the merchant's language. */
    problem: string | null;
  }[];
  /** The order's page in the app, relative to the app's URL. */
  appPath: string;
}

export type ExtensionOrderResponse =
  | { found: true; order: ExtensionOrderPayload }
  | { found: false; error: "not_found" | "bad_order_id" };

/**
 * The block sends the numeric id of the order it sits on; a full GID is accepted too. Anything else
 * cannot be a Shopify order.
 */
function shopifyOrderGid(param: string | undefined): string | undefined {
  if (!param) return undefined;
  if (/^\d{1,20}$/.test(param)) return `gid://shopify/Order/${param}`;
  if (/^gid:\/\/shopify\/Order\/\d{1,20}$/.test(param)) return param;
  return undefined;
}

/**
 * Data endpoint of the Shopify admin extension. Extensions call it cross-origin with the admin's
 * session token as a bearer: `authenticate.admin` verifies the token and answers the CORS preflight
 * (Remix runs the loader for OPTIONS), and `cors` marks our own answers readable by the extension.
 * Only Shopify stores have the block, so the BigCommerce and demo paths of requireAdmin do not apply.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session, cors } = await requireShopify().authenticate.admin(request);
  const services = getServices();
  const store = await findStore(services.db, "shopify", session.shop);
  if (!store || store.uninstalledAt) {
    throw cors(new Response("This store has not installed Marketsync", { status: 403 }));
  }
  const gid = shopifyOrderGid(params.orderId);
  if (!gid) {
    return cors(json<ExtensionOrderResponse>({ found: false, error: "bad_order_id" }, 400));
  }
  const order = await loadExtensionOrder(store, gid, localeFromRequest(request));
  // A foreign store's order answers exactly like an order Marketsync did not create.
  if (!order) return cors(json<ExtensionOrderResponse>({ found: false, error: "not_found" }, 404));
  return cors(
    json<ExtensionOrderResponse>(
      { found: true, order },
      // Per merchant and changing as pushes land: never cached by a shared cache.
      { headers: { "cache-control": "private, no-store" } },
    ),
  );
}

const NEEDS_ATTENTION = new Set(["failed", "held", "retrying"]);

async function loadExtensionOrder(
  store: StoreRow,
  storeOrderGid: string,
  locale: Locale,
): Promise<ExtensionOrderPayload | undefined> {
  const { db } = getServices();
  const [row] = await db
    .select({
      id: marketplaceOrders.id,
      marketplace: marketplaceOrders.marketplace,
      marketplaceOrderId: marketplaceOrders.marketplaceOrderId,
      orderState: marketplaceOrders.state,
      trackingState: marketplaceOrders.trackingState,
      accountName: marketplaceAccounts.displayName,
    })
    .from(orderLinks)
    .innerJoin(marketplaceOrders, eq(marketplaceOrders.id, orderLinks.orderId))
    .innerJoin(marketplaceAccounts, eq(marketplaceAccounts.id, marketplaceOrders.accountId))
    .where(and(eq(orderLinks.storeId, store.id), eq(orderLinks.storeOrderId, storeOrderGid)))
    .limit(1);
  if (!row) return undefined;
  const pushes = await db
    .select({
      trackingNumber: trackingPushes.trackingNumber,
      carrierCode: trackingPushes.carrierCode,
      carrierName: trackingPushes.carrierName,
      state: trackingPushes.state,
      lastError: trackingPushes.lastError,
    })
    .from(trackingPushes)
    .where(eq(trackingPushes.orderId, row.id))
    .orderBy(asc(trackingPushes.createdAt));
  return {
    marketplace: row.marketplace,
    accountName: row.accountName,
    marketplaceOrderId: row.marketplaceOrderId,
    orderState: row.orderState,
    trackingState: row.trackingState,
    pushes: pushes.map((p) => ({
      trackingNumber: p.trackingNumber,
      carrier: p.carrierName ?? p.carrierCode,
      state: p.state,
      // A push that went through may keep the error of an earlier attempt: not a problem any more.
      problem:
        p.lastError && NEEDS_ATTENTION.has(p.state) ? formatReason(locale, p.lastError) : null,
    })),
    appPath: `/app/orders/${row.id}`,
  };
}
