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
import { localeFromRequest } from "./i18n/locales";

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

/** Last line of defence: a plain message, never a stack trace. */
export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <Document>
      <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem" }}>
        <h1>{status === 404 ? "Not found" : "Something went wrong"}</h1>
        <p>
          {status === 404
            ? "This page does not exist."
            : "Marketsync could not show this page. Try again in a moment."}
        </p>
      </main>
    </Document>
  );
}
