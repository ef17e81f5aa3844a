import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Outlet,
  useLoaderData,
  useNavigation,
  useRouteError,
} from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import {
  AppProvider as PolarisAppProvider,
  Banner,
  Box,
  InlineStack,
  List,
  Page,
  Text,
} from "@shopify/polaris";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { type AlertCounts, loadAlertBanner } from "../alerts.server";
import { requireAdmin } from "../auth.server";
import { translator, type Translate } from "../i18n/messages";
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
    alerts: await loadAlertBanner(services.db, store.id),
  });
}

export default function AppLayout() {
  const { apiKey, embedded, demo, locale, polarisTranslations, alerts } =
    useLoaderData<typeof loader>();
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
      <NavigationProgress label={t("app.loading")} />
      <AlertBanner alerts={alerts} t={t} locale={locale} />
      <Outlet />
    </AppProvider>
  );
}

/**
 * While a page's data loads (or a form posts), a bar along the top: the merchant sees the click
 * was taken. Outside the Shopify admin nothing else would say so.
 */
function NavigationProgress({ label }: { label: string }) {
  const navigation = useNavigation();
  if (navigation.state === "idle") return null;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-busy="true"
      data-testid="navigation-progress"
      style={{
        position: "fixed",
        insetInline: 0,
        top: 0,
        height: "3px",
        zIndex: 1000,
        background: "var(--p-color-bg-fill-brand)",
      }}
    />
  );
}

/** Held orders, failed tracking and accounts to reconnect, on every page until they are dealt with. */
function AlertBanner({ alerts, t, locale }: { alerts: AlertCounts; t: Translate; locale: string }) {
  const number = new Intl.NumberFormat(locale);
  const items = [
    {
      n: alerts.heldOrders,
      text: "alerts.heldOrders",
      to: "/app/orders?state=held",
      link: "alerts.reviewHeld",
    },
    {
      n: alerts.failedPushes,
      text: "alerts.failedPushes",
      to: "/app/orders?state=failed",
      link: "alerts.reviewFailed",
    },
    {
      n: alerts.accountsNeedingReconnect,
      text: "alerts.needsReconnect",
      to: "/app/accounts",
      link: "alerts.reviewAccounts",
    },
  ] as const;
  const shown = items.filter((item) => item.n > 0);
  if (shown.length === 0) return null;
  return (
    <Box padding="300">
      <Banner
        tone={alerts.accountsNeedingReconnect > 0 ? "critical" : "warning"}
        title={t("alerts.bannerTitle")}
      >
        <div data-testid="alerts-banner">
          <List>
            {shown.map((item) => (
              <List.Item key={item.text}>
                <InlineStack gap="200">
                  <Text as="span">{t(item.text, { count: number.format(item.n) })}</Text>
                  <Link to={item.to}>{t(item.link)}</Link>
                </InlineStack>
              </List.Item>
            ))}
          </List>
        </div>
      </Banner>
    </Box>
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
