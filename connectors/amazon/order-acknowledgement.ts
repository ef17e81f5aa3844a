import type { MarketplaceCancelReason } from "../types";

/**
 * The order acknowledgement feed (`POST_ORDER_ACKNOWLEDGEMENT_DATA`, OrderAcknowledgement.xsd in
 * amzn-envelope.xsd) is how a seller cancels an Amazon order: SP-API's Orders API has no cancel
 * operation. `StatusCode` `Failure` cancels the items listed, each with a `CancelReason` from the
 * XSD's list (NoInventory, ShippingAddressUndeliverable, CustomerExchange, BuyerCanceled,
 * GeneralAdjustment, CarrierCreditDecision, RiskAssessmentInformationNotValid,
 * CarrierCoverageFailure, CustomerReturn, MerchandiseNotReceived) — Amazon's "Order Feed Type
 * Values" page and the XSD it links.
 */

export const FEED_CONTENT_TYPE = "text/xml; charset=UTF-8";

/**
 * `BuyerCanceled` only when the buyer asked (it does not count against the seller);
 * otherwise `GeneralAdjustment`: the merchant's reason is unknown here, and claiming
 * `NoInventory` would be a guess.
 */
export const AMAZON_CANCEL_REASON: Record<MarketplaceCancelReason, string> = {
  buyer_asked: "BuyerCanceled",
  cannot_fulfill: "GeneralAdjustment",
};

function xml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export function orderCancellationFeed(input: {
  sellerId: string;
  orderId: string;
  orderItemIds: string[];
  reason: MarketplaceCancelReason;
}): string {
  const reason = AMAZON_CANCEL_REASON[input.reason];
  const items = input.orderItemIds
    .map(
      (id) =>
        `      <Item>\n        <AmazonOrderItemCode>${xml(id)}</AmazonOrderItemCode>\n` +
        `        <CancelReason>${reason}</CancelReason>\n      </Item>\n`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">\n` +
    `  <Header>\n    <DocumentVersion>1.01</DocumentVersion>\n` +
    `    <MerchantIdentifier>${xml(input.sellerId)}</MerchantIdentifier>\n  </Header>\n` +
    `  <MessageType>OrderAcknowledgement</MessageType>\n` +
    `  <Message>\n    <MessageID>1</MessageID>\n    <OrderAcknowledgement>\n` +
    `      <AmazonOrderID>${xml(input.orderId)}</AmazonOrderID>\n` +
    `      <StatusCode>Failure</StatusCode>\n${items}` +
    `    </OrderAcknowledgement>\n  </Message>\n</AmazonEnvelope>\n`
  );
}

function unxml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * The errors of a feed processing report (`ProcessingReport` messages): each `Result` whose
 * `ResultCode` is `Error`, as "code: description". Warnings do not stop a cancellation.
 */
export function processingReportErrors(report: string): string[] {
  const errors: string[] = [];
  for (const [, result = ""] of report.matchAll(/<Result>([\s\S]*?)<\/Result>/g)) {
    const field = (name: string) =>
      new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(result)?.[1]?.trim();
    if (field("ResultCode") !== "Error") continue;
    const code = field("ResultMessageCode");
    const description = unxml(field("ResultDescription") ?? "error without a description");
    errors.push(code ? `${code}: ${description}` : description);
  }
  return errors;
}
