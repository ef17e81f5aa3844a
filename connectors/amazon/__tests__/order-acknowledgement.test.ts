import { describe, expect, it } from "vitest";
import { orderCancellationFeed, processingReportErrors } from "../order-acknowledgement";

describe("order acknowledgement feed", () => {
  it("GIVEN a buyer-requested cancellation WHEN the feed is built THEN every item is cancelled with BuyerCanceled under StatusCode Failure", () => {
    const xml = orderCancellationFeed({
      sellerId: "A3SELLER",
      orderId: "113-0000001-7654320",
      orderItemIds: ["40000000000001", "40000000000002"],
      reason: "buyer_asked",
    });
    expect(xml).toContain("<MessageType>OrderAcknowledgement</MessageType>");
    expect(xml).toContain("<MerchantIdentifier>A3SELLER</MerchantIdentifier>");
    expect(xml).toContain("<AmazonOrderID>113-0000001-7654320</AmazonOrderID>");
    expect(xml).toContain("<StatusCode>Failure</StatusCode>");
    expect(xml.match(/<CancelReason>BuyerCanceled<\/CancelReason>/g)).toHaveLength(2);
    expect(xml).toContain("<AmazonOrderItemCode>40000000000002</AmazonOrderItemCode>");
  });

  it("GIVEN values with XML metacharacters WHEN the feed is built THEN they are escaped", () => {
    const xml = orderCancellationFeed({
      sellerId: "A&B<C>",
      orderId: "1",
      orderItemIds: [],
      reason: "cannot_fulfill",
    });
    expect(xml).toContain("<MerchantIdentifier>A&amp;B&lt;C&gt;</MerchantIdentifier>");
  });
});

describe("processing report", () => {
  const report = (results: string) =>
    `<?xml version="1.0"?><AmazonEnvelope><MessageType>ProcessingReport</MessageType><Message>` +
    `<ProcessingReport><StatusCode>Complete</StatusCode>${results}</ProcessingReport></Message></AmazonEnvelope>`;

  it("GIVEN errors and a warning WHEN read THEN only the errors come back, with their codes and unescaped text", () => {
    const xml = report(
      `<Result><MessageID>1</MessageID><ResultCode>Error</ResultCode><ResultMessageCode>18027</ResultMessageCode>` +
        `<ResultDescription>Order &amp; items already shipped</ResultDescription></Result>` +
        `<Result><MessageID>2</MessageID><ResultCode>Warning</ResultCode><ResultMessageCode>1</ResultMessageCode>` +
        `<ResultDescription>ignored</ResultDescription></Result>`,
    );
    expect(processingReportErrors(xml)).toEqual(["18027: Order & items already shipped"]);
  });

  it("GIVEN a clean report WHEN read THEN there are no errors", () => {
    expect(processingReportErrors(report(""))).toEqual([]);
  });
});
