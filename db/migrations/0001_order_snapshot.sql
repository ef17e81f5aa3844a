ALTER TABLE "marketplace_orders" ADD COLUMN "snapshot_enc" text;--> statement-breakpoint
ALTER TABLE "marketplace_orders" ADD COLUMN "fulfilled_by_marketplace" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "marketplace_orders" ADD COLUMN "cancellation_requested" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "marketplace_orders" ADD COLUMN "check_results" jsonb DEFAULT '[]'::jsonb NOT NULL;