import type { LoaderFunctionArgs } from "@remix-run/node";
import { verifyBigCommerceCallback } from "../bigcommerce-session.server";
import { getServices } from "../services.server";

/**
 * BigCommerce's uninstall callback (signed_payload_jwt). The store's data is handled by the
 * `store.lifecycle` job, queued here; the `store/app/uninstalled` webhook may queue it too and the
 * job is idempotent.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const services = getServices();
  const verified = await verifyBigCommerceCallback(services, request);
  if (verified.kind === "not_configured") return text(404, "bigcommerce app not configured");
  if (verified.kind === "invalid") {
    services.logger.warn({ reason: verified.reason }, "bigcommerce uninstall refused");
    return text(401, "invalid signed_payload_jwt");
  }
  const { store } = verified;
  if (!store) return text(200, "unknown store");
  const jobs = services.jobs;
  if (!jobs) return text(503, "job queue not started");
  await jobs.send(services.db, "store.lifecycle", {
    storeId: store.id,
    event: "uninstalled",
    // Received as the merchant uninstalls: a re-install can only come after this moment.
    triggeredAt: new Date().toISOString(),
  });
  services.logger.info({ storeId: store.id }, "bigcommerce uninstall queued");
  return text(200, "ok");
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
