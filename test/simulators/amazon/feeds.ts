import { randomUUID } from "node:crypto";
import type {
  AmazonFeed,
  AmazonOrder,
  CreateFeedSpecification,
} from "../../../connectors/amazon/types";
import type { SimRequest, SimResponse, SimulatorServer } from "../shared/server";
import type { AmazonState } from "./state";

/**
 * The Feeds API 2021-06-30 slice a seller cancellation needs: createFeedDocument (a presigned
 * upload URL, served here under `/sim-s3/…`), the upload itself, createFeed, getFeed and
 * getFeedDocument for the processing report. `POST_ORDER_ACKNOWLEDGEMENT_DATA` feeds are processed
 * as Amazon does — later: a feed stays IN_QUEUE for `processingDelayMs` and is processed when it is
 * next read. `StatusCode` Failure cancels the listed items (the order becomes CANCELLED when all
 * are); an order already shipped, unknown, or a bad CancelReason is an error in the report.
 *
 * Operation names: `createFeedDocument`, `createFeed`, `getFeed`, `getFeedDocument`, and
 * `s3.uploadFeedDocument` / `s3.downloadFeedDocument` for the presigned URLs.
 */

/** OrderAcknowledgement.xsd CancelReason values. */
export const CANCEL_REASONS = [
  "NoInventory",
  "ShippingAddressUndeliverable",
  "CustomerExchange",
  "BuyerCanceled",
  "GeneralAdjustment",
  "CarrierCreditDecision",
  "RiskAssessmentInformationNotValid",
  "CarrierCoverageFailure",
  "CustomerReturn",
  "MerchandiseNotReceived",
];

export const FEED_USAGE_PLANS = {
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
} as const;

interface StoredDocument {
  sellerId: string;
  contentType: string;
  content: string | undefined;
}

export interface SellerCancellation {
  feedId: string;
  orderId: string;
  orderItemIds: string[];
  cancelReason: string;
  at: string;
}

interface StoredFeed {
  sellerId: string;
  feed: AmazonFeed;
  inputDocumentId: string;
  readyAt: number;
}

export class FeedsState {
  documents = new Map<string, StoredDocument>();
  feeds = new Map<string, StoredFeed>();
  cancellations: SellerCancellation[] = [];
  processingDelayMs = 0;

  reset(): void {
    this.documents.clear();
    this.feeds.clear();
    this.cancellations = [];
    this.processingDelayMs = 0;
  }
}

type Authenticate = (req: SimRequest) => { sellerId: string } | SimResponse;

const field = (text: string, name: string) =>
  new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(text)?.[1]?.trim();

function unxml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

interface ReportLine {
  messageId: string;
  code: string;
  description: string;
}

function processingReport(sellerId: string, processed: number, errors: ReportLine[]): string {
  const results = errors
    .map(
      (e) =>
        `      <Result>\n        <MessageID>${escape(e.messageId)}</MessageID>\n` +
        `        <ResultCode>Error</ResultCode>\n        <ResultMessageCode>${e.code}</ResultMessageCode>\n` +
        `        <ResultDescription>${escape(e.description)}</ResultDescription>\n      </Result>\n`,
    )
    .join("");
  const failed = new Set(errors.map((e) => e.messageId)).size;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">\n` +
    `  <Header>\n    <DocumentVersion>1.02</DocumentVersion>\n    <MerchantIdentifier>${escape(sellerId)}</MerchantIdentifier>\n  </Header>\n` +
    `  <MessageType>ProcessingReport</MessageType>\n  <Message>\n    <MessageID>1</MessageID>\n    <ProcessingReport>\n` +
    `      <DocumentTransactionID>${Date.now()}</DocumentTransactionID>\n      <StatusCode>Complete</StatusCode>\n` +
    `      <ProcessingSummary>\n        <MessagesProcessed>${processed}</MessagesProcessed>\n` +
    `        <MessagesSuccessful>${processed - failed}</MessagesSuccessful>\n` +
    `        <MessagesWithError>${failed}</MessagesWithError>\n        <MessagesWithWarning>0</MessagesWithWarning>\n` +
    `      </ProcessingSummary>\n${results}    </ProcessingReport>\n  </Message>\n</AmazonEnvelope>\n`
  );
}

