import { json, redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AppProvider, Banner, Page } from "@shopify/polaris";
import {
  bigCommerceSessionCookie,
  completeBigCommerceInstall,
} from "../bigcommerce-session.server";
import { localeFromRequest } from "../i18n/locales";
import { type MessageKey, translator } from "../i18n/messages";
import { POLARIS_TRANSLATIONS } from "../polaris-i18n.server";
import { getServices } from "../services.server";

const PROBLEMS = {
  not_configured: { status: 404, key: "install.notConfigured" },
  bad_request: { status: 400, key: "install.badRequest" },
  refused: { status: 400, key: "install.refused" },
  unavailable: { status: 502, key: "install.unavailable" },
} as const satisfies Record<string, { status: number; key: MessageKey }>;

/**
 * BigCommerce's auth callback: the merchant installed (or re-authorized) the app in the control
 * panel, which loads this URL in its iframe with a one-time `code`. Once the store is recorded the
 * merchant lands in the app with a control-panel session.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const services = getServices();
  const locale = localeFromRequest(request);
  const outcome = await completeBigCommerceInstall(services, request);
  if (outcome.kind !== "installed") {
    const problem = PROBLEMS[outcome.kind];
    return json(
      {
        message: translator(locale)(problem.key),
        polarisTranslations: POLARIS_TRANSLATIONS[locale],
      },
      { status: problem.status },
    );
  }
  return redirect("/app", {
    headers: {
      "Set-Cookie": bigCommerceSessionCookie(services.keyring, {
        storeId: outcome.store.id,
        userId: outcome.userId,
        locale,
      }),
    },
  });
}

export default function BigCommerceInstallProblem() {
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
