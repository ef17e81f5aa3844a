import { json, redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AppProvider, Banner, Page } from "@shopify/polaris";
import { takePendingConnection } from "../../db/pending-connections";
import { bigCommerceSessionCookie, verifyBigCommerceCallback } from "../bigcommerce-session.server";
import { localeFromRequest, matchLocale } from "../i18n/locales";
import { type MessageKey, translator } from "../i18n/messages";
import { POLARIS_TRANSLATIONS } from "../polaris-i18n.server";
import { getServices } from "../services.server";

/**
 * BigCommerce's load callback: each time a user opens the app in the control panel, its iframe
 * loads this URL with a `signed_payload_jwt`. A valid one opens our session cookie (the user's
 * language when BigCommerce gives it) and shows the app, or first finishes a marketplace connection
 * waiting for this store.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const services = getServices();
  const verified = await verifyBigCommerceCallback(services, request);
  const userLocale = verified.kind === "valid" ? verified.claims.user.locale : undefined;
  const locale = matchLocale(userLocale) ?? localeFromRequest(request);
  const fail = (status: number, key: MessageKey) =>
    json(
      { message: translator(locale)(key), polarisTranslations: POLARIS_TRANSLATIONS[locale] },
      { status },
    );
  if (verified.kind === "not_configured") return fail(404, "install.notConfigured");
  if (verified.kind === "invalid") {
    services.logger.warn({ reason: verified.reason }, "bigcommerce load refused");
    return fail(401, "install.invalidSignature");
  }
  const { store, claims } = verified;
  if (!store || store.uninstalledAt) return fail(403, "install.notInstalled");
  // A marketplace consent that came back outside this iframe (connect.$platform.callback) is
  // finished now, under this user's session.
  const pending = await takePendingConnection(services.db, services.keyring, store.id);
  const next = pending ? `/app/accounts/connect/${pending.platform}${pending.search}` : "/app";
  return redirect(next, {
    headers: {
      "Set-Cookie": bigCommerceSessionCookie(services.keyring, {
        storeId: store.id,
        userId: claims.user.id,
        locale,
      }),
    },
  });
}

export default function BigCommerceLoadProblem() {
  const { message, polarisTranslations } = useLoaderData<typeof loader>();
  return (
    <AppProvider i18n={polarisTranslations}>
      <Page>
        <Banner tone="critical">
          <p>{message}</p>
        </Banner>
      </Page>
    </AppProvider>
  );
}
