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
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { DEFAULT_LOCALE, localeFromRequest } from "./i18n/locales";
import { translator } from "./i18n/messages";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

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
 * Last line of defence: a plain message in the document's language, never a stack trace. The root
 * loader (the language) may itself be what failed: English then.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  const t = translator(data?.locale ?? DEFAULT_LOCALE);
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Document>
      <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem" }}>
        <h1>{notFound ? t("error.notFoundTitle") : t("error.title")}</h1>
        <p>{notFound ? t("error.notFound") : t("error.body")}</p>
      </main>
    </Document>
  );
}
