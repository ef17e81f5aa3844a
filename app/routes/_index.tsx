import { json, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { localeFromRequest } from "../i18n/locales";
import { translator } from "../i18n/messages";
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
  return json({ locale: localeFromRequest(request) });
}

export default function Index() {
  const t = translator(useLoaderData<typeof loader>().locale);
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem", maxWidth: 640 }}>
      <h1>Marketsync</h1>
      <p>{t("landing.body")}</p>
    </main>
  );
}
