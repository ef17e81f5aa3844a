import { AdminPageErrorBoundary } from "../admin-error-boundary";

/**
 * Any address under /app that no page serves. Matching it here, under the app layout, rather than
 * in the top-level `$.tsx`, renders the not-found page inside the admin (Polaris, the app's
 * navigation, the merchant's language) with a way back; the layout's loader still authenticates
 * the request first. The 404 is thrown so the document's status says it too.
 */
export function loader(): never {
  throw new Response(null, { status: 404, statusText: "Not Found" });
}

export const ErrorBoundary = AdminPageErrorBoundary;

export default function AppNotFound() {
  return null;
}