export function addFeedRoutes(
  server: SimulatorServer,
  orders: AmazonState,
  feeds: FeedsState,
  authenticate: Authenticate,
  answer: {
    ok: (body: unknown, status?: number) => SimResponse;
    invalid: (message: string) => SimResponse;
    notFound: (message: string) => SimResponse;
  },
): void {
  const documentUrl = (id: string) =>
    `${server.url}/sim-s3/feed-documents/${id}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300`;

  server.route("POST", "/feeds/2021-06-30/documents", "createFeedDocument", (req) => {
    const auth = authenticate(req);
    if ("status" in auth) return auth;
    const body = req.body as { contentType?: unknown } | undefined;
    if (!body || typeof body.contentType !== "string" || !body.contentType.trim()) {
      return answer.invalid("Missing required field: contentType.");
    }
    const feedDocumentId = `amzn1.tortuga.4.na.${randomUUID()}`;
    feeds.documents.set(feedDocumentId, {
      sellerId: auth.sellerId,
      contentType: body.contentType,
      content: undefined,
    });
    return answer.ok({ feedDocumentId, url: documentUrl(feedDocumentId) }, 201);
  });

  server.route("PUT", "/sim-s3/feed-documents/:id", "s3.uploadFeedDocument", (req) => {
    const document = feeds.documents.get(req.params.id ?? "");
    if (!document) {
      return {
        status: 404,
        body: "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
        headers: { "content-type": "application/xml" },
      };
    }
    if (String(req.headers["content-type"] ?? "") !== document.contentType) {
      return {
        status: 403,
        body: "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>",
        headers: { "content-type": "application/xml" },
      };
    }
    document.content = req.rawBody;
    return { status: 200 };
  });

  server.route("GET", "/sim-s3/feed-documents/:id", "s3.downloadFeedDocument", (req) => {
    const document = feeds.documents.get(req.params.id ?? "");
    if (!document?.content) {
      return {
        status: 404,
        body: "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
        headers: { "content-type": "application/xml" },
      };
    }
    return {
      status: 200,
      body: document.content,
      headers: { "content-type": document.contentType },
    };
  });

  server.route("POST", "/feeds/2021-06-30/feeds", "createFeed", (req) => {
    const auth = authenticate(req);
    if ("status" in auth) return auth;
    const body = req.body as Partial<CreateFeedSpecification> | undefined;
    if (!body || typeof body.feedType !== "string")
      return answer.invalid("Missing required field: feedType.");
    if (!Array.isArray(body.marketplaceIds) || body.marketplaceIds.length === 0) {
      return answer.invalid("Missing required field: marketplaceIds.");
    }
    const document = feeds.documents.get(body.inputFeedDocumentId ?? "");
    if (!document || document.sellerId !== auth.sellerId) {
      return answer.invalid(`Invalid inputFeedDocumentId: ${body.inputFeedDocumentId}.`);
    }
    if (document.content === undefined) {
      return answer.invalid(
        "The feed document has no content: upload it before creating the feed.",
      );
    }
    const feedId = String(50_000_000_000 + feeds.feeds.size + 1);
    feeds.feeds.set(feedId, {
      sellerId: auth.sellerId,
      inputDocumentId: body.inputFeedDocumentId!,
      readyAt: Date.now() + feeds.processingDelayMs,
      feed: {
        feedId,
        feedType: body.feedType,
        marketplaceIds: body.marketplaceIds,
        createdTime: new Date().toISOString(),
        processingStatus: "IN_QUEUE",
      },
    });
    return answer.ok({ feedId }, 202);
  });

  server.route("GET", "/feeds/2021-06-30/feeds/:feedId", "getFeed", (req) => {
    const auth = authenticate(req);
    if ("status" in auth) return auth;
    const stored = feeds.feeds.get(req.params.feedId ?? "");
    if (!stored || stored.sellerId !== auth.sellerId) {
      return answer.notFound(`Feed ${req.params.feedId} was not found.`);
    }
    if (stored.feed.processingStatus === "IN_QUEUE" && Date.now() >= stored.readyAt) {
      processFeed(stored);
    }
    return answer.ok(stored.feed);
  });

  server.route("GET", "/feeds/2021-06-30/documents/:feedDocumentId", "getFeedDocument", (req) => {
    const auth = authenticate(req);
    if ("status" in auth) return auth;
    const id = req.params.feedDocumentId ?? "";
    const document = feeds.documents.get(id);
    if (!document || document.sellerId !== auth.sellerId) {
      return answer.notFound(`Feed document ${id} was not found.`);
    }
    return answer.ok({ feedDocumentId: id, url: documentUrl(id) });
  });

  function processFeed(stored: StoredFeed): void {
    const input = feeds.documents.get(stored.inputDocumentId)?.content ?? "";
    const started = new Date().toISOString();
    const errors: ReportLine[] = [];
    let processed = 0;
    const envelopeOk =
      stored.feed.feedType === "POST_ORDER_ACKNOWLEDGEMENT_DATA" &&
      /<AmazonEnvelope[\s>]/.test(input) &&
      field(input, "MessageType") === "OrderAcknowledgement" &&
      !!field(input, "MerchantIdentifier");
    if (!envelopeOk) {
      errors.push({
        messageId: "0",
        code: "5001",
        description:
          "XML Parsing Fatal Error: the document is not an OrderAcknowledgement envelope.",
      });
    } else {
      for (const [, message = ""] of input.matchAll(/<Message>([\s\S]*?)<\/Message>/g)) {
        processed += 1;
        const error = acknowledge(stored, message);
        if (error) errors.push({ messageId: field(message, "MessageID") ?? "0", ...error });
      }
    }
    const reportId = `amzn1.tortuga.4.na.${randomUUID()}`;
    feeds.documents.set(reportId, {
      sellerId: stored.sellerId,
      contentType: "text/xml; charset=UTF-8",
      content: processingReport(stored.sellerId, processed, errors),
    });
    stored.feed = {
      ...stored.feed,
      processingStatus: envelopeOk ? "DONE" : "FATAL",
      processingStartTime: started,
      processingEndTime: new Date().toISOString(),
      resultFeedDocumentId: reportId,
    };
  }

  function acknowledge(
    stored: StoredFeed,
    message: string,
  ): { code: string; description: string } | undefined {
    const orderId = unxml(field(message, "AmazonOrderID") ?? "");
    const order: AmazonOrder | undefined = orders.orders.get(orderId)?.order;
    if (!order || orders.orders.get(orderId)?.sellerId !== stored.sellerId) {
      return { code: "18028", description: `The order ID ${orderId} was not found.` };
    }
    const statusCode = field(message, "StatusCode");
    if (statusCode === "Success") return undefined;
    if (statusCode !== "Failure") {
      return { code: "8560", description: `Invalid StatusCode ${statusCode}.` };
    }
    const status = order.fulfillment?.fulfillmentStatus;
    if (status !== "UNSHIPPED" && status !== "PENDING") {
      return {
        code: "18027",
        description: `The order ${orderId} cannot be cancelled: its status is ${status}.`,
      };
    }
    const items = [...message.matchAll(/<Item>([\s\S]*?)<\/Item>/g)].map(([, item = ""]) => ({
      id: unxml(field(item, "AmazonOrderItemCode") ?? ""),
      reason: field(item, "CancelReason") ?? "",
    }));
    if (items.length === 0) {
      return {
        code: "8560",
        description: "A Failure acknowledgement must list the items to cancel.",
      };
    }
    for (const item of items) {
      if (!order.orderItems.some((i) => i.orderItemId === item.id)) {
        return { code: "18029", description: `Invalid AmazonOrderItemCode ${item.id}.` };
      }
      if (!CANCEL_REASONS.includes(item.reason)) {
        return { code: "8560", description: `Invalid CancelReason ${item.reason}.` };
      }
    }
    for (const item of items) {
      const line = order.orderItems.find((i) => i.orderItemId === item.id)!;
      line.cancellation = {
        ...line.cancellation,
        cancellationExecution: { cancelledBy: "SELLER", cancelReason: item.reason },
      };
    }
    if (order.orderItems.every((i) => i.cancellation?.cancellationExecution)) {
      order.fulfillment = { ...order.fulfillment, fulfillmentStatus: "CANCELLED" };
    }
    orders.touch(order);
    feeds.cancellations.push({
      feedId: stored.feed.feedId,
      orderId,
      orderItemIds: items.map((i) => i.id),
      cancelReason: items[0]!.reason,
      at: new Date().toISOString(),
    });
    return undefined;
  }
}
