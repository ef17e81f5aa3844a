import type { AccountSettings } from "../../../db/account-settings";
import type { accountStatus } from "../../../db/schema/enums";
import type { ReasonCode } from "../../../db/schema/orders";
import type { MarketplaceOrder, StoreOrderRef, VariantRef } from "../../../connectors/types";
import type { LineResolution } from "../sku-resolution";

export type AccountStatus = (typeof accountStatus.enumValues)[number];

/** The settings the pre-checks read; a full `AccountSettings` fits. */
export type PreCheckSettings = Pick<
  AccountSettings,
  "importFrom" | "marketplaceFulfilled" | "stockPolicy" | "currencyPolicy"
>;

/**
 * Everything the pre-checks decide from, gathered by the pipeline beforehand. Plain data: no
 * connections, no clocks, so the same context always gives the same decision.
 */
export interface PreCheckContext {
  order: MarketplaceOrder;
  /** The account's parsed settings (db/account-settings.ts `parseAccountSettings`). */
  settings: PreCheckSettings;
  accountStatus: AccountStatus;
  /** ISO 4217 codes the store sells in (its default currency and any enabled presentment ones). */
  storeCurrencies: readonly string[];
  /** An `order_links` row already exists for this marketplace order. */
  alreadyLinked: boolean;
  /** The store order found by the marketplace reference, when the pipeline looked and found one. */
  foundStoreOrder: StoreOrderRef | undefined;
  /** `resolveLineVariants` for this order's lines: one entry per line. */
  lineResolutions: readonly LineResolution[];
  /**
   * Fresher stock per variant (e.g. at the settings' inventory location), over the
   * `inventoryQuantity` the SKU lookup returned; undefined = untracked.
   */
  variantStock?: ReadonlyMap<VariantRef, number | undefined> | undefined;
}

/** Per check: pass, or the outcome it asks for with the merchant-facing reasons. */
export type CheckResult = "pass" | "skip" | "wait" | "hold";

export interface CheckOutcome {
  result: CheckResult;
  /** Empty when the check passes. */
  reasons: ReasonCode[];
}

export const CHECK_NAMES = [
  "cancellation",
  "fulfilled-by-marketplace",
  "import-from",
  "not-imported",
  "connection",
  "ready",
  "sku",
  "stock",
  "address",
  "currency",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/**
 * Every reason code a pre-check can emit, with the parameters it always carries. The admin renders
 * them with `app/i18n/reasons.ts`.
 */
export const PRE_CHECK_REASON_PARAMS = {
  "account.reconnect": [],
  "order.not_paid": [],
  "order.already_shipped": [],
  "order.marketplace_fulfilled": [],
  "order.already_imported": [],
  "order.found_in_store": ["storeOrderName"],
  "order.before_import_from": ["importFrom"],
  "order.cancelled": [],
  "order.cancellation_requested": [],
  "sku.unmapped": ["sku"],
  "sku.mapped_variant_missing": ["sku", "storeSku"],
  "sku.ambiguous": ["sku", "count"],
  "sku.missing": ["lineTitle"],
  "stock.short": ["sku", "needed", "available"],
  "address.incomplete": ["fields"],
  "currency.unsupported": ["currency", "storeCurrencies"],
} as const satisfies Record<string, readonly string[]>;

export type PreCheckReasonCode = keyof typeof PRE_CHECK_REASON_PARAMS;
export const PRE_CHECK_REASON_CODES = Object.keys(PRE_CHECK_REASON_PARAMS) as PreCheckReasonCode[];

type ParamsOf<C extends PreCheckReasonCode> = {
  [K in (typeof PRE_CHECK_REASON_PARAMS)[C][number]]: string | number;
};

/** Builds a reason, typed so each code carries exactly its parameters. */
export function reason<C extends PreCheckReasonCode>(
  code: C,
  ...params: (typeof PRE_CHECK_REASON_PARAMS)[C] extends readonly [] ? [] : [ParamsOf<C>]
): ReasonCode {
  const [given] = params;
  return given ? { code, params: given } : { code };
}

export function pass(): CheckOutcome {
  return { result: "pass", reasons: [] };
}

export function outcome(result: Exclude<CheckResult, "pass">, reasons: ReasonCode[]): CheckOutcome {
  return { result, reasons };
}
