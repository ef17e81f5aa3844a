import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { addBigCommerceDocumentHeaders } from "./bigcommerce-session.server";
import { getServices } from "./services.server";
import { shopify } from "./shopify.server";

const ABORT_DELAY_MS = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // Embedded pages need the frame-ancestors CSP of the admin that loads them: BigCommerce's control
  // panel for a BigCommerce session, else Shopify's for the shop.
  if (!addBigCommerceDocumentHeaders(getServices().keyring, request, responseHeaders)) {
    shopify?.addDocumentResponseHeaders(request, responseHeaders);
  }
  const callback = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise<Response>((resolve, reject) => {
    let status = responseStatusCode;
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} />,
      {
        [callback]: () => {
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status,
            }),
          );
          pipe(body);
        },
        onShellError: reject,
        onError: () => {
          status = 500;
        },
      },
    );
    setTimeout(abort, ABORT_DELAY_MS);
  });
}
