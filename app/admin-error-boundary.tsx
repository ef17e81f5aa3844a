import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useTranslate } from "./i18n/use-translate";

/**
 * A page's own error boundary: it renders inside the app layout (so inside Polaris' AppProvider,
 * under the app's navigation), keeps Shopify's auth responses for its boundary, and shows the
 * merchant a sentence, never a stack trace. A missing order, account or another store's one, and
 * an address under /app that no page serves (app.$.tsx), are a "page not found" with a way back.
 */
export function AdminPageErrorBoundary() {
  const error = useRouteError();
  const t = useTranslate();
  if (isRouteErrorResponse(error) && (error.status < 400 || error.status === 401)) {
    return boundary.error(error);
  }
  if (isRouteErrorResponse(error) && error.status === 404) return <AdminNotFound />;
  return (
    <Page>
      <Banner tone="critical" title={t("error.title")}>
        <p>{t("error.body")}</p>
      </Banner>
    </Page>
  );
}

/** Not an error the merchant caused or can retry: a plain page, titled as what it is. */
export function AdminNotFound() {
  const t = useTranslate();
  return (
    <Page title={t("error.notFoundTitle")}>
      <Card>
        <BlockStack gap="400">
          <Text as="p">{t("error.notFound")}</Text>
          <InlineStack gap="300">
            <Button variant="primary" url="/app/orders">
              {t("error.toOrders")}
            </Button>
            <Button url="/app">{t("error.toDashboard")}</Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </Page>
  );
}
