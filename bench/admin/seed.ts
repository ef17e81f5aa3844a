import type postgres from "postgres";
import { buyerSearchKeys } from "../../db/buyer-search";
import type { KeyRing } from "../../db/encryption";
import { CONTEXT } from "../../db/orders";

/** Distinct buyers in the seed: each buyer has about 20 orders, as repeat customers do. */
export const BUYERS = 50_000;
export const buyerName = (n: number) => `Buyer ${n}`;

export interface SeededAdmin {
  /** Largest first: store 0 holds half of the orders. */
  stores: { id: string; orders: number; accounts: { id: string; platform: string }[] }[];
}

/**
 * A million orders across five stores (one with half of them, so the store filter matters) in a
 * few set-based statements: `generate_series` builds every row inside Postgres, nothing crosses
 * the wire per order. States and tracking follow a busy shop: most imported and confirmed, some
 * held, skipped, failed, cancelled; dates spread over about two years, newest last seconds ago.
 * Buyer search keys are the real blind indexes of "Buyer n" (computed here, indexed by n).
 */
export async function seedAdminOrders(
  sql: postgres.Sql,
  keyring: KeyRing,
  total: number,
): Promise<SeededAdmin> {
  const storeIds = await sql<{ id: string }[]>`
    insert into stores (platform, external_id, access_token_enc, scopes, name, currency)
    select 'shopify', 'bench-' || n || '.myshopify.com', null, '', 'Bench store ' || n, 'USD'
    from generate_series(0, 4) as n order by n
    returning id`;
  const accounts = await sql<{ id: string; store_id: string; platform: string }[]>`
    insert into marketplace_accounts (store_id, platform, seller_id, display_name, region)
    select s.id, p.platform::marketplace_platform, p.platform || '-' || s.id, p.name, p.region
    from unnest(${storeIds.map((s) => s.id)}::uuid[]) as s(id)
    cross join (values ('ebay', 'eBay US', 'EBAY_US'), ('amazon', 'Amazon FR', 'eu'))
      as p(platform, name, region)
    returning id, store_id, platform`;

  // One ciphertext stands for every buyer: listing decrypts it per row as it would a real one.
  const buyerEnc = keyring.encrypt(
    JSON.stringify({ name: "Bench Buyer", email: "buyer@example.com" }),
    CONTEXT.buyer,
  );
  const keys = Array.from(
    { length: BUYERS },
    (_, n) => buyerSearchKeys(keyring, { name: buyerName(n) })[0]!,
  );

  await sql`set synchronous_commit = off`;
  await sql`set maintenance_work_mem = '256MB'`;
  // Loading first and building each index once afterwards is several times faster than updating
  // a dozen indexes row by row; the definitions are read back from the catalog, so the bench
  // measures the migrations' own indexes.
  const indexes = await sql<{ name: string; definition: string }[]>`
    select indexname as name, indexdef as definition from pg_indexes
    where schemaname = 'public' and tablename in ('marketplace_orders', 'order_links')
      and indexname not in (select conname from pg_constraint)`;
  for (const index of indexes) await sql.unsafe(`drop index "${index.name}"`);
  // The generated rows reference the stores and accounts just made: skip the per-row FK checks.
  await sql`set session_replication_role = replica`;
  // A table, not an array parameter indexed per row: Postgres would re-read the array each time.
  await sql`
    create temporary table bench_buyers as
    select n::int - 1 as n, key from unnest(${keys}::text[]) with ordinality as b(key, n)`;
  await sql`alter table bench_buyers add primary key (n)`;
  await sql`
    with a as (
      select store_id, platform,
        row_number() over (partition by store_id order by platform) - 1 as k, id
      from marketplace_accounts
    ), s as (
      select id, row_number() over (order by external_id) - 1 as n from stores
    ), g as (
      select i,
        -- store 0: half of the orders; stores 1-4: an eighth each
        case when i % 8 < 4 then 0 else i % 8 - 3 end as store_n,
        (i / 8) % 2 as account_k,
        (i * 7919) % 100 as r,
        (i * 104729) % 100 as t
      from generate_series(1::bigint, ${total}::bigint) as i
    )
    insert into marketplace_orders (
      account_id, store_id, marketplace, marketplace_order_id, marketplace_status, state,
      tracking_state, currency, total_minor, buyer_enc, buyer_search_keys, hold_reasons,
      marketplace_created_at, marketplace_updated_at)
    select a.id, s.id, a.platform,
      case when a.platform = 'ebay' then '12-' || lpad(g.i::text, 8, '0')
           else '171-' || lpad(g.i::text, 7, '0') || '-' || lpad((g.i % 9973)::text, 7, '0') end,
      'PAID',
      (case when g.r < 80 then 'imported' when g.r < 88 then 'held' when g.r < 92 then 'skipped'
            when g.r < 94 then 'failed' when g.r < 97 then 'cancelled' else 'waiting' end)::order_state,
      (case when g.r >= 80 then 'none' when g.t < 85 then 'confirmed' when g.t < 90 then 'sent'
            when g.t < 92 then 'pending' when g.t < 93 then 'failed' else 'none' end)::tracking_state,
      case when a.platform = 'ebay' then 'USD' else 'EUR' end,
      1000 + (g.i * 31) % 20000,
      ${buyerEnc},
      array[b.key],
      case when g.r >= 80 and g.r < 88
        then '[{"code":"sku.unmapped","params":{"sku":"MUG-XL"}}]'::jsonb else '[]'::jsonb end,
      now() - (${total}::int - g.i) * interval '63 seconds',
      now() - (${total}::int - g.i) * interval '63 seconds'
    from g
    join s on s.n = g.store_n
    join a on a.store_id = s.id and a.k = g.account_k
    join bench_buyers b on b.n = g.i % ${BUYERS}`;
  await sql`
    insert into order_links (order_id, account_id, store_id, marketplace_order_id, state,
      store_order_id, store_order_name, attempts)
    select id, account_id, store_id, marketplace_order_id, 'created',
      'gid://shopify/Order/' || row_number() over (order by marketplace_created_at),
      '#' || (1000 + row_number() over (partition by store_id order by marketplace_created_at)),
      1
    from marketplace_orders where state = 'imported'`;
  await sql`set session_replication_role = origin`;
  for (const index of indexes) await sql.unsafe(index.definition);
  await sql`analyze`;

  const counts = await sql<{ store_id: string; n: number }[]>`
    select store_id, count(*)::int as n from marketplace_orders group by store_id`;
  const stores = storeIds
    .map((s) => ({
      id: s.id,
      orders: counts.find((c) => c.store_id === s.id)?.n ?? 0,
      accounts: accounts
        .filter((a) => a.store_id === s.id)
        .map((a) => ({ id: a.id, platform: a.platform })),
    }))
    .sort((x, y) => y.orders - x.orders);
  return { stores };
}
