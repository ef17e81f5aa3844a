import type { LoaderFunctionArgs } from "@remix-run/node";
import { verifyBigCommerceCallback } from "../bigcommerce-session.server";
import { getServices } from "../services.server";

/**
 * BigCommerce's remove_user callback (signed_payload_jwt): a user lost access to the app. Sessions
 * live only in the user's cookie (nothing stored server-side), so there is nothing to delete: the
 * cookie expires within the hour and `load`, which BigCommerce no longer calls for that user, is
 * the only way to open a new one.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const services = getServices();
  const verified = await verifyBigCommerceCallback(services, request);
  if (verified.kind === "not_configured") return text(404, "bigcommerce app not configured");
  if (verified.kind === "invalid") {
    services.logger.warn({ reason: verified.reason }, "bigcommerce remove_user refused");
    return text(401, "invalid signed_payload_jwt");
  }
  services.logger.info(
    { storeId: verified.store?.id, userId: verified.claims.user.id },
    "bigcommerce user removed",
  );
  return text(200, "ok");
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
