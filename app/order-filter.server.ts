import type { OrderListFilter } from "../db/order-list";

/**
 * The list and the export answer 404 to a filter naming an account this store does not have
 * (another store's, or one since removed): an empty result would read as "no orders".
 */
export function assertOwnAccounts(
  filter: OrderListFilter,
  accounts: readonly { id: string }[],
): void {
  const own = new Set(accounts.map((account) => account.id));
  if ((filter.accountIds ?? []).some((id) => !own.has(id))) {
    throw new Response("Not found: the account filter names an account this store does not have", {
      status: 404,
    });
  }
}
