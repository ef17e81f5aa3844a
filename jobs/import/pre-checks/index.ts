import type { ReasonCode } from "../../../db/schema/orders";
import type { StoreOrderRef } from "../../../connectors/types";
import { checkAddress } from "./address";
import { checkCancellation } from "./cancellation";
import { checkConnection } from "./connection";
import { checkCurrency } from "./currency";
import { checkFulfilledByMarketplace } from "./fulfilled-by-marketplace";
import { checkImportFrom } from "./import-from";
import { checkNotImported } from "./not-imported";
import { checkReady } from "./ready";
import { checkSku, type ResolvedLine } from "./sku";
import { checkStock } from "./stock";
import {
  CHECK_NAMES,
  type CheckName,
  type CheckOutcome,
  type CheckResult,
  type PreCheckContext,
} from "./types";

export { COUNTRIES_WITHOUT_POSTAL_CODE, ADDRESS_FIELDS, type AddressField } from "./address";
export type { ResolvedLine } from "./sku";
export {
  CHECK_NAMES,
  PRE_CHECK_REASON_CODES,
  PRE_CHECK_REASON_PARAMS,
  type AccountStatus,
  type CheckName,
  type CheckOutcome,
  type CheckResult,
  type PreCheckContext,
  type PreCheckReasonCode,
  type PreCheckSettings,
} from "./types";

export type ImportDecision = "create" | "wait" | "hold" | "skip";

export interface CheckRecord {
  name: CheckName;
  result: CheckResult;
  /** Present when the check did not pass (the shape of `marketplace_orders.check_results`). */
  reasons?: ReasonCode[];
}

export interface PreCheckDecision {
  outcome: ImportDecision;
  /** The reasons behind the outcome (all of that outcome's reasons; empty for create). */
  reasons: ReasonCode[];
  /** Every check's own result, in `CHECK_NAMES` order, for the order's detail page. */
  checks: CheckRecord[];
  /** Create the store order as already fulfilled (marketplace-fulfilled, imported as such). */
  alreadyFulfilled: boolean;
  /** The order is already in the store, unlinked: record the link to this store order. */
  adopt?: StoreOrderRef;
  /** Each line's store variant, when every line resolved to exactly one. */
  resolvedLines?: ResolvedLine[];
}

/**
 * Runs every pre-check (all of them, always, so the detail page shows each one's state) and
 * decides, by this precedence:
 *
 * 1. skip — cancelled, marketplace-fulfilled (by default), before import-from, already imported
 *    or found in the store, shipped outside Marketsync: the order is not ours to create, and
 *    nothing the merchant fixes changes that.
 * 2. wait — account to reconnect, not paid: the order is re-checked by itself when it changes.
 * 3. hold — cancellation requested, SKUs, stock, address, currency: every hold reason together, so
 *    the merchant sees all there is to fix at once.
 * 4. create.
 *
 * `reasons` are those of the winning outcome, in check order.
 */
export function runPreChecks(ctx: PreCheckContext): PreCheckDecision {
  const fulfilled = checkFulfilledByMarketplace(ctx);
  const notImported = checkNotImported(ctx);
  const sku = checkSku(ctx);

  const results: Record<CheckName, CheckOutcome> = {
    cancellation: checkCancellation(ctx),
    "fulfilled-by-marketplace": fulfilled,
    "import-from": checkImportFrom(ctx),
    "not-imported": notImported,
    connection: checkConnection(ctx),
    ready: checkReady(ctx),
    sku,
    stock: checkStock(ctx),
    address: checkAddress(ctx),
    currency: checkCurrency(ctx),
  };

  const checks: CheckRecord[] = CHECK_NAMES.map((name) => {
    const { result, reasons } = results[name];
    return result === "pass" ? { name, result } : { name, result, reasons };
  });

  const reasonsFor = (result: CheckResult) =>
    checks.filter((check) => check.result === result).flatMap((check) => check.reasons ?? []);

  const outcome: ImportDecision =
    (["skip", "wait", "hold"] as const).find((result) =>
      checks.some((check) => check.result === result),
    ) ?? "create";

  return {
    outcome,
    reasons: outcome === "create" ? [] : reasonsFor(outcome),
    checks,
    alreadyFulfilled: fulfilled.alreadyFulfilled,
    ...(notImported.adopt ? { adopt: notImported.adopt } : {}),
    ...(sku.resolvedLines ? { resolvedLines: sku.resolvedLines } : {}),
  };
}
