import { outcome, pass, reason, type CheckOutcome, type PreCheckContext } from "./types";

/**
 * The marketplace account must be connected (`active`). Otherwise nothing can be read or confirmed
 * for it, so the order waits until the merchant reconnects; it is not the order's fault.
 */
export function checkConnection(ctx: Pick<PreCheckContext, "accountStatus">): CheckOutcome {
  return ctx.accountStatus === "active" ? pass() : outcome("wait", [reason("account.reconnect")]);
}
