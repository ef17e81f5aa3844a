import { randomInt } from "node:crypto";
import type { EbayOrder } from "../../../connectors/ebay/types";
import type { SimRequest, SimResponse, SimulatorServer } from "../shared/server";

/**
 * Post-Order API `POST /post-order/v2/cancellation`, seller-initiated: an OAuth user token as
 * `Authorization: IAF <token>`, `X-EBAY-C-MARKETPLACE-ID` required, a whole order cancelled at once
 * (Post-Order cancels whole orders only). An eligible order (not shipped, not already cancelled)
 * is cancelled at once — cancelStatus CANCELED with the seller's request COMPLETED — and the answer
 * carries the cancel id; an ineligible one answers without a cancel id, its eligibility result
 * saying why. Errors use Post-Order's `{error:[…]}` body. eBay publishes no OpenAPI file for this
 * API: shapes follow its reference pages (CreateCancelRequest, CreateCancelResponse).
 *
 * Operation name: `createCancellation`.
 */

export const POST_ORDER_BASE = "/post-order/v2";

/** CancelReasonEnum values a seller may give. */
export const SELLER_CANCEL_REASONS = [
  "ADDRESS_ISSUES",
  "BUYER_ASKED_CANCEL",
  "OUT_OF_STOCK_OR_CANNOT_FULFILL",
];

export interface SellerCancellationRequest {
  cancelId: string;
  orderId: string;
  seller: string;
  cancelReason: string;
  marketplaceId: string;
  at: string;
}

export interface PostOrderDeps {
  /** The seller behind an IAF user token, if valid. */
  sellerOf(token: string): string | undefined;
  order(orderId: string): EbayOrder | undefined;
  /** Cancels the order as eBay does (cancelStatus CANCELED, refunded). */
  cancel(orderId: string): void;
}

const postOrderError = (status: number, errorId: number, message: string): SimResponse => ({
  status,
  body: {
    error: [
      {
        errorId,
        domain: "cancellationErrorDomain",
        severity: "ERROR",
        category: "REQUEST",
        message,
      },
    ],
  },
});

export function addPostOrderRoutes(
  server: SimulatorServer,
  deps: PostOrderDeps,
  cancellations: SellerCancellationRequest[],
): void {
  server.route("POST", `${POST_ORDER_BASE}/cancellation`, "createCancellation", (req) =>
    createCancellation(req, deps, cancellations),
  );
}

function createCancellation(
  req: SimRequest,
  deps: PostOrderDeps,
  cancellations: SellerCancellationRequest[],
): SimResponse {
  const iaf = /^IAF (.+)$/.exec(String(req.headers.authorization ?? ""));
  const seller = iaf?.[1] ? deps.sellerOf(iaf[1]) : undefined;
  if (!seller)
    return postOrderError(
      401,
      1001,
      "Invalid access token. Check the value of the Authorization HTTP request header.",
    );
  const marketplaceId = String(req.headers["x-ebay-c-marketplace-id"] ?? "");
  if (!marketplaceId)
    return postOrderError(400, 1002, "X-EBAY-C-MARKETPLACE-ID header is missing.");
  const body = req.body as { legacyOrderId?: unknown; cancelReason?: unknown } | undefined;
  const orderId = typeof body?.legacyOrderId === "string" ? body.legacyOrderId : "";
  const order = deps.order(orderId);
  if (!order || order.sellerId !== seller) {
    return postOrderError(400, 1605, `The order ${orderId || "(none)"} is invalid.`);
  }
  const reason = typeof body?.cancelReason === "string" ? body.cancelReason : "";
  if (!SELLER_CANCEL_REASONS.includes(reason)) {
    return postOrderError(
      400,
      1610,
      `The cancel reason ${reason || "(none)"} is invalid for a seller.`,
    );
  }
  const failureReason =
    order.cancelStatus?.cancelState === "CANCELED"
      ? "ORDER_ALREADY_CANCELLED"
      : order.orderFulfillmentStatus !== "NOT_STARTED"
        ? "ORDER_ALREADY_SHIPPED"
        : undefined;
  if (failureReason) {
    return {
      status: 200,
      body: { orderEligibilityResult: { eligible: false, failureReason: [failureReason] } },
    };
  }
  const cancelId = String(5_100_000_000 + randomInt(1_000_000_000));
  order.cancelStatus = {
    cancelState: order.cancelStatus?.cancelState ?? "NONE_REQUESTED",
    cancelRequests: [
      ...(order.cancelStatus?.cancelRequests ?? []),
      {
        cancelRequestId: cancelId,
        cancelInitiator: "SELLER",
        cancelReason: reason,
        cancelRequestState: "REQUESTED",
        cancelRequestedDate: new Date().toISOString(),
      },
    ],
  };
  deps.cancel(orderId);
  cancellations.push({
    cancelId,
    orderId,
    seller,
    cancelReason: reason,
    marketplaceId,
    at: new Date().toISOString(),
  });
  return { status: 201, body: { cancelId, orderEligibilityResult: { eligible: true } } };
}
