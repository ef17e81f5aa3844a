import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { getServices } from "../services.server";

/**
 * The app's root URL: Shopify opens it with `?shop=…` (send it to the embedded app); the demo goes
 * straight to its dashboard; anyone else is told how to install.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (getServices().config.demo || url.searchParams.get("shop")) {
    throw redirect(`/app?${url.searchParams.toString()}`);
  }
  return null;
}

export default function Index() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem", maxWidth: 640 }}>
      <h1>Marketsync</h1>
      <p>
        Imports your eBay and Amazon orders into Shopify or BigCommerce and sends tracking back to
        the marketplace. Install it from the Shopify App Store or the BigCommerce marketplace, then
        open it from your store admin.
      </p>
    </main>
  );
}
