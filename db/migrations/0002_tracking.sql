CREATE TABLE "data_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid NOT NULL,
	"request_ref" text NOT NULL,
	"export_enc" text,
	"order_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "webhook_secret_enc" text;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "webhooks_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "marketplace_orders" ADD COLUMN "buyer_key" text;--> statement-breakpoint
ALTER TABLE "marketplace_orders" ADD COLUMN "shipped_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "order_links" ADD COLUMN "fulfillments_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tracking_pushes" ADD COLUMN "kind" text DEFAULT 'create' NOT NULL;--> statement-breakpoint
ALTER TABLE "tracking_pushes" ADD COLUMN "warnings" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "tracking_pushes" ADD COLUMN "verify_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "data_requests" ADD CONSTRAINT "data_requests_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "data_requests_store_ref_uq" ON "data_requests" USING btree ("store_id","request_ref");--> statement-breakpoint
CREATE INDEX "marketplace_orders_buyer_key_idx" ON "marketplace_orders" USING btree ("buyer_key") WHERE "marketplace_orders"."buyer_key" is not null;--> statement-breakpoint
CREATE INDEX "marketplace_orders_shipped_unpurged_idx" ON "marketplace_orders" USING btree ("shipped_at") WHERE "marketplace_orders"."pii_purged_at" is null and "marketplace_orders"."shipped_at" is not null;