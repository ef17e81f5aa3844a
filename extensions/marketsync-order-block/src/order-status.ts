/**
 * What the block reads from the app (app/routes/api.extension.order.$orderId.tsx). The extension is
 * bundled on its own, away from the app's modules, so the shape is repeated here; the endpoint's
 * integration test loads it through `loadBlockOrder` to keep the two in step.
 */
export type TrackingState = "none" | "pending" | "sent" | "confirmed" | "failed";

export interface BlockOrder {
  marketplace: "ebay" | "amazon";
  accountName: string;
  marketplaceOrderId: string;
  orderState: string;
  trackingState: TrackingState;
  pushes: {
    trackingNumber: string;
    carrier: string;
    state: string;
    /** Already in the merchant's language. */
    problem: string | null;
  }[];
  /** The order's page in the app, relative to the app's URL. */
  appPath: string;
}

export type BlockLoad =
  | { kind: "found"; order: BlockOrder }
  /** Not an order Marketsync created (or not this store's: the app answers both alike). */
  | { kind: "not_ours" }
  | { kind: "unavailable" };

export interface BlockBackend {
  /** The admin's session token (`shopify.auth.idToken`). */
  idToken(): Promise<string | null>;
  /** "" in the admin, where relative URLs resolve against the app's URL. */
  baseUrl: string;
  /** The merchant's language as the extension's locale files resolve it (`en`, `fr`). */
  locale: string;
  fetch: typeof fetch;
}

/** `gid://shopify/Order/123` → `123`; undefined for anything that is not an order. */
export function orderNumberOf(gid: string | undefined): string | undefined {
  const match = /^gid:\/\/shopify\/Order\/(\d+)$/.exec(gid ?? "");
  return match?.[1];
}

export async function loadBlockOrder(
  backend: BlockBackend,
  orderGid: string | undefined,
): Promise<BlockLoad> {
  const orderNumber = orderNumberOf(orderGid);
  if (!orderNumber) return { kind: "not_ours" };
  try {
    const token = await backend.idToken();
    if (!token) return { kind: "unavailable" };
    const locale = encodeURIComponent(backend.locale);
    const response = await backend.fetch(
      `${backend.baseUrl}/api/extension/order/${orderNumber}?locale=${locale}`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (response.status === 404) return { kind: "not_ours" };
    if (!response.ok) return { kind: "unavailable" };
    const body = (await response.json()) as { found?: boolean; order?: BlockOrder };
    return body.found && body.order
      ? { kind: "found", order: body.order }
      : { kind: "unavailable" };
  } catch {
    // Offline, or the app is down: the block says so and offers to try again.
    return { kind: "unavailable" };
  }
}

export type Tone = "neutral" | "info" | "success" | "warning" | "critical";

export function trackingTone(state: TrackingState): Tone {
  switch (state) {
    case "confirmed":
      return "success";
    case "sent":
      return "info";
    case "failed":
      return "critical";
    case "pending":
      return "warning";
    case "none":
      return "neutral";
  }
}

/** The app page as an admin extension link: `app:` opens a path inside the embedded app. */
export function appLink(appPath: string): string {
  return `app:${appPath.replace(/^\/+/, "")}`;
}
