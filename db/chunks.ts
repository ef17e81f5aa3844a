/**
 * Splits rows for multi-row statements: Postgres binds at most 65,535 parameters per statement, so
 * a batch of wide rows is sent as several statements of at most `size` rows.
 */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
