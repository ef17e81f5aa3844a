import { json, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  type ShouldRevalidateFunction,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import {
  AppProvider as PolarisAppProvider,
  BlockStack,
  Button,
  Card,
  InlineStack,
  Page,
  Text,
} from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { DEFAULT_LOCALE, localeFromRequest } from "./i18n/locales";
import { translator } from "./i18n/messages";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: polarisStyles },
  // Without an icon link the browser asks for /favicon.ico on every first load.
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export function loader({ request }: LoaderFunctionArgs) {
  return json({ locale: localeFromRequest(request) });
}

/**
 * The document's language is settled when it loads: the app's own navigations drop Shopify's
 * `?locale=`, and re-running this loader then would flip `<html lang>` to the browser's language.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl }) =>
  nextUrl.searchParams.has("locale") &&
  currentUrl.searchParams.get("locale") !== nextUrl.searchParams.get("locale");

function Document({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang={data?.locale ?? "en"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <Document>
      <Outlet />
    </Document>
  );
}

/**
 * Last line of defence, and the not-found page outside /app (`$.tsx`): a message in the document's
 * language with a link to the app's home, never a stack trace. The root loader (the language) may
 * itself be what failed: English then. No app layout here, so Polaris gets a provider of its own;
 * it needs no translations for these few components.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  const t = translator(data?.locale ?? DEFAULT_LOCALE);
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Document>
      <PolarisAppProvider i18n={{}}>
        <Page narrowWidth title={notFound ? t("error.notFoundTitle") : t("error.title")}>
          <Card>
            <BlockStack gap="400">
              <Text as="p">{notFound ? t("error.notFound") : t("error.body")}</Text>
              <InlineStack>
                {/* A full load, not a client navigation: the app's home decides where to go. */}
                <Button variant="primary" url="/">
                  {t("error.toHome")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Page>
      </PolarisAppProvider>
    </Document>
  );
}
