import { outcome, pass, reason, type CheckOutcome, type PreCheckContext } from "./types";

/**
 * The order's currency must be one the store sells in (compared case-insensitively), unless the
 * merchant chose `currencyPolicy: "marketplace_currency"`. Amounts are never converted.
 */
export function checkCurrency(
  ctx: Pick<PreCheckContext, "order" | "settings" | "storeCurrencies">,
): CheckOutcome {
  if (ctx.settings.currencyPolicy === "marketplace_currency") return pass();
  const currency = ctx.order.currency.trim().toUpperCase();
  const storeCurrencies = [...new Set(ctx.storeCurrencies.map((c) => c.trim().toUpperCase()))];
  if (storeCurrencies.includes(currency)) return pass();
  return outcome("hold", [
    reason("currency.unsupported", { currency, storeCurrencies: storeCurrencies.join(", ") }),
  ]);
}
