ALTER TABLE "marketplace_orders" ALTER COLUMN "buyer_search_keys" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "marketplace_orders" ALTER COLUMN "buyer_search_keys" DROP NOT NULL;--> statement-breakpoint
-- Orders stored before 0003 got an empty index by default: mark them "not indexed yet" so the
-- worker's orders.index_buyers job computes their keys (it needs the app's key, SQL cannot).
UPDATE "marketplace_orders" SET "buyer_search_keys" = NULL WHERE "buyer_search_keys" = '{}' AND "buyer_enc" IS NOT NULL AND "pii_purged_at" IS NULL;--> statement-breakpoint
CREATE INDEX "marketplace_orders_buyer_unindexed_idx" ON "marketplace_orders" USING btree ("id") WHERE "marketplace_orders"."buyer_search_keys" is null;
