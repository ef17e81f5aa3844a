import {
  type MerchantActionDeps,
  NotFoundForStore,
  retryOrders,
  skipOrders,
  updateAccountSettings,
} from "../jobs/import/held-orders";
import { retryOrderPushes, retryPush } from "../jobs/tracking/retry-push";
import type { Services } from "./services.server";

/**
 * The admin's way to the merchant use cases: route modules import only `.server` files for server
 * code, so the client bundle never pulls in the jobs layer.
 */
export {
  NotFoundForStore,
  retryOrderPushes,
  retryOrders,
  retryPush,
  skipOrders,
  updateAccountSettings,
};

/**
 * What the admin's actions need to re-check orders: the database and the job queue. Without the
 * queue (the process is still starting or stopping) nothing is written, since every action
 * enqueues its re-checks in the same transaction.
 */
export function merchantActionDeps(services: Services): MerchantActionDeps {
  if (!services.jobs) throw new Response("Service unavailable", { status: 503 });
  return { db: services.db, jobs: services.jobs };
}
