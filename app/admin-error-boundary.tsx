import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useTranslate } from "./i18n/use-translate";

/**
 * A page's own error boundary: it renders inside the app layout (so inside Polaris' AppProvider),
 * keeps Shopify's auth responses for its boundary, and shows the merchant a sentence, never a
 * stack trace. A missing order, account or another store's one reads "This page does not exist".
 */
export function AdminPageErrorBoundary() {
  const error = useRouteError();
  const t = useTranslate();
  if (isRouteErrorResponse(error) && (error.status < 400 || error.status === 401)) {
    return boundary.error(error);
  }
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Page>
      <Banner tone="critical" title={t("error.title")}>
        <p>{notFound ? t("error.notFound") : t("error.body")}</p>
      </Banner>
    </Page>
  );
}
