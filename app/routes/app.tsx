import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import {
  AppProvider as PolarisAppProvider,
  Banner,
  Box,
  InlineStack,
  Page,
  Text,
} from "@shopify/polaris";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { requireAdmin } from "../auth.server";
import { translator } from "../i18n/messages";
import { useTranslate } from "../i18n/use-translate";
import { POLARIS_TRANSLATIONS } from "../polaris-i18n.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { services, store, locale, embedded } = await requireAdmin(request);
  return json({
    apiKey: services.config.shopify?.apiKey ?? "",
    embedded,
    demo: services.config.demo,
    locale,
    shop: store.externalId,
    polarisTranslations: POLARIS_TRANSLATIONS[locale],
  });
}

export default function AppLayout() {
  const { apiKey, embedded, demo, locale, polarisTranslations } = useLoaderData<typeof loader>();
  const t = translator(locale);
  return (
    <AppProvider isEmbeddedApp={embedded} apiKey={apiKey} i18n={polarisTranslations}>
      {embedded ? (
        <NavMenu>
          <Link to="/app" rel="home">
            {t("nav.dashboard")}
          </Link>
          <Link to="/app/orders">{t("nav.orders")}</Link>
          <Link to="/app/accounts">{t("nav.accounts")}</Link>
          <Link to="/app/sku-mappings">{t("nav.skuMappings")}</Link>
        </NavMenu>
      ) : (
        // Outside the Shopify admin there is no App Bridge nav: a plain bar stands in for it.
        <Box padding="300" background="bg-surface" borderBlockEndWidth="025" borderColor="border">
          <InlineStack gap="400" blockAlign="center">
            <Text as="span" variant="headingMd">
              {t("app.title")}
            </Text>
            <Link to="/app">{t("nav.dashboard")}</Link>
            <Link to="/app/orders">{t("nav.orders")}</Link>
            <Link to="/app/accounts">{t("nav.accounts")}</Link>
            <Link to="/app/sku-mappings">{t("nav.skuMappings")}</Link>
          </InlineStack>
        </Box>
      )}
      {demo && (
        <Box padding="300">
          <Banner tone="info">{t("app.demoBanner")}</Banner>
        </Box>
      )}
      <Outlet />
    </AppProvider>
  );
}

/**
 * Shopify's auth flow throws responses (the session-token bounce page, 401 for fetches) that its
 * boundary must render; anything else becomes a merchant-readable page with no technical detail.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status < 400 || error.status === 401)) {
    return boundary.error(error);
  }
  return <AppError notFound={isRouteErrorResponse(error) && error.status === 404} />;
}

function AppError({ notFound }: { notFound: boolean }) {
  const t = useTranslate();
  // The layout (and its AppProvider) failed to render: Polaris needs a provider of its own here.
  return (
    <PolarisAppProvider i18n={{}}>
      <Page>
        <Banner tone="critical" title={t("error.title")}>
          <p>{notFound ? t("error.notFound") : t("error.body")}</p>
        </Banner>
      </Page>
    </PolarisAppProvider>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
